import { test } from 'node:test'
import assert from 'node:assert/strict'
import WebSocket, { WebSocketServer } from 'ws'
import { Host } from '../../electron/host/host.ts'
import { until } from '../support/wait.ts'
import type { ExchangeDetail, ExchangeSummary, WebsocketFrame } from '../../shared/exchange.ts'

test('websocket frames through a host proxy stream to the window and show in the exchange detail', async (t) => {
  const echo = new WebSocketServer({ host: '127.0.0.1', port: 0 })
  echo.on('connection', (ws) => ws.on('message', (data, binary) => ws.send(data, { binary })))
  await new Promise<void>((resolve) => echo.once('listening', () => resolve()))
  const echoPort = (echo.address() as { port: number }).port
  const host = new Host()
  t.after(async () => {
    await host.stop()
    await new Promise((r) => echo.close(r))
  })
  const proxy = await host.startListener({
    kind: 'proxy',
    mode: 'reverse',
    target: `http://127.0.0.1:${echoPort}`,
    port: 0,
  })
  const live: WebsocketFrame[] = []
  const summaries: ExchangeSummary[] = []
  const connection = host.connectWindow((name, payload) => {
    if (name === 'frames') live.push(...(payload as { frames: WebsocketFrame[] }).frames)
    if (name === 'exchanges') summaries.push(...(payload as { exchanges: ExchangeSummary[] }).exchanges)
  })
  t.after(() => connection.close())
  await connection.dispatch('subscribe', {})

  const client = new WebSocket(`ws://127.0.0.1:${proxy.port}/echo`)
  await new Promise<void>((resolve, reject) => {
    client.once('open', () => resolve())
    client.once('error', reject)
  })
  const replies: string[] = []
  client.on('message', (d) => replies.push(String(d)))
  client.send('hello')
  client.send(Buffer.from([1, 2, 3]))
  await until(() => replies.length === 2)
  client.close(4000, 'done here')
  await until(() => live.some((f) => f.kind === 'close' && f.direction === 'server'))

  assert.deepEqual(
    live.filter((f) => f.kind === 'text').map((f) => [f.direction, f.text]),
    [
      ['client', 'hello'],
      ['server', 'hello'],
    ],
  )
  assert.deepEqual(
    live.filter((f) => f.kind === 'binary').map((f) => [f.direction, f.size]),
    [
      ['client', 3],
      ['server', 3],
    ],
  )
  assert.deepEqual(live.find((f) => f.kind === 'close')?.close, { code: 4000, reason: 'done here' })
  await until(() => summaries.some((s) => s.tags.includes('websocket')))
  const id = summaries.find((s) => s.tags.includes('websocket'))!.id
  const detail = (await connection.dispatch('getExchange', { id })) as ExchangeDetail
  assert.equal(detail.status, 101)
  assert.ok((detail.frames?.length ?? 0) >= 5)
})
