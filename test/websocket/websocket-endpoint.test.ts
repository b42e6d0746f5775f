import { test } from 'node:test'
import assert from 'node:assert/strict'
import WebSocket from 'ws'
import { startServer } from '../../electron/core/server/node-server.ts'
import { websocket } from '../../electron/core/websocket/websocket.ts'
import { Opcode, encodeFrame } from '../../electron/core/websocket/frame-parser.ts'
import { request } from '../../electron/core/message.ts'
import { simpleProxy } from '../../electron/apps/simple-proxy.ts'
import { websocketClock } from '../../electron/apps/websocket-clock.ts'
import { mountApp } from '../../electron/proxy/mount-app.ts'
import { observeWebsocket, type ObservedFrame } from '../../electron/proxy/websocket-observer.ts'
import { rawWebsocket } from './raw-websocket.ts'

async function eventually(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

const echo = websocket((ws) => ws.onMessage((m) => ws.send(m.kind === 'text' ? m.text.toUpperCase() : m.bytes)), {
  maxMessageBytes: 1000,
})

test('a websocket app gets whole messages (fragments joined) and answers pings', async (t) => {
  const server = await startServer(echo, { port: 0 })
  t.after(() => server.stop())
  const ws = new WebSocket(server.url.replace('http:', 'ws:'))
  t.after(() => ws.terminate())
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  const got: string[] = []
  ws.on('message', (d, binary) => got.push(binary ? `bytes ${(d as Buffer).length}` : d.toString()))
  const pong = new Promise<string>((resolve) => ws.once('pong', (d) => resolve(d.toString())))
  ws.send('hel', { fin: false })
  ws.send('lo', { fin: true })
  ws.send(Buffer.alloc(5), { binary: true })
  ws.ping('are you there')
  assert.equal(await pong, 'are you there')
  await eventually(() => got.length === 2, 3000, 'two answers')
  assert.deepEqual(got, ['HELLO', 'bytes 5'])
})

test('a message over the size limit is refused with 1009, an unmasked client frame with 1002', async (t) => {
  const server = await startServer(echo, { port: 0 })
  t.after(() => server.stop())
  const big = new WebSocket(server.url.replace('http:', 'ws:'))
  t.after(() => big.terminate())
  const bigClosed = new Promise<number>((resolve) => big.once('close', (code) => resolve(code)))
  big.once('open', () => big.send(Buffer.alloc(5000)))
  assert.equal(await bigClosed, 1009)

  const raw = await rawWebsocket(server.port, '/', 'localhost')
  t.after(() => raw.socket.destroy())
  assert.equal(raw.status, 101)
  raw.socket.write(encodeFrame(Opcode.text, Buffer.from('no mask')))
  assert.equal((await raw.closedWith)?.code, 1002)
})

test('a handshake with the wrong version is told to upgrade to version 13 (426)', async () => {
  const res = await echo(
    request({
      target: '/',
      headers: [
        ['Connection', 'Upgrade'],
        ['Upgrade', 'websocket'],
        ['Sec-WebSocket-Version', '8'],
        ['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='],
      ],
    }),
  )
  assert.equal(res.status, 426)
  assert.deepEqual(
    res.headers.filter(([n]) => n === 'Sec-WebSocket-Version'),
    [['Sec-WebSocket-Version', '13']],
  )
  const ok = await echo(
    request({
      target: '/',
      headers: [
        ['Connection', 'Upgrade'],
        ['Upgrade', 'websocket'],
        ['Sec-WebSocket-Version', '13'],
        ['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='],
      ],
    }),
  )
  assert.equal(ok.status, 101)
  assert.deepEqual(
    ok.headers.find(([n]) => n === 'Sec-WebSocket-Accept'),
    ['Sec-WebSocket-Accept', 's3pPLMBiTxaQ9kYGzzhZRbK+xOo='],
    'RFC 6455 §1.3 example',
  )
})

test('the clock seen through the proxy: its ticks show as server text frames', async (t) => {
  const clock = await mountApp(websocketClock(100), { port: 0 })
  t.after(() => clock.stop())
  const frames: ObservedFrame[] = []
  const proxy = await mountApp(
    simpleProxy({ target: clock.server.url, inner: [observeWebsocket((f) => frames.push(f))] }),
    { port: 0 },
  )
  t.after(() => proxy.stop())
  const ws = new WebSocket(proxy.server.url.replace('http:', 'ws:'))
  t.after(() => ws.terminate())
  await eventually(() => frames.length >= 2, 3000, 'two ticks through the proxy')
  assert.ok(
    frames
      .slice(0, 2)
      .every((f) => f.direction === 'server' && f.kind === 'text' && !Number.isNaN(Date.parse(f.text ?? ''))),
  )
})
