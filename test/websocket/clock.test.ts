import { test } from 'node:test'
import assert from 'node:assert/strict'
import WebSocket from 'ws'
import { websocketClock } from '../../electron/apps/websocket-clock.ts'
import { mountApp } from '../../electron/proxy/mount-app.ts'
import { startServer } from '../../electron/core/server/node-server.ts'
import { websocket } from '../../electron/core/websocket/websocket.ts'
import { broadcastEvery } from '../../electron/core/websocket/broadcast-every.ts'
import { fixedClock } from '../../electron/core/clock.ts'

/** Resolves when `check` holds, polling every 10 ms; rejects after `ms`. */
async function eventually(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

interface Received {
  at: number
  text: string
}

function connect(url: string): { ws: WebSocket; received: Received[]; opened: Promise<void>; closed: Promise<number> } {
  const ws = new WebSocket(url)
  const received: Received[] = []
  ws.on('message', (data, isBinary) => {
    if (!isBinary) received.push({ at: performance.now(), text: data.toString() })
  })
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)))
  return { ws, received, opened, closed }
}

function gaps(received: Received[]): number[] {
  return received.slice(1).map((r, i) => r.at - received[i]!.at)
}

test('the clock sends each of two clients the time every 200 ms, as ISO-8601 text from the injected clock', async (t) => {
  const clock = fixedClock(Date.UTC(2020, 9, 16, 10, 15, 30, 123))
  const mounted = await mountApp(websocketClock(200, clock), { port: 0 })
  t.after(() => mounted.stop())
  const url = mounted.server.url.replace('http://', 'ws://')
  const a = connect(url)
  const b = connect(url)
  t.after(() => {
    a.ws.terminate()
    b.ws.terminate()
  })
  await Promise.all([a.opened, b.opened])
  await eventually(() => a.received.length >= 6 && b.received.length >= 6, 4000, 'six ticks on both clients')
  for (const client of [a, b]) {
    assert.equal(client.received[0]!.text, '2020-10-16T10:15:30.123Z')
    // Every gap about 200 ms; one may stretch when a busy machine stalls the event loop (a wrong interval fails them all).
    const measured = gaps(client.received.slice(1, 6))
    const onTime = measured.filter((gap) => Math.abs(gap - 200) <= 100)
    assert.ok(onTime.length >= measured.length - 1, `gaps of ${measured.map((g) => g.toFixed(0)).join(', ')} ms`)
  }
  // One timer for all: both clients hear the same ticks, within a few ms of each other.
  const ticks = Math.min(a.received.length, b.received.length)
  for (let i = 1; i < ticks; i++)
    assert.ok(
      Math.abs(a.received[i]!.at - b.received[i]!.at) < 50 || Math.abs(a.received[i]!.at - b.received[i - 1]!.at) < 50,
    )
})

test('the first frame goes out at once on connect, not an interval later, and the next after one interval', async (t) => {
  const mounted = await mountApp(websocketClock(1000), { port: 0 })
  t.after(() => mounted.stop())
  const c = connect(mounted.server.url.replace('http://', 'ws://'))
  t.after(() => c.ws.terminate())
  await c.opened
  const openedAt = performance.now()
  await eventually(() => c.received.length >= 1, 900, 'the first frame within 900 ms of a 1000 ms clock')
  assert.ok(
    c.received[0]!.at - openedAt < 300,
    `first frame ${(c.received[0]!.at - openedAt).toFixed(0)} ms after open`,
  )
  await eventually(() => c.received.length >= 2, 2000, 'the second frame')
  const [gap] = gaps(c.received)
  assert.ok(Math.abs(gap! - 1000) <= 100, `gap of ${gap!.toFixed(0)} ms`)
})

test('the clock ticks once a second by default (1000 ms, ±100 ms)', async (t) => {
  const mounted = await mountApp(websocketClock(), { port: 0 })
  t.after(() => mounted.stop())
  const c = connect(mounted.server.url.replace('http://', 'ws://'))
  t.after(() => c.ws.terminate())
  await c.opened
  await eventually(() => c.received.length >= 2, 3500, 'two ticks')
  assert.ok(!Number.isNaN(Date.parse(c.received[0]!.text)) && c.received[0]!.text.endsWith('Z'))
  const [gap] = gaps(c.received)
  assert.ok(Math.abs(gap! - 1000) <= 100, `gap of ${gap!.toFixed(0)} ms`)
})

test('clients that leave are forgotten, and the shared timer stops when the last one goes', async (t) => {
  const broadcast = broadcastEvery(50, () => 'tick')
  const handler = websocket(broadcast)
  const server = await startServer(handler, { port: 0 })
  t.after(() => server.stop())
  const url = server.url.replace('http://', 'ws://')
  const a = connect(url)
  const b = connect(url)
  await Promise.all([a.opened, b.opened])
  await eventually(() => broadcast.clients === 2 && broadcast.ticking, 2000, 'two clients')
  a.ws.close(1000, 'done')
  assert.equal(await a.closed, 1000)
  await eventually(() => broadcast.clients === 1, 2000, 'the first client to be forgotten')
  assert.equal(broadcast.ticking, true)
  b.ws.terminate() // gone without a close frame
  await b.closed
  await eventually(
    () => broadcast.clients === 0 && !broadcast.ticking && handler.connections === 0,
    2000,
    'the timer to stop',
  )
})

test('a plain GET to the clock is told to upgrade (426)', async (t) => {
  const mounted = await mountApp(websocketClock(), { port: 0 })
  t.after(() => mounted.stop())
  const res = await fetch(mounted.server.url, { signal: AbortSignal.timeout(5000) })
  assert.equal(res.status, 426)
  assert.equal(res.headers.get('upgrade'), 'websocket')
  await res.text()
})

test('closing the clock app sends its clients 1001 (going away), as the CLI does before stopping the server', async (t) => {
  const app = websocketClock(100)
  const mounted = await mountApp(app, { port: 0 })
  t.after(() => mounted.stop())
  const c = connect(mounted.server.url.replace('http://', 'ws://'))
  t.after(() => c.ws.terminate())
  await c.opened
  app.close()
  const code = await Promise.race([
    c.closed,
    new Promise<number>((_, reject) => setTimeout(() => reject(new Error('no close within 3 s')), 3000)),
  ])
  assert.equal(code, 1001)
})
