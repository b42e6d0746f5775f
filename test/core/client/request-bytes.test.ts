/**
 * The bytes a request goes upstream as: its head as the message has it plus only the Host and framing the wire
 * needs (RFC 9112 §3.2, §6), Node's own refusals of a bad method or path, and a body streamed with the framing the
 * head promised, with trailers after a chunked one. The upstream socket is a PassThrough the test reads.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { PassThrough, Readable } from 'node:stream'
import {
  outgoingHeaders,
  requestFacts,
  requestHead,
  sendBodyStream,
} from '../../../electron/core/client/wire-request.ts'
import { request, streamBody, type Header, type RequestInit } from '../../../electron/core/message.ts'

const head = (init: RequestInit, path = '/p') => {
  const req = request(init)
  return requestHead(req, path, 'up.test:8080', requestFacts(req.headers))
}

test('a request without Host gets one first; its own headers follow exactly as held', () => {
  assert.deepEqual(
    head({
      target: '/p',
      headers: [
        ['x-b', '2'],
        ['X-A', '1'],
        ['x-b', '3'],
      ],
    }),
    {
      text: 'GET /p HTTP/1.1\r\nHost: up.test:8080\r\nx-b: 2\r\nX-A: 1\r\nx-b: 3\r\n\r\n',
      chunked: false,
    },
  )
  assert.equal(
    head({ target: '/p', headers: [['hOsT', 'mine']] }).text,
    'GET /p HTTP/1.1\r\nhOsT: mine\r\n\r\n',
    'a Host of its own is kept and not doubled',
  )
})

test('framing is added only where needed: a length for a sized body or a payload method, chunked for a stream', () => {
  assert.match(head({ method: 'POST', target: '/p', body: 'abc' }).text, /\r\nContent-Length: 3\r\n\r\n$/)
  for (const method of ['POST', 'PUT', 'PATCH'])
    assert.match(head({ method, target: '/p' }).text, /\r\nContent-Length: 0\r\n\r\n$/, method)
  for (const method of ['GET', 'DELETE', 'OPTIONS'])
    assert.doesNotMatch(head({ method, target: '/p' }).text, /Content-Length|Transfer-Encoding/, method)
  assert.match(head({ method: 'DELETE', target: '/p', body: 'x' }).text, /\r\nContent-Length: 1\r\n\r\n$/)
  const streamed = head({ method: 'POST', target: '/p', body: streamBody(new PassThrough()) })
  assert.equal(streamed.chunked, true)
  assert.match(streamed.text, /\r\nTransfer-Encoding: chunked\r\n\r\n$/)
  const sized = head({ method: 'POST', target: '/p', body: streamBody(new PassThrough(), 10) })
  assert.equal(sized.chunked, false)
  assert.match(sized.text, /\r\nContent-Length: 10\r\n\r\n$/)
})

test('framing the request has of its own is kept and not added to', () => {
  const own = head({
    method: 'POST',
    target: '/p',
    headers: [['Transfer-Encoding', 'gzip, chunked']],
    body: streamBody(new PassThrough()),
  })
  assert.deepEqual(own, {
    text: 'POST /p HTTP/1.1\r\nHost: up.test:8080\r\nTransfer-Encoding: gzip, chunked\r\n\r\n',
    chunked: true,
  })
  const notChunked = head({ method: 'POST', target: '/p', headers: [['Transfer-Encoding', 'gzip']], body: 'x' })
  assert.equal(notChunked.chunked, false)
  assert.doesNotMatch(notChunked.text, /Content-Length/)
  const length = head({ method: 'POST', target: '/p', headers: [['content-length', '1']], body: 'x' })
  assert.equal(length.text, 'POST /p HTTP/1.1\r\nHost: up.test:8080\r\ncontent-length: 1\r\n\r\n')
})

test('a method that is not a token or a path with unescaped characters is refused with Node’s errors', () => {
  assert.throws(() => head({ method: 'GE T', target: '/p' }), {
    code: 'ERR_INVALID_HTTP_TOKEN',
    message: 'Method must be a valid HTTP token ["GE T"]',
  })
  for (const path of ['/a b', '/tab\there', '/ünï€'])
    assert.throws(() => head({ target: '/p' }, path), {
      code: 'ERR_UNESCAPED_CHARACTERS',
      message: 'Request path contains unescaped characters',
    })
  assert.doesNotThrow(() => head({ target: '/p' }, '/ÿ~!%20'))
})

test('the outgoing header list adds Host first and framing last, as the head does', () => {
  const list = (init: RequestInit): Header[] => outgoingHeaders(request(init), 'up.test')
  assert.deepEqual(list({ target: '/', headers: [['Upgrade', 'websocket']] }), [
    ['Host', 'up.test'],
    ['Upgrade', 'websocket'],
  ])
  assert.deepEqual(list({ method: 'PUT', target: '/', headers: [['Host', 'h']] }), [
    ['Host', 'h'],
    ['Content-Length', '0'],
  ])
  assert.deepEqual(
    list({ method: 'POST', target: '/', headers: [['Host', 'h']], body: streamBody(new PassThrough()) }),
    [
      ['Host', 'h'],
      ['Transfer-Encoding', 'chunked'],
    ],
  )
  assert.deepEqual(
    list({
      method: 'POST',
      target: '/',
      headers: [
        ['Host', 'h'],
        ['Content-Length', '2'],
      ],
      body: 'ab',
    }),
    [
      ['Host', 'h'],
      ['Content-Length', '2'],
    ],
  )
  assert.deepEqual(list({ method: 'GET', target: '/', headers: [['Host', 'h']], body: 'ab' }), [
    ['Host', 'h'],
    ['Content-Length', '2'],
  ])
})

function upstream() {
  const socket = new PassThrough()
  const bytes: Buffer[] = []
  socket.on('data', (c: Buffer) => bytes.push(c))
  return { socket, text: () => Buffer.concat(bytes).toString('latin1') }
}

function sent(source: Readable, chunked: boolean, trailers?: Promise<readonly Header[]>) {
  const up = upstream()
  let resolve!: (e: Error | undefined) => void
  const done = new Promise<Error | undefined>((r) => (resolve = r))
  let calls = 0
  const stop = sendBodyStream(
    source,
    up.socket,
    chunked,
    (e) => {
      calls++
      resolve(e)
    },
    trailers,
  )
  return { ...up, done, stop, calls: () => calls }
}

test('a body goes up as it is, or chunk-framed with the last chunk, and the socket is left open', async () => {
  const plain = sent(Readable.from([Buffer.from('ab'), Buffer.from('cd')]), false)
  assert.equal(await plain.done, undefined)
  assert.equal(plain.text(), 'abcd')
  assert.equal(plain.socket.writableEnded, false)
  const chunked = sent(Readable.from([Buffer.from('ab'), Buffer.from('cdefghijklmnopqr')]), true)
  assert.equal(await chunked.done, undefined)
  assert.equal(chunked.text(), '2\r\nab\r\n10\r\ncdefghijklmnopqr\r\n0\r\n\r\n')
})

test('a chunked body ends with the trailers that may trail', async () => {
  const withTrailers = sent(
    Readable.from([Buffer.from('x')]),
    true,
    Promise.resolve([
      ['grpc-status', '0'],
      ['Content-Length', '9'],
    ]),
  )
  assert.equal(await withTrailers.done, undefined)
  assert.equal(withTrailers.text(), '1\r\nx\r\n0\r\ngrpc-status: 0\r\n\r\n')
  const unchunked = sent(Readable.from([Buffer.from('y')]), false, Promise.resolve([['grpc-status', '0']]))
  await unchunked.done
  assert.equal(unchunked.text(), 'y', 'trailers need chunked framing')
})

test('a body that fails or closes early is reported once with why; one stopped is not reported', async () => {
  const failing = new PassThrough()
  const f = sent(failing, true)
  failing.write('part')
  failing.destroy(new Error('client went away'))
  assert.equal((await f.done)?.message, 'client went away')
  await new Promise((r) => setImmediate(r))
  assert.equal(f.calls(), 1)
  assert.doesNotMatch(f.text(), /0\r\n\r\n$/, 'no last chunk: the upstream must not take it as whole')

  const cut = new PassThrough()
  const c = sent(cut, false)
  cut.destroy()
  assert.equal(((await c.done) as NodeJS.ErrnoException | undefined)?.code, 'ERR_STREAM_PREMATURE_CLOSE')

  const stopped = new PassThrough()
  const s = sent(stopped, true)
  stopped.write('a')
  await new Promise((r) => setImmediate(r))
  s.stop()
  stopped.end('b')
  await new Promise((r) => setImmediate(r))
  assert.equal(s.calls(), 0)
  assert.equal(s.text(), '1\r\na\r\n', 'nothing after the stop')
  stopped.emit('error', new Error('late failure'))
})

test('a socket that asks for a drain pauses the body until it drains', async () => {
  const source = new PassThrough()
  const socket = new PassThrough({ highWaterMark: 2 })
  sendBodyStream(source, socket, false, () => {})
  source.write(Buffer.alloc(16))
  await new Promise((r) => setImmediate(r))
  assert.equal(source.isPaused(), true)
  socket.resume()
  await new Promise((r) => setImmediate(r))
  assert.equal(source.isPaused(), false)
})
