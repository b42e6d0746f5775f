import { test } from 'node:test'
import assert from 'node:assert/strict'
import WebSocket from 'ws'
import { Host } from '../../electron/host/host.ts'
import type { ExchangeSummary } from '../../shared/exchange.ts'

test('the clock demo ticks ISO times through a capturing reverse proxy', async (t) => {
  const host = new Host()
  t.after(() => host.stop())
  const seen: ExchangeSummary[] = []
  const connection = host.connectWindow((name, payload) => {
    if (name === 'exchanges') seen.push(...(payload as { exchanges: ExchangeSummary[] }).exchanges)
  })
  t.after(() => connection.close())
  await connection.dispatch('subscribe', {})
  const demo = (await connection.dispatch('startClockDemo', { intervalMs: 100 })) as {
    url: string
    proxyListenerId: string
  }
  assert.deepEqual(await connection.dispatch('startClockDemo', { intervalMs: 100 }), demo)
  const ws = new WebSocket(demo.url)
  const ticks: string[] = []
  ws.on('message', (d) => ticks.push(String(d)))
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no ticks within 3 s')), 3000)
    ws.on('message', () => {
      if (ticks.length >= 3) {
        clearTimeout(timer)
        resolve()
      }
    })
    ws.once('error', reject)
  })
  ws.close()
  for (const tick of ticks) assert.ok(!Number.isNaN(Date.parse(tick)) && tick.endsWith('Z'), tick)
  const deadline = Date.now() + 3000
  while (
    !seen.some((e) => e.listenerId === demo.proxyListenerId && e.tags.includes('websocket')) &&
    Date.now() < deadline
  )
    await new Promise((r) => setTimeout(r, 20))
  assert.ok(seen.some((e) => e.listenerId === demo.proxyListenerId && e.tags.includes('websocket')))
})
