import { test } from 'node:test'
import assert from 'node:assert/strict'
import http2 from 'node:http2'
import { Readable } from 'node:stream'
import {
  bodyBytes,
  request,
  response,
  streamBody,
  withBody,
  type Headers,
  type Response,
} from '../../../electron/core/message.ts'
import { nodeClient } from '../../../electron/core/client/node-client.ts'
import { startWireServer } from '../../../electron/core/server/wire-server.ts'
import { httpUpstream, rawExchange, within } from '../server/net-fixtures.ts'
import { TrailerSlot } from '../../../electron/core/wire/chunked-trailers.ts'
import {
  markSettled,
  PENDING,
  settlingTrailers,
  trailersNow,
  whenTrailersAtEnd,
} from '../../../electron/core/wire/trailers-at-end.ts'

/** A chunked upstream answer whose body nobody will read, so its trailers never come, given a new streamed body. */
function replacedBody(headers: Headers = []): Response {
  const upstream = Object.freeze({
    ...response(200, { headers }),
    trailers: new Promise<Headers>(() => {}),
  })
  return withBody(upstream, streamBody(Readable.from([Buffer.from('new body')]), undefined))
}

test('a response whose streamed body was replaced ends with that body, not waiting for the old body’s trailers, and the connection serves the next request', async () => {
  let n = 0
  const server = await startWireServer(async () => (n++ === 0 ? replacedBody() : response(200, { body: 'second' })))
  try {
    const { received } = await rawExchange(
      server.port,
      'GET /1 HTTP/1.1\r\nHost: x\r\nTE: trailers\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      { ms: 2000 },
    )
    const text = received.toString('latin1')
    assert.match(text, /new body\r\n0\r\n\r\n/)
    assert.match(text, /second$/)
  } finally {
    await within(3000, server.stop(), 'the server to stop')
  }
})

test('trailers that fail are sent as none, and the chunked body still ends', async () => {
  const server = await startWireServer(async () =>
    Object.freeze({
      ...response(200, { body: streamBody(Readable.from([Buffer.from('body')]), undefined) }),
      trailers: Promise.reject(new Error('a script’s trailers failed')),
    }),
  )
  try {
    const { received } = await rawExchange(server.port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', {
      ms: 2000,
    })
    assert.match(received.toString('latin1'), /body\r\n0\r\n\r\n$/)
  } finally {
    await within(3000, server.stop(), 'the server to stop')
  }
})

test('an h2 stream held for trailers ends when its replaced body ends, though the old body’s trailers never come', async () => {
  const server = await startWireServer(async () => replacedBody([['content-type', 'application/grpc']]))
  const session = http2.connect(server.url)
  session.on('error', () => {})
  try {
    const body = await within(
      2000,
      new Promise<string>((resolve, reject) => {
        const stream = session.request({ ':path': '/', te: 'trailers' })
        let text = ''
        stream.setEncoding('utf8')
        stream.on('data', (c: string) => {
          text += c
        })
        stream.on('end', () => resolve(text))
        stream.on('error', reject)
        stream.end()
      }),
      'the h2 stream to end',
    )
    assert.equal(body, 'new body')
  } finally {
    session.destroy()
    await within(3000, server.stop(), 'the server to stop')
  }
})

test('a chunked request whose streamed body was replaced reaches the upstream whole, not waiting for the old body’s trailers', async () => {
  const upstream = await httpUpstream((req, res) => {
    let text = ''
    req.setEncoding('utf8')
    req.on('data', (c: string) => {
      text += c
    })
    req.on('end', () => res.end(`got ${text}`))
  })
  const client = nodeClient({ timeoutMs: 2000 })
  try {
    const original = Object.freeze({
      ...request({ method: 'POST', target: `${upstream.url}/`, headers: [['Transfer-Encoding', 'chunked']] }),
      trailers: new Promise<Headers>(() => {}),
    })
    const res = await within(
      2000,
      client(withBody(original, streamBody(Readable.from([Buffer.from('new body')]), undefined))),
      'the answer',
    )
    assert.equal(res.status, 200)
    assert.equal((await within(2000, bodyBytes(res.body), 'the body')).toString(), 'got new body')
  } finally {
    client.close()
    await within(3000, upstream.close(), 'the upstream to stop')
  }
})

test('a chunked body the parser saw end without a trailer section has its trailers known at once, as none', () => {
  const slot = new TrailerSlot()
  assert.equal(trailersNow(slot.fields), PENDING)
  slot.came(undefined)
  assert.deepEqual(trailersNow(slot.fields), [])
  const got: unknown[] = []
  whenTrailersAtEnd(slot.fields, (t) => got.push(t))
  assert.deepEqual(got, [[]], 'the end does not wait a microtask for trailers it already knows')
})

test('a chunked body’s trailer section is known at once when it came, field by field', () => {
  const slot = new TrailerSlot()
  slot.came(['X-Checksum', 'abc', 'X-Count', '2'])
  assert.deepEqual(trailersNow(slot.fields), [
    ['X-Checksum', 'abc'],
    ['X-Count', '2'],
  ])
})

test('trailers nobody marked settled are read after a microtask, as trailersAtEnd reads them', async () => {
  const trailers = Promise.resolve<Headers>([['x-late', '1']])
  assert.equal(trailersNow(trailers), PENDING)
  assert.equal(trailersNow(undefined), undefined)
  let got: Headers | undefined
  whenTrailersAtEnd(trailers, (t) => {
    got = t
  })
  assert.equal(got, undefined)
  await new Promise((resolve) => setImmediate(resolve))
  assert.deepEqual(got, [['x-late', '1']])
})

test('the first fields a trailers promise settles with are the ones read at once, as a promise keeps its first value', async () => {
  const { trailers, settle } = settlingTrailers()
  settle([['x-first', '1']])
  settle([])
  markSettled(trailers, [['x-third', '3']])
  assert.deepEqual(trailersNow(trailers), [['x-first', '1']])
  assert.deepEqual(await trailers, [['x-first', '1']])
})
