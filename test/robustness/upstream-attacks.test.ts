/**
 * Bad behaviour from the upstream side: raw TCP servers that answer garbage, cut bodies short, reset, stream
 * forever or never answer. The client of the proxy must get a clear generated answer or a visibly truncated
 * one, capture must say what went wrong, the proxy must let go of the upstream socket, and keep serving.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import type net from 'node:net'
import {
  closedWithin,
  collect,
  connectRaw,
  crashGuard,
  rawExchange,
  sleep,
  splitResponse,
  startAttackedProxy,
  tcpServer,
  within,
  type AttackedProxy,
} from './fixtures.ts'

const UPSTREAM_TIMEOUT_MS = 400
let proxy: AttackedProxy
let guard: ReturnType<typeof crashGuard>

before(async () => {
  guard = crashGuard()
  proxy = await startAttackedProxy({ upstreamTimeoutMs: UPSTREAM_TIMEOUT_MS })
})
after(async () => {
  await proxy.stop()
  guard.remove()
})

/**
 * Starts a raw upstream that runs `misbehave` on each socket once the request head has arrived, sends one
 * request for `path` through the proxy, and returns what the client got, the capture record and the upstream
 * sockets (so a test can check they were let go).
 */
/** True once `raw` holds a whole response: its Content-Length of body bytes, or a chunked body's last chunk. */
function wholeResponse(raw: Buffer): boolean {
  const text = raw.toString('latin1')
  const end = text.indexOf('\r\n\r\n')
  if (end < 0) return false
  const length = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, end))
  return length ? raw.length - end - 4 >= Number(length[1]) : text.endsWith('\r\n0\r\n\r\n')
}

async function through(path: string, misbehave: (socket: net.Socket) => void, clientMs = 2000) {
  const sockets: net.Socket[] = []
  const upstream = await tcpServer((socket) => {
    sockets.push(socket)
    let head = ''
    socket.on('data', function onData(chunk: Buffer) {
      head += chunk.toString('latin1')
      if (!head.includes('\r\n\r\n')) return
      socket.off('data', onData)
      misbehave(socket)
    })
  })
  try {
    const answer = await rawExchange(
      proxy.port,
      `GET ${upstream.url}${path} HTTP/1.1\r\nHost: 127.0.0.1:${upstream.port}\r\n\r\n`,
      { ms: clientMs, until: wholeResponse },
    )
    answer.socket.destroy()
    const captured = await proxy.captured((s) => s.path === path)
    await within(
      2000,
      Promise.all(sockets.map((s) => closedWithin(s, 2000, 'the proxy to let go of the upstream socket'))),
      'upstream sockets',
    )
    await proxy.assertStillServes()
    guard.assertNone()
    return { ...answer, text: answer.received.toString('latin1'), captured }
  } finally {
    await upstream.close()
  }
}

test('a garbage status line is a generated 502 saying the upstream did not speak HTTP', async () => {
  const { text, captured } = await through('/garbage-status', (s) => s.end('HELLO THERE\r\n\r\n'))
  assert.match(
    text,
    /^HTTP\/1\.1 502 Bad Gateway\r\n[^]*X-Nanoscope-Generated: bad-gateway\r\n[^]*sent a response that is not valid HTTP/,
  )
  assert.equal(captured.outcome.kind, 'failed')
  assert.match((captured.outcome as { message: string }).message, /not valid HTTP[^]*HPE_INVALID_CONSTANT/)
})

