/**
 * Server adapter edges on real sockets: the short answer a client whose bytes are not HTTP gets (text saying why,
 * from our handler, not Node's bare default), a server bound to an IPv6 address naming itself with brackets, a
 * request after one that ended with trailers keeping its target exact when its long head arrives in parts, and a
 * busy connection closed as soon as its answer ends once the server is stopping.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import net from 'node:net'
import { PassThrough } from 'node:stream'
import { bodyText, response, streamBody, type Request } from '../../../electron/core/message.ts'
import { startServer } from '../../../electron/core/server/node-server.ts'
import { startWireServer } from '../../../electron/core/server/wire-server.ts'
import { rawExchange, splitResponse, within } from './net-fixtures.ts'

const ok = async () => response(200, { headers: [['Content-Length', '2']], body: 'ok' })

for (const [adapter, start] of [
  ['node', startServer],
  ['wire', startWireServer],
] as const) {
  test(`${adapter} adapter: bytes that are not HTTP get a plain-text 400 saying why, then the connection closes`, async () => {
    const server = await start(ok)
    try {
      const { received, closed } = await rawExchange(server.port, 'this is not http\r\n\r\n')
      assert.ok(closed)
      const { lines, body } = splitResponse(received)
      assert.equal(lines[0], 'HTTP/1.1 400 Bad Request')
      assert.ok(lines.includes('Content-Type: text/plain; charset=utf-8'))
      assert.ok(lines.includes('Connection: close'))
      assert.match(body.toString(), /^malformed request \(HPE_[A-Z_]+\)\n$/)
    } finally {
      await within(3000, server.stop(), 'the server to stop')
    }
  })

  test(`${adapter} adapter: bound to an IPv6 address, its url puts the address in brackets`, async () => {
    const server = await start(ok, { host: '::1' })
    try {
      assert.equal(server.host, '::1')
      assert.equal(server.url, `http://[::1]:${server.port}`)
      const answered = await new Promise<string>((resolve, reject) => {
        const socket = net.connect(server.port, '::1')
        let text = ''
        socket.on('data', (c: Buffer) => {
          text += c.toString('latin1')
        })
        socket.on('error', reject)
        socket.on('close', () => resolve(text))
        socket.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
      })
      assert.match(answered, /^HTTP\/1\.1 200 OK\r\n/)
    } finally {
      await within(3000, server.stop(), 'the server to stop')
    }
  })
}

test('wire server: after a request whose chunked body ended with trailers, the next one keeps its target exact even when its long head arrives in parts', async () => {
  const seen: Array<{ target: string; headers: number; body: string }> = []
  const server = await startWireServer(async (req: Request) => {
    seen.push({ target: req.target, headers: req.headers.length, body: await bodyText(req.body) })
    return response(200, { headers: [['Content-Length', '2']], body: 'ok' })
  })
  try {
    // More than 32 fields: llhttp hands such a head over in parts, the target with the first part.
    let many = ''
    for (let i = 0; i < 40; i++) many += `X-Field-${i}: ${i}\r\n`
    const { received } = await rawExchange(
      server.port,
      'POST /first HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\nX-Checksum: 1\r\n\r\n' +
        `GET /second?q=1 HTTP/1.1\r\nHost: x\r\n${many}Connection: close\r\n\r\n`,
      { ms: 3000 },
    )
    assert.equal(received.toString('latin1').match(/HTTP\/1\.1 200 OK/g)?.length, 2)
    assert.deepEqual(seen, [
      { target: '/first', headers: 2, body: 'hi' },
      { target: '/second?q=1', headers: 42, body: '' },
    ])
  } finally {
    await within(3000, server.stop(), 'the server to stop')
  }
})

test('wire server: stopping while an answer streams, the connection closes as soon as that answer ends, not after the grace', async () => {
  const body = new PassThrough()
  let arrived!: () => void
  const arrival = new Promise<void>((resolve) => {
    arrived = resolve
  })
  const server = await startWireServer(async () => {
    arrived()
    return response(200, { body: streamBody(body) })
  })
  const socket = net.connect(server.port, '127.0.0.1')
  socket.on('error', () => {})
  let text = ''
  socket.on('data', (c: Buffer) => {
    text += c.toString('latin1')
  })
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
  try {
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n')
    await within(2000, arrival, 'the request to arrive')
    body.write('part')
    await new Promise((resolve) => setTimeout(resolve, 50))
    const began = performance.now()
    const stopping = server.stop()
    body.end('end')
    await within(3000, closed, 'the connection to close after its answer')
    await within(3000, stopping, 'the server to stop')
    const took = performance.now() - began
    assert.ok(took < 700, `closed when its answer ended, not after the 1 s grace (${Math.round(took)} ms)`)
    assert.match(text, /4\r\npart\r\n3\r\nend\r\n0\r\n\r\n$/, 'the whole answer went out first')
  } finally {
    socket.destroy()
    body.destroy()
    await within(3000, server.stop(), 'the server to stop')
  }
})
