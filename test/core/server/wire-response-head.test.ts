/**
 * The head and framing the HTTP/1.1 wire server writes for a response (RFC 9112 §6, §9.6), on a real loopback socket
 * pair: the framing header it adds when the response has none, when it says `Connection: close` or `keep-alive`,
 * whether the connection can carry the next exchange, and what an unwritable head becomes.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { PassThrough } from 'node:stream'
import { writeWireResponse, type WireFraming } from '../../../electron/core/server/wire-response.ts'
import { response, streamBody, type Response } from '../../../electron/core/message.ts'
import { socketPair } from '../socket-pair.ts'

const h11: WireFraming = { method: 'GET', chunkedOk: true, keepAlive: true, sayKeepAlive: false }

/** Writes the response on one end of a pair; the text the other end read once `done` was called, and its flag. */
async function written(res: Response, framing: Partial<WireFraming> = {}, feed?: (body: PassThrough) => void) {
  const pair = await socketPair()
  try {
    const bytes: Buffer[] = []
    pair.client.on('data', (c: Buffer) => bytes.push(c))
    const reusable = await Promise.race([
      new Promise<boolean>((resolve) => {
        writeWireResponse(pair.peer, res, { ...h11, ...framing }, resolve)
        if (feed && res.body.kind === 'stream') feed(res.body.stream as PassThrough)
      }),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('not written in 2 s')), 2000).unref()),
    ])
    await new Promise((r) => setTimeout(r, 30))
    return { text: Buffer.concat(bytes).toString('latin1'), reusable }
  } finally {
    await pair.close()
  }
}

test('a bytes body without framing gets its Content-Length, and the connection stays for the next exchange', async () => {
  assert.deepEqual(await written(response(200, { headers: [['X-A', '1']], body: 'hello' })), {
    text: 'HTTP/1.1 200 OK\r\nX-A: 1\r\nContent-Length: 5\r\n\r\nhello',
    reusable: true,
  })
  assert.deepEqual(await written(response(200, { headers: [['content-length', '5']], body: 'hello' })), {
    text: 'HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello',
    reusable: true,
  })
})

test('a connection not kept says Connection: close; an HTTP/1.0 keep-alive client hears keep-alive', async () => {
  assert.equal(
    (await written(response(204), { keepAlive: false })).text,
    'HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n',
  )
  assert.equal(
    (await written(response(204), { sayKeepAlive: true })).text,
    'HTTP/1.1 204 No Content\r\nConnection: keep-alive\r\n\r\n',
  )
})

test('a response that says Connection: close closes the connection, however it lists it', async () => {
  for (const value of ['close', 'Keep-Alive, CLOSE', 'close ,x']) {
    const { text, reusable } = await written(response(204, { headers: [['Connection', value]] }))
    assert.equal(reusable, false, value)
    assert.equal(text, `HTTP/1.1 204 No Content\r\nConnection: ${value}\r\n\r\n`, 'no second Connection field')
  }
  const closed = await written(response(204, { headers: [['Connection', 'closed']] }))
  assert.equal(closed.reusable, true, '"closed" is not close')
})

test('a stream of unknown length is chunked for an HTTP/1.1 client and delimited by closing for HTTP/1.0', async () => {
  const feed = (body: PassThrough) => body.end('abc')
  const chunked = await written(response(200, { body: streamBody(new PassThrough()) }), {}, feed)
  assert.equal(chunked.text, 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n')
  assert.equal(chunked.reusable, true)
  const old = await written(response(200, { body: streamBody(new PassThrough()) }), { chunkedOk: false }, feed)
  assert.equal(old.text, 'HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nabc')
  assert.equal(old.reusable, false)
  const known = await written(response(200, { body: streamBody(new PassThrough(), 3) }), {}, feed)
  assert.equal(known.text, 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc')
})

test('a Transfer-Encoding that does not end in chunked is delimited by closing the connection', async () => {
  const { text, reusable } = await written(
    response(200, { headers: [['Transfer-Encoding', 'gzip']], body: streamBody(new PassThrough()) }),
    {},
    (b) => b.end('zz'),
  )
  assert.equal(text, 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nConnection: close\r\n\r\nzz')
  assert.equal(reusable, false)
})

test('HEAD gets the head only: no body and no framing added', async () => {
  assert.deepEqual(await written(response(200, { body: 'hello' }), { method: 'HEAD' }), {
    text: 'HTTP/1.1 200 OK\r\n\r\n',
    reusable: true,
  })
})

test('an HTTP/2 response with trailers is rechunked for a client that asked for them, without its length', async () => {
  const res = {
    ...response(200, { version: '2', headers: [['content-length', '2']], body: streamBody(new PassThrough(), 2) }),
    trailers: Promise.resolve([['grpc-status', '0'] as const]),
  }
  const { text } = await written(res, { trailersOk: true }, (b) => b.end('ok'))
  assert.equal(text, 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\ngrpc-status: 0\r\n\r\n')
  const plain = await written({ ...res, body: streamBody(new PassThrough(), 2) }, { trailersOk: false }, (b) =>
    b.end('ok'),
  )
  assert.equal(plain.text, 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok', 'not asked for: sent as it came')
})

test('a status outside 100–999 or a reason with CR or LF becomes a generated 500 saying why', async () => {
  for (const [res, why] of [
    [response(99), 'invalid status code 99'],
    [response(1000), 'invalid status code 1000'],
    [response(200, { reason: 'OK\r\nX-Evil: 1' }), 'the reason phrase contains CR or LF'],
  ] as const) {
    const { text } = await written(res)
    assert.match(text, /^HTTP\/1\.1 500 Internal Server Error\r\n/)
    assert.ok(text.endsWith(`the response could not be written: ${why}\n`), text)
  }
})
