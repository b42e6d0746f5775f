/**
 * How a response goes onto an HTTP/2 stream (writeH2Response), with a stand-in stream that records what
 * node:http2 would be asked: which answers end with their headers, which hold the stream for trailers, what a
 * tunnel or an unsendable head becomes, and that a body nobody will send is let go.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { EventEmitter } from 'node:events'
import type { ServerHttp2Stream } from 'node:http2'
import { PassThrough } from 'node:stream'
import { writeH2Response } from '../../../electron/core/server/h2-server.ts'
import { response, streamBody, type Response } from '../../../electron/core/message.ts'

function standIn(options: { throwOnRespond?: 'before' | 'after'; gone?: boolean } = {}) {
  const calls: unknown[][] = []
  let thrown = false
  const stream = Object.assign(new EventEmitter(), {
    destroyed: options.gone ?? false,
    closed: false,
    headersSent: false,
    respond(headers: Record<string, unknown>, opts: Record<string, unknown>) {
      if (options.throwOnRespond && !thrown) {
        thrown = true
        if (options.throwOnRespond === 'after') stream.headersSent = true
        throw new Error('Invalid value "a\\nb" for header "x"')
      }
      calls.push(['respond', headers, opts])
    },
    end(bytes?: Uint8Array) {
      calls.push(['end', bytes === undefined ? undefined : Buffer.from(bytes).toString()])
    },
    write() {
      return true
    },
    close(code: number) {
      calls.push(['close', code])
    },
    sendTrailers(fields: Record<string, unknown>) {
      calls.push(['trailers', fields])
    },
  })
  return { stream, calls, h2: stream as unknown as ServerHttp2Stream }
}

test('HEAD, 204, 304 and 1xx answers end with their headers, and a stream body of theirs is let go', () => {
  for (const [method, status] of [
    ['HEAD', 200],
    ['GET', 204],
    ['GET', 304],
    ['GET', 103],
  ] as const) {
    const { calls, h2 } = standIn()
    const body = new PassThrough()
    writeH2Response(h2, method, response(status, { headers: [['X-A', '1']], body: streamBody(body) }))
    assert.deepEqual(
      calls,
      [['respond', { ':status': status, 'x-a': '1' }, { endStream: true, waitForTrailers: false }]],
      `${method} ${status}`,
    )
    assert.equal(body.isPaused(), false, 'the body is resumed so its upstream is drained')
  }
})

test('a bytes body goes out with the headers left open, then in one end', () => {
  const { calls, h2 } = standIn()
  writeH2Response(h2, 'GET', response(200, { body: 'hello' }))
  assert.deepEqual(calls, [
    ['respond', { ':status': 200 }, { endStream: false, waitForTrailers: false }],
    ['end', 'hello'],
  ])
})

test('a tunnel or a 101 is answered 501: HTTP/2 carries no tunnels', () => {
  for (const res of [
    { ...response(200), tunnel: async () => ({ bytesUp: 0, bytesDown: 0 }) },
    response(101),
  ] as Response[]) {
    const { calls, h2 } = standIn()
    writeH2Response(h2, 'GET', res)
    assert.equal((calls[0]![1] as Record<string, unknown>)[':status'], 501)
    assert.equal(calls[1]![1], 'Nanoscope does not carry tunnels (CONNECT, Upgrade) over HTTP/2\n')
  }
})

test('a stream already gone gets nothing, and the body is let go', () => {
  const { calls, h2 } = standIn({ gone: true })
  const body = new PassThrough()
  writeH2Response(h2, 'GET', response(200, { body: streamBody(body) }))
  assert.deepEqual(calls, [])
  assert.equal(body.isPaused(), false)
})

test('a head node:http2 refuses is answered 502 saying why; refused after it went out, the stream is closed', () => {
  const before = standIn({ throwOnRespond: 'before' })
  writeH2Response(before.h2, 'GET', response(200, { body: 'x' }))
  assert.equal((before.calls[0]![1] as Record<string, unknown>)[':status'], 502)
  assert.equal(
    before.calls[1]![1],
    `the upstream's response cannot be sent over HTTP/2: Invalid value "a\\nb" for header "x"\n`,
  )
  const after = standIn({ throwOnRespond: 'after' })
  writeH2Response(after.h2, 'GET', response(200, { body: 'x' }))
  assert.deepEqual(after.calls, [['close', 2]])
})

test('a gRPC answer holds the stream for its trailers and sends them when node:http2 asks', async () => {
  const { stream, calls, h2 } = standIn()
  const res = {
    ...response(200, { headers: [['Content-Type', 'application/grpc']], body: 'msg' }),
    trailers: Promise.resolve([['grpc-status', '0'] as const]),
  }
  writeH2Response(h2, 'POST', res)
  assert.deepEqual(calls[0], [
    'respond',
    { ':status': 200, 'content-type': 'application/grpc' },
    { endStream: false, waitForTrailers: true },
  ])
  stream.emit('wantTrailers')
  await new Promise((r) => setImmediate(r))
  assert.deepEqual(calls.at(-1), ['trailers', { 'grpc-status': '0' }])
})