test('an invalid status code, header name, header size or framing from upstream is a generated 502', async () => {
  const bad = [
    ['/bad-status', 'HTTP/1.1 99999 Weird\r\nContent-Length: 2\r\n\r\nok'],
    ['/bad-header-name', 'HTTP/1.1 200 OK\r\nBad Header: x\r\nContent-Length: 2\r\n\r\nok'],
    ['/huge-header', `HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(70_000)}\r\nContent-Length: 2\r\n\r\nok`],
    ['/cl-and-te', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n'],
    ['/two-lengths', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok!'],
  ] as const
  for (const [path, reply] of bad) {
    const { text, captured } = await through(path, (s) => s.end(reply))
    assert.match(text, /^HTTP\/1\.1 502 Bad Gateway\r\n[^]*not valid HTTP/, `${path}: ${text.slice(0, 300)}`)
    assert.equal(captured.outcome.kind, 'failed', path)
  }
})

test('an upstream that closes without a byte is a generated 502 reset', async () => {
  const { text, captured } = await through('/hang-up', (s) => s.end())
  assert.match(text, /^HTTP\/1\.1 502 Bad Gateway\r\n[^]*upstream reset the connection before responding/)
  assert.equal((captured.outcome as { cause?: string }).cause, 'reset')
})

test('a body cut short of its Content-Length reaches the client visibly truncated and is captured as failed', async () => {
  const { received, closed, captured } = await through('/truncated', (s) => {
    s.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc')
    setTimeout(() => s.end(), 30)
  })
  const { lines, body } = splitResponse(received)
  assert.equal(lines[0], 'HTTP/1.1 200 OK')
  assert.ok(lines.includes('Content-Length: 100'))
  assert.equal(body.toString(), 'abc', 'the client got the bytes that came')
  assert.ok(closed, 'and then a closed connection, so it can tell the body is short')
  assert.deepEqual(captured.outcome, {
    kind: 'failed',
    cause: 'reset',
    message: 'the upstream connection closed before the response body ended (3 of 100 bytes arrived)',
  })
})

test('a reset right after the head cuts the client off and is captured as failed', async () => {
  const { closed, captured } = await through('/reset-after-head', (s) => {
    s.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n')
    setTimeout(() => s.resetAndDestroy(), 30)
  })
  assert.ok(closed)
  assert.equal(captured.outcome.kind, 'failed')
  assert.equal((captured.outcome as { cause: string }).cause, 'reset')
})

test('a chunked body cut off mid-chunk is captured as failed', async () => {
  const { closed, captured } = await through('/chunk-cut', (s) => {
    s.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\nabc')
    setTimeout(() => s.destroy(), 30)
  })
  assert.ok(closed)
  assert.equal(captured.outcome.kind, 'failed')
})

test('a response that never ends: the client gives up, the proxy lets go of the upstream, capture says aborted', async () => {
  let timer: NodeJS.Timeout | undefined
  try {
    const { captured, closed } = await through(
      '/never-ends',
      (s) => {
        s.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n')
        timer = setInterval(() => {
          if (!s.destroyed) s.write('1\r\nx\r\n')
        }, 20)
      },
      300,
    )
    assert.equal(closed, false, 'the response was still streaming when the client gave up')
    assert.equal(captured.outcome.kind, 'aborted')
  } finally {
    clearInterval(timer)
  }
})

test('an upstream that accepts and never answers is a generated 504 after the timeout, and its socket is closed', async () => {
  const began = performance.now()
  const { text, captured } = await through('/silent', () => {}, 3000)
  const took = performance.now() - began
  assert.match(
    text,
    new RegExp(`^HTTP/1\\.1 504 Gateway Timeout\\r\\n[^]*upstream did not respond within ${UPSTREAM_TIMEOUT_MS} ms`),
  )
  assert.equal((captured.outcome as { cause?: string }).cause, 'timeout')
  assert.ok(took >= UPSTREAM_TIMEOUT_MS && took < UPSTREAM_TIMEOUT_MS + 1500, `answered after ${Math.round(took)} ms`)
})

test('a 100 Continue and then silence is a 504, not a hang', async () => {
  const { text } = await through('/continue-then-silence', (s) => s.write('HTTP/1.1 100 Continue\r\n\r\n'), 3000)
  assert.match(text, /^HTTP\/1\.1 504 Gateway Timeout\r\n/)
})

test('a client that leaves while the upstream is still silent frees the upstream socket at once', async () => {
  const upstreamSockets: net.Socket[] = []
  const upstream = await tcpServer((s) => {
    upstreamSockets.push(s)
    s.resume()
  })
  try {
    const client = await connectRaw(proxy.port)
    const seen = collect(client, 1000)
    client.write(`GET ${upstream.url}/left HTTP/1.1\r\nHost: 127.0.0.1:${upstream.port}\r\n\r\n`)
    await within(
      1000,
      (async () => {
        while (upstreamSockets.length === 0) await sleep(5)
      })(),
      'the request to reach the upstream',
    )
    client.destroy()
    await seen
    await closedWithin(upstreamSockets[0]!, UPSTREAM_TIMEOUT_MS / 2, 'the upstream socket to close before the timeout')
    const captured = await proxy.captured((s) => s.path === '/left')
    assert.equal(captured.outcome.kind, 'aborted')
  } finally {
    await upstream.close()
  }
  await proxy.assertStillServes()
})
