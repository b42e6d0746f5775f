/**
 * Bad input from the client side, against the simple proxy app with capture on a real socket. Each attack must
 * cost only its own exchange: a clear error for that client, never the process, and the proxy still serves a
 * normal request straight afterwards. Where the attack reached the handler, capture shows it as failed/aborted.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { httpUpstream } from '../core/server/net-fixtures.ts'
import {
  closedPort,
  closedWithin,
  collect,
  connectRaw,
  crashGuard,
  rawExchange,
  sleep,
  splitResponse,
  startAttackedProxy,
  within,
  type AttackedProxy,
} from './fixtures.ts'

const HEADERS_TIMEOUT_MS = 500
let proxy: AttackedProxy
let guard: ReturnType<typeof crashGuard>

before(async () => {
  guard = crashGuard()
  proxy = await startAttackedProxy({ headersTimeoutMs: HEADERS_TIMEOUT_MS })
})
after(async () => {
  await proxy.stop()
  guard.remove()
})

/** The absolute-form start of a request to the healthy upstream, path made unique by `name`. */
const to = (name: string): { line: string; host: string; path: string } => ({
  line: `${proxy.healthy.url}/attack/${name}`,
  host: `Host: 127.0.0.1:${proxy.healthy.port}\r\n`,
  path: `/attack/${name}`,
})

/** Sends raw bytes, expects one short answer with `status` and a closed connection, then a normal request. */
async function expectRejected(bytes: string | Buffer, status: number, explains: RegExp): Promise<void> {
  const { received, closed, socket } = await rawExchange(proxy.port, bytes, { ms: 3000 })
  socket.destroy()
  const { lines, body } = splitResponse(received)
  assert.equal(
    lines[0],
    `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}`,
    `unexpected answer: ${received.toString('latin1').slice(0, 200)}`,
  )
  assert.match(body.toString('latin1'), explains)
  assert.ok(closed, 'the connection was closed after the error')
  await proxy.assertStillServes()
  guard.assertNone()
}

test('raw binary garbage gets a 400 naming the parse error, and the proxy keeps serving', async () => {
  await expectRejected(
    Buffer.from([0x00, 0x16, 0x03, 0x01, 0xff, 0xfe, 0x0d, 0x0a, 0x0d, 0x0a]),
    400,
    /malformed request \(HPE_/,
  )
  await expectRejected('\r\n\r\n\r\n\r\nhello?\r\n\r\n', 400, /malformed request/)
})

test('an HTTP/2 preface on the HTTP/1.1 port is answered in HTTP/2 (h2c), and a broken one only closes that connection', async () => {
  const good = await rawExchange(proxy.port, 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', {
    ms: 3000,
    until: (r) => r.length >= 9,
  })
  good.socket.destroy()
  // The server's connection preface is a SETTINGS frame (RFC 9113 §3.4): type 0x4 on stream 0.
  assert.equal(good.received[3], 0x4, `not an HTTP/2 SETTINGS frame: ${good.received.toString('latin1').slice(0, 40)}`)
  const broken = await rawExchange(proxy.port, 'PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n', { ms: 3000 })
  broken.socket.destroy()
  assert.ok(broken.closed, 'a connection whose preface goes wrong half-way is closed')
  await proxy.assertStillServes()
  guard.assertNone()
})

test('a request line over 8 KiB is still forwarded (RFC 9112 §3 asks for at least 8000 octets)', async () => {
  const { line, host } = to(`long-${'a'.repeat(9 * 1024)}`)
  const { received, socket } = await rawExchange(proxy.port, `GET ${line} HTTP/1.1\r\n${host}Connection: close\r\n\r\n`)
  socket.destroy()
  assert.match(received.toString('latin1'), /^HTTP\/1\.1 200 OK\r\n/)
  await proxy.assertStillServes()
})

test('a request line over the header limit gets a 431', async () => {
  const { line, host } = to(`huge-${'a'.repeat(40 * 1024)}`)
  await expectRejected(`GET ${line} HTTP/1.1\r\n${host}\r\n`, 431, /request headers too large/)
})

test('10,000 headers get a 431', async () => {
  const { line, host } = to('many-headers')
  await expectRejected(
    `GET ${line} HTTP/1.1\r\n${host}${'X-A: b\r\n'.repeat(10_000)}\r\n`,
    431,
    /request headers too large/,
  )
})

