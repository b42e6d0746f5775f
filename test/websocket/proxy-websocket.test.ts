import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import net from 'node:net'
import WebSocket, { WebSocketServer } from 'ws'
import { simpleProxy } from '../../electron/apps/simple-proxy.ts'
import { mountApp, type MountedApp } from '../../electron/proxy/mount-app.ts'
import { observeWebsocket, frameForUi, type ObservedFrame } from '../../electron/proxy/websocket-observer.ts'
import { captureTo } from '../../electron/capture/capture-filter.ts'
import type { CapturedExchange } from '../../electron/capture/captured-exchange.ts'
import { systemClock } from '../../electron/core/clock.ts'
import { rawWebsocket } from './raw-websocket.ts'

async function eventually(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

interface Upstream {
  readonly port: number
  readonly server: WebSocketServer
  readonly closes: Array<{ code: number; reason: string }>
  stop(): Promise<void>
}

/** A `ws` server on 127.0.0.1:0 that echoes every message, or ticks when `/ticks` is asked for. */
async function echoUpstream(): Promise<Upstream> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' })
  await new Promise<void>((resolve) => server.once('listening', () => resolve()))
  const closes: Upstream['closes'] = []
  server.on('connection', (ws, req) => {
    ws.on('close', (code, reason) => closes.push({ code, reason: reason.toString() }))
    if (req.url === '/ticks') {
      let n = 0
      const timer = setInterval(() => ws.send(`tick ${n++}`), 20)
      ws.on('close', () => clearInterval(timer))
    } else ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }))
  })
  return {
    port: (server.address() as net.AddressInfo).port,
    server,
    closes,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const c of server.clients) c.terminate()
        server.close(() => resolve())
      }),
  }
}

interface Proxy {
  readonly mounted: MountedApp
  readonly frames: ObservedFrame[]
  readonly captured: CapturedExchange[]
}

/** The simple proxy with capture and the frame observer as its inner filters, as the host would compose it. */
async function startProxy(t: TestContext, target?: string): Promise<Proxy> {
  const frames: ObservedFrame[] = []
  const captured: CapturedExchange[] = []
  const capture = captureTo(
    { exchangeCompleted: (e) => captured.push(e) },
    { listenerId: 'test', clock: systemClock, bodyCap: () => 1024, enabled: () => true },
  )
  const app = simpleProxy({ ...(target ? { target } : {}), inner: [capture, observeWebsocket((f) => frames.push(f))] })
  const mounted = await mountApp(app, { port: 0 })
  t.after(() => mounted.stop())
  return { mounted, frames, captured }
}

const summary = (frames: ObservedFrame[]) =>
  frames.map(
    (f) =>
      `${f.direction} ${f.kind} ${f.size}${f.text !== undefined ? ` ${f.text}` : ''}${f.close ? ` ${f.close.code}` : ''}`,
  )

for (const target of ['http', 'ws'] as const) {
  test(`a websocket echo passes through the forward proxy (absolute-form ${target}:// target) with every frame observed both ways`, async (t) => {
    const upstream = await echoUpstream()
    t.after(() => upstream.stop())
    const proxy = await startProxy(t)
    const ws = await rawWebsocket(
      proxy.mounted.server.port,
      `${target}://127.0.0.1:${upstream.port}/echo`,
      `127.0.0.1:${upstream.port}`,
    )
    t.after(() => ws.socket.destroy())
    assert.equal(ws.status, 101, ws.head)
    ws.send('hello')
    // The second message goes once the first echo is back, so the frames' order is fixed (else it is a race).
    await eventually(() => ws.messages.length === 1, 3000, 'the first echo')
    ws.send(new Uint8Array([1, 2, 3]))
    await eventually(() => ws.messages.length === 2, 3000, 'both echoes')
    assert.deepEqual(ws.messages, [{ text: 'hello' }, { bytes: Buffer.from([1, 2, 3]) }])
    ws.close(1000, 'done')
    assert.deepEqual(await ws.closedWith, { code: 1000, reason: 'done' })
    await eventually(() => proxy.frames.length === 6, 3000, 'six frames')
    assert.deepEqual(summary(proxy.frames), [
      'client text 5 hello',
      'server text 5 hello',
      'client binary 3',
      'server binary 3',
      'client close 6 done 1000',
      'server close 6 done 1000',
    ])
    assert.deepEqual(frameForUi(proxy.frames[2]!).base64, Buffer.from([1, 2, 3]).toString('base64'))
    assert.ok(proxy.frames.every((f, i) => i === 0 || f.at >= proxy.frames[i - 1]!.at))
    await eventually(
      () => proxy.captured.some((e) => e.outcome.kind === 'completed'),
      3000,
      'the capture to see the tunnel close',
    )
    const exchange = proxy.captured.at(-1)!
    assert.equal(exchange.status, 101)
    assert.ok(exchange.tags.includes('websocket'), exchange.tags.join(','))
    assert.ok((exchange.tunnel?.bytesUp ?? 0) > 0 && (exchange.tunnel?.bytesDown ?? 0) > 0)
  })
}

