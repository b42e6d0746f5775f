import { test } from 'node:test'
import assert from 'node:assert/strict'
import { acceptsTrailers, lastChunkWith, TrailerSlot } from '../../../electron/core/wire/chunked-trailers.ts'

test('the last chunk carries the trailer fields, leaving out those a trailer must not carry and those that cannot be lines', () => {
  assert.equal(lastChunkWith(undefined), '0\r\n\r\n')
  assert.equal(lastChunkWith([]), '0\r\n\r\n')
  assert.equal(
    lastChunkWith([
      ['grpc-status', '0'],
      ['Content-Length', '5'],
      ['Transfer-Encoding', 'chunked'],
      ['x-bad', 'a\r\nInjected: yes'],
      ['bad name', 'v'],
      ['X-Checksum', 'abc'],
    ]),
    '0\r\ngrpc-status: 0\r\nX-Checksum: abc\r\n\r\n',
  )
})

test('a client accepts trailers when its TE lists the trailers token, in any case and among others', () => {
  assert.equal(acceptsTrailers([['TE', 'trailers']]), true)
  assert.equal(acceptsTrailers([['te', 'gzip;q=0.5, Trailers']]), true)
  assert.equal(acceptsTrailers([['TE', 'gzip']]), false)
  assert.equal(acceptsTrailers([['Trailer', 'trailers']]), false)
  assert.equal(acceptsTrailers([]), false)
})

test('a trailer slot settles once: with the fields that came, or with none when the body went away first', async () => {
  const slot = new TrailerSlot()
  slot.came(['x-a', '1', 'x-b', '2'])
  slot.came(['x-late', '3'])
  assert.deepEqual(await slot.fields, [
    ['x-a', '1'],
    ['x-b', '2'],
  ])
  const gone = new TrailerSlot()
  gone.came(undefined)
  assert.deepEqual(await gone.fields, [])
})