test('one header over 64 KiB gets a 431', async () => {
  const { line, host } = to('big-header')
  await expectRejected(
    `GET ${line} HTTP/1.1\r\n${host}X-Big: ${'a'.repeat(65 * 1024)}\r\n\r\n`,
    431,
    /request headers too large/,
  )
})

test('invalid header names get a 400', async () => {
  const { line, host } = to('bad-names')
  for (const bad of [
    'Bad Name: x',
    'B@d(): x',
    ': no name',
    'X-Nul\x00: x',
    'X-Ctl\x01: x',
    'Caf\xe9: x',
    'X-Colon : x',
  ]) {
    await expectRejected(
      Buffer.from(`GET ${line} HTTP/1.1\r\n${host}${bad}\r\n\r\n`, 'latin1'),
      400,
      /malformed request \(HPE_/,
    )
  }
})

test('header values with a bare CR or a NUL get a 400, so nothing can be smuggled onwards', async () => {
  const { line, host } = to('bad-values')
  for (const bad of ['X: a\rb', 'X: a\x00b']) {
    await expectRejected(
      Buffer.from(`GET ${line} HTTP/1.1\r\n${host}${bad}\r\n\r\n`, 'latin1'),
      400,
      /malformed request \(HPE_/,
    )
  }
})

test('Content-Length together with Transfer-Encoding gets a 400 (RFC 9112 §6.1: a smuggling vector)', async () => {
  const { line, host } = to('cl-te')
  await expectRejected(
    `POST ${line} HTTP/1.1\r\n${host}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    400,
    /malformed request/,
  )
  await expectRejected(
    `POST ${line} HTTP/1.1\r\n${host}Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n`,
    400,
    /malformed request/,
  )
})

test('conflicting or invalid Content-Lengths get a 400', async () => {
  const { line, host } = to('cl-cl')
  await expectRejected(
    `POST ${line} HTTP/1.1\r\n${host}Content-Length: 4\r\nContent-Length: 5\r\n\r\nabcde`,
    400,
    /malformed request/,
  )
  await expectRejected(`POST ${line} HTTP/1.1\r\n${host}Content-Length: -1\r\n\r\n`, 400, /malformed request/)
  await expectRejected(`POST ${line} HTTP/1.1\r\n${host}Content-Length: 1e3\r\n\r\n`, 400, /malformed request/)
  await expectRejected(
    `POST ${line} HTTP/1.1\r\n${host}Transfer-Encoding: gzip, chunked, identity\r\n\r\n`,
    400,
    /malformed request/,
  )
})

test('a chunked body with bad chunk sizes gets a 400 and shows in capture as aborted', async () => {
  const upstream = await httpUpstream((req, res) => {
    req.on('error', () => {})
    req.resume()
    req.on('end', () => res.end('read'))
  })
  try {
    for (const [n, size] of ['zz', '-1', 'fffffffffffffffffffff', '5;\x00'].entries()) {
      const path = `/bad-chunk/${n}`
      const { received, closed, socket } = await rawExchange(
        proxy.port,
        Buffer.from(
          `POST ${upstream.url}${path} HTTP/1.1\r\nHost: 127.0.0.1:${upstream.port}\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n${size}\r\nxyz\r\n0\r\n\r\n`,
          'latin1',
        ),
      )
      socket.destroy()
      assert.match(received.toString('latin1'), /^HTTP\/1\.1 400 Bad Request\r\n[\s\S]*malformed request/)
      assert.ok(closed)
      const captured = await proxy.captured((s) => s.path === path)
      assert.match(captured.outcome.kind, /^(aborted|failed)$/, JSON.stringify(captured.outcome))
      await proxy.assertStillServes()
    }
  } finally {
    await upstream.close()
  }
  guard.assertNone()
})

test('a body shorter than its Content-Length, then a close, costs only that exchange and shows as aborted', async () => {
  const upstreamSaw: string[] = []
  const upstream = await httpUpstream((req, res) => {
    req.on('error', () => {})
    req.on('aborted', () => upstreamSaw.push('aborted'))
    req.on('close', () => upstreamSaw.push('closed'))
    req.resume()
    req.on('end', () => res.end('read'))
  })
  try {
    const socket = await connectRaw(proxy.port)
    socket.write(
      `POST ${upstream.url}/short HTTP/1.1\r\nHost: 127.0.0.1:${upstream.port}\r\nContent-Length: 100\r\n\r\nabc`,
    )
    await sleep(100)
    socket.destroy()
    const captured = await proxy.captured((s) => s.path === '/short')
    assert.equal(captured.outcome.kind, 'aborted')
    await within(
      2000,
      (async () => {
        while (!upstreamSaw.includes('closed')) await sleep(10)
      })(),
      'the upstream request to be closed',
    )
    await proxy.assertStillServes()
  } finally {
    await upstream.close()
  }
  guard.assertNone()
})

test('a half-sent request head followed by a close costs nothing and records nothing', async () => {
  const before = proxy.hub.summaries().length
  for (const part of [
    'GET ',
    `GET ${to('half').line} HTTP/1.1\r\nHo`,
    `GET ${to('half').line} HTTP/1.1\r\nHost: x\r\n`,
  ]) {
    const socket = await connectRaw(proxy.port)
    socket.write(part)
    await sleep(20)
    socket.destroy()
  }
  await sleep(50)
  assert.equal(proxy.hub.summaries().length, before)
  await proxy.assertStillServes()
  guard.assertNone()
})

test('a half-sent head left hanging gets a 408 after the headers timeout', async () => {
  const socket = await connectRaw(proxy.port)
  const answer = collect(socket, 5000)
  socket.write(`GET ${to('hanging').line} HTTP/1.1\r\nHost: x\r\n`)
  const began = performance.now()
  const { received, closed } = await answer
  assert.ok(closed, 'the hanging connection was closed')
  assert.match(received.toString(), /^HTTP\/1\.1 408 Request Timeout\r\n/)
  assert.ok(
    performance.now() - began < HEADERS_TIMEOUT_MS * 4,
    `closed after ${Math.round(performance.now() - began)} ms`,
  )
  await proxy.assertStillServes()
})

test('a slowloris client sending one byte at a time is cut off by the headers timeout', async () => {
  const socket = await connectRaw(proxy.port)
  const answer = collect(socket, 5000)
  const head = `GET ${to('slowloris').line} HTTP/1.1\r\nHost: x\r\nX-Slow: ${'a'.repeat(200)}\r\n\r\n`
  let sent = 0
  const drip = setInterval(() => {
    if (!socket.destroyed && sent < head.length) socket.write(head[sent++]!)
  }, 50)
  const began = performance.now()
  try {
    const { received, closed } = await answer
    assert.ok(closed, 'the slow client was disconnected')
    assert.ok(sent < head.length, 'it was cut off before it finished its head')
    assert.match(received.toString(), /^HTTP\/1\.1 408 Request Timeout\r\n/)
    assert.ok(performance.now() - began < HEADERS_TIMEOUT_MS * 4)
  } finally {
    clearInterval(drip)
  }
  await proxy.assertStillServes()
})

test('twenty slowloris clients at once do not stop a normal request being served meanwhile', async () => {
  const sockets = await Promise.all(Array.from({ length: 20 }, () => connectRaw(proxy.port)))
  for (const s of sockets) s.on('error', () => {}).resume() // read what comes, so their 'close' can arrive
  const drip = setInterval(() => {
    for (const s of sockets) if (!s.destroyed) s.write('X')
  }, 50)
  try {
    for (const s of sockets) s.write(`GET ${to('many-slow').line} HTTP/1.1\r\nHost: x\r\nX-Slow: `)
    await proxy.assertStillServes()
    await Promise.all(sockets.map((s) => closedWithin(s, HEADERS_TIMEOUT_MS * 6, 'a slowloris socket to be closed')))
  } finally {
    clearInterval(drip)
    for (const s of sockets) s.destroy()
  }
})

test('a request target that is not a URL gets a clear 400 (or 502 for a scheme it cannot forward)', async () => {
  await expectRejected(`GET foo HTTP/1.1\r\nHost: x\r\n\r\n`, 400, /malformed request \(HPE_INVALID_URL\)/)
  const cases: Array<[string, RegExp]> = [
    ['http://[::1', /^HTTP\/1\.1 400 Bad Request\r\n[^]*cannot tell where to send this request/],
    ['http://', /^HTTP\/1\.1 400 Bad Request\r\n[^]*cannot tell where to send this request/],
    ['http://user@127.0.0.1/x', /^HTTP\/1\.1 400 Bad Request\r\n[^]*cannot tell where to send this request/],
    ['*', /^HTTP\/1\.1 400 Bad Request\r\n[^]*cannot tell where to send this request/],
    ['ftp://example.com/', /^HTTP\/1\.1 502 Bad Gateway\r\n[^]*is not an absolute http\(s\) URL/],
  ]
  for (const [target, answer] of cases) {
    const method = target === '*' ? 'OPTIONS' : 'GET'
    const { received, socket } = await rawExchange(
      proxy.port,
      `${method} ${target} HTTP/1.1\r\nHost: \r\nConnection: close\r\n\r\n`,
    )
    socket.destroy()
    assert.match(received.toString('latin1'), answer, `${target}: ${received.toString('latin1').slice(0, 200)}`)
    await proxy.assertStillServes()
  }
  guard.assertNone()
})

test('a request the proxy would send to itself is stopped as a loop, and shows in capture as failed', async () => {
  const { received, socket } = await rawExchange(
    proxy.port,
    `GET /loop HTTP/1.1\r\nHost: 127.0.0.1:${proxy.port}\r\nConnection: close\r\n\r\n`,
    { ms: 5000 },
  )
  socket.destroy()
  assert.match(received.toString('latin1'), /^HTTP\/1\.1 508 Loop Detected\r\n[\s\S]*going round in a loop/)
  const laps = proxy.hub.summaries().filter((s) => s.path === '/loop')
  assert.ok(laps.length <= 20, `the loop was cut after ${laps.length} laps`)
  const innermost = await proxy.captured((s) => s.path === '/loop' && s.outcome.kind === 'failed')
  assert.equal(innermost.status, 508)
  await proxy.assertStillServes()
})

test('CONNECT to a closed port gets a 502 refused, captured as failed', async () => {
  const port = await closedPort()
  const { received, socket } = await rawExchange(
    proxy.port,
    `CONNECT 127.0.0.1:${port} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`,
    { until: (r) => r.includes('\r\n\r\n') && r.toString().includes(`${port}\n`) },
  )
  socket.destroy()
  assert.match(received.toString('latin1'), /^HTTP\/1\.1 502 Bad Gateway\r\n[\s\S]*upstream refused the connection/)
  const captured = await proxy.captured((s) => s.method === 'CONNECT' && s.url === `127.0.0.1:${port}`)
  assert.deepEqual(captured.outcome, {
    kind: 'failed',
    cause: 'refused',
    message: `upstream refused the connection: 127.0.0.1:${port}`,
  })
  await proxy.assertStillServes()
})

test('CONNECT to something that is not host:port gets a 400', async () => {
  for (const target of ['nohost', '127.0.0.1:99999', '127.0.0.1:0', '[::1:80']) {
    const { received, socket } = await rawExchange(proxy.port, `CONNECT ${target} HTTP/1.1\r\nHost: x\r\n\r\n`, {
      until: (r) => /\n\r\n[^]*\n$/.test(r.toString()),
      ms: 2000,
    })
    socket.destroy()
    assert.match(
      received.toString('latin1'),
      /^HTTP\/1\.1 400 Bad Request\r\n/,
      `${target}: ${received.toString('latin1').slice(0, 200)}`,
    )
  }
  await proxy.assertStillServes()
  guard.assertNone()
})

test('a hundred pipelined requests in one write are all answered, in order', async () => {
  const { line, host } = to('pipelined')
  const heads = Array.from(
    { length: 100 },
    (_, i) => `GET ${line}/${i} HTTP/1.1\r\n${host}${i === 99 ? 'Connection: close\r\n' : ''}\r\n`,
  )
  const { received, socket } = await rawExchange(proxy.port, heads.join(''), { ms: 5000 })
  socket.destroy()
  assert.equal(received.toString('latin1').match(/HTTP\/1\.1 200 OK\r\n/g)?.length, 100)
})