test('a websocket echo passes through the reverse proxy with a real ws client, frames observed both ways', async (t) => {
  const upstream = await echoUpstream()
  t.after(() => upstream.stop())
  const proxy = await startProxy(t, `http://127.0.0.1:${upstream.port}`)
  const ws = new WebSocket(`ws://127.0.0.1:${proxy.mounted.server.port}/echo`)
  t.after(() => ws.terminate())
  const received: string[] = []
  ws.on('message', (data, isBinary) => received.push(isBinary ? `binary ${(data as Buffer).length}` : data.toString()))
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  ws.send('héllo')
  ws.send(Buffer.alloc(70_000, 9))
  await eventually(() => received.length === 2, 3000, 'both echoes')
  assert.deepEqual(received, ['héllo', 'binary 70000'])
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)))
  ws.close(1000)
  assert.equal(await closed, 1000)
  await eventually(() => proxy.frames.length === 6, 3000, 'six frames')
  // Each direction is in order; how the two interleave depends on timing.
  const one = (direction: string) => summary(proxy.frames.filter((f) => f.direction === direction))
  assert.deepEqual(one('client'), ['client text 6 héllo', 'client binary 70000', 'client close 2 1000'])
  assert.deepEqual(one('server'), ['server text 6 héllo', 'server binary 70000', 'server close 2 1000'])
  const big = proxy.frames.find((f) => f.direction === 'client' && f.kind === 'binary')!
  assert.equal(big.truncated, true, 'a 70000-byte frame is stored up to the 64 KiB frame cap')
  assert.equal(big.binary?.length, 64 * 1024)
  assert.ok(
    big.binary?.every((b) => b === 9),
    'the stored bytes are unmasked',
  )
})

test('a client closing mid-stream is observed with its code and reason, and the proxy cleans up and stays up', async (t) => {
  const upstream = await echoUpstream()
  t.after(() => upstream.stop())
  const proxy = await startProxy(t, `http://127.0.0.1:${upstream.port}`)
  const url = `ws://127.0.0.1:${proxy.mounted.server.port}/ticks`
  const ws = new WebSocket(url)
  t.after(() => ws.terminate())
  let ticks = 0
  ws.on('message', () => {
    ticks++
  })
  await eventually(() => ticks >= 3, 3000, 'three ticks')
  ws.close(4001, 'leaving now')
  await eventually(() => upstream.closes.length === 1, 3000, 'the upstream to see the close')
  assert.deepEqual(upstream.closes[0], { code: 4001, reason: 'leaving now' })
  const close = proxy.frames.find((f) => f.direction === 'client' && f.kind === 'close')
  assert.deepEqual(close?.close, { code: 4001, reason: 'leaving now' })
  assert.ok(proxy.frames.filter((f) => f.direction === 'server' && f.text?.startsWith('tick')).length >= 3)
  await eventually(() => proxy.captured.some((e) => e.outcome.kind !== 'pending'), 3000, 'the tunnel to close')

  // A second client that just vanishes (no close frame): the upstream sees 1006 and the tunnel still ends.
  const rude = new WebSocket(url)
  t.after(() => rude.terminate())
  await new Promise<void>((resolve, reject) => {
    rude.once('message', () => resolve())
    rude.once('error', reject)
  })
  rude.terminate()
  await eventually(() => upstream.closes.length === 2, 3000, 'the upstream to see the second client go')
  assert.equal(upstream.closes[1]!.code, 1006)
  await eventually(
    () => proxy.captured.filter((e) => e.outcome.kind !== 'pending').length === 2,
    3000,
    'the second tunnel to close',
  )
  assert.equal(upstream.server.clients.size, 0)

  // The proxy is still up.
  const again = new WebSocket(url)
  t.after(() => again.terminate())
  await new Promise<void>((resolve, reject) => {
    again.once('message', () => resolve())
    again.once('error', reject)
  })
})

test('an upstream that refuses the upgrade answers through the proxy as an ordinary response', async (t) => {
  const upstream = await echoUpstream()
  t.after(() => upstream.stop())
  upstream.server.options.verifyClient = (_info: unknown, done: (ok: boolean, code?: number) => void) =>
    done(false, 403)
  const proxy = await startProxy(t)
  const ws = await rawWebsocket(
    proxy.mounted.server.port,
    `http://127.0.0.1:${upstream.port}/echo`,
    `127.0.0.1:${upstream.port}`,
  )
  t.after(() => ws.socket.destroy())
  assert.equal(ws.status, 403, ws.head)
  await eventually(() => proxy.captured.length === 1, 3000, 'the capture')
  assert.equal(proxy.captured[0]!.status, 403)
  assert.equal(proxy.frames.length, 0)
})

test('a websocket through a CONNECT tunnel passes untouched (the tunnel is raw bytes)', async (t) => {
  const upstream = await echoUpstream()
  t.after(() => upstream.stop())
  const proxy = await startProxy(t)
  const socket = net.connect(proxy.mounted.server.port, '127.0.0.1')
  t.after(() => socket.destroy())
  socket.write(`CONNECT 127.0.0.1:${upstream.port} HTTP/1.1\r\nHost: 127.0.0.1:${upstream.port}\r\n\r\n`)
  const head = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no CONNECT answer')), 3000)
    socket.once('data', (d: Buffer) => {
      clearTimeout(timer)
      resolve(d.toString('latin1'))
    })
  })
  assert.match(head, /^HTTP\/1\.1 200/)
  const ws = new WebSocket(`ws://127.0.0.1:${upstream.port}/echo`, { createConnection: () => socket })
  t.after(() => ws.terminate())
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  const echo = new Promise<string>((resolve) => ws.once('message', (d) => resolve(d.toString())))
  ws.send('through the tunnel')
  assert.equal(await echo, 'through the tunnel')
})
