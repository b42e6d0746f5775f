/**
 * The trailer rules both HTTP versions follow, in memory: which fields a proxy may write in a trailer section
 * (RFC 9110 §6.5.1), how the last chunk carries them (RFC 9112 §7.1.2), when a client accepts them (TE, §10.1.4),
 * when the HTTP/2 server holds a stream's end for them, and which HTTP/2 fields are pseudo-headers (RFC 9113 §8.3).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { acceptsTrailers, lastChunkWith, mayTrail, TrailerSlot } from '../../../electron/core/wire/chunked-trailers.ts'
import { holdsForTrailers } from '../../../electron/core/wire/h2-trailers.ts'
import { pseudoHeaders } from '../../../electron/core/wire/h2-pseudo.ts'
import { response, type Header } from '../../../electron/core/message.ts'

test('fields for framing, routing, connection control and content metadata may not trail; others may', () => {
  for (const name of [
    'Content-Length',
    'transfer-encoding',
    'Trailer',
    'HOST',
    'Connection',
    'Keep-Alive',
    'Proxy-Connection',
    'TE',
    'Upgrade',
    'Content-Type',
    'Content-Encoding',
    'Content-Range',
  ])
    assert.equal(mayTrail(name), false, name)
  for (const name of ['grpc-status', 'X-Digest', 'Server-Timing', 'ETag']) assert.equal(mayTrail(name), true, name)
})

test('the last chunk carries the trailers that may trail and can be written, in order, and nothing else', () => {
  assert.equal(lastChunkWith(undefined), '0\r\n\r\n')
  assert.equal(lastChunkWith([]), '0\r\n\r\n')
  assert.equal(
    lastChunkWith([
      ['grpc-status', '0'],
      ['Content-Length', '5'],
      ['bad name', 'x'],
      ['X-Injected', 'a\r\nEvil: 1'],
      ['X-Digest', 'abc'],
    ]),
    '0\r\ngrpc-status: 0\r\nX-Digest: abc\r\n\r\n',
  )
  assert.equal(lastChunkWith([['Host', 'h']]), '0\r\n\r\n', 'every field left out: an empty trailer section')
})

test('a client accepts trailers when a TE field lists "trailers", in any case, with or without parameters', () => {
  const te = (...headers: Header[]) => acceptsTrailers(headers)
  assert.equal(te(['TE', 'trailers']), true)
  assert.equal(te(['te', 'gzip;q=0.5, Trailers ']), true)
  assert.equal(te(['TE', 'trailers;q=1']), true)
  assert.equal(te(['TE', 'gzip'], ['te', 'trailers']), true, 'any TE field')
  assert.equal(te(['TE', 'gzip, deflate']), false)
  assert.equal(te(['TE', 'trailersx']), false)
  assert.equal(te(['XTE', 'trailers'], ['Trailer', 'trailers']), false, 'only TE counts')
  assert.equal(te(), false)
})

test('a trailer slot settles once: with the fields that came, frozen, or with none', async () => {
  const slot = new TrailerSlot()
  slot.came(['grpc-status', '0', 'X-A', 'b'])
  slot.came(['late', 'ignored'])
  const fields = await slot.fields
  assert.deepEqual(fields, [
    ['grpc-status', '0'],
    ['X-A', 'b'],
  ])
  assert.ok(Object.isFrozen(fields))
  const empty = new TrailerSlot()
  empty.came([])
  assert.deepEqual(await empty.fields, [])
  const gone = new TrailerSlot()
  gone.came(undefined)
  assert.deepEqual(await gone.fields, [])
})

test('the HTTP/2 server holds a stream for trailers only when they may come and are announced, gRPC or asked for', () => {
  const withTrailers = (...headers: Header[]) => ({ ...response(200, { headers }), trailers: Promise.resolve([]) })
  assert.equal(
    holdsForTrailers(response(200, { headers: [['Trailer', 'x']] }), [['TE', 'trailers']]),
    false,
    'no trailers to come',
  )
  assert.equal(holdsForTrailers(withTrailers(['trailer', 'grpc-status']), []), true)
  assert.equal(holdsForTrailers(withTrailers(['Content-Type', 'application/grpc']), []), true)
  assert.equal(holdsForTrailers(withTrailers(['Content-Type', '  Application/gRPC+proto']), []), true)
  assert.equal(holdsForTrailers(withTrailers(['Content-Type', 'text/application/grpc']), []), false)
  assert.equal(holdsForTrailers(withTrailers(['Content-Type', 'text/plain']), []), false)
  assert.equal(holdsForTrailers(withTrailers(['X-Trailer', 'x']), []), false)
  assert.equal(holdsForTrailers(withTrailers(), [['te', 'gzip, Trailers']]), true)
  assert.equal(holdsForTrailers(withTrailers(), [['TE', 'trailers;q=0.5']]), true)
  assert.equal(holdsForTrailers(withTrailers(), [['TE', 'trailersx']]), false)
  assert.equal(holdsForTrailers(withTrailers(), [['XT', 'trailers']]), false)
  assert.equal(holdsForTrailers(withTrailers(), []), false)
})

test('the pseudo-header fields of an HTTP/2 block are the names starting with ":", in order, frozen', () => {
  const pseudo = pseudoHeaders([':method', 'GET', 'accept', '*/*', ':path', '/p', 'x:y', 'z', ':authority'])
  assert.deepEqual(pseudo, [
    [':method', 'GET'],
    [':path', '/p'],
  ])
  assert.ok(Object.isFrozen(pseudo) && pseudo.every((p) => Object.isFrozen(p)))
})
