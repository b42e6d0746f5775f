import { test } from 'node:test'
import assert from 'node:assert/strict'
import { holdsForTrailers } from '../../../electron/core/wire/h2-trailers.ts'
import { response, type Headers, type Response } from '../../../electron/core/message.ts'

const maybe = (headers: Headers): Response =>
  Object.freeze({ ...response(200, { headers, body: 'x' }), trailers: Promise.resolve<Headers>([]) })

test('an h2 stream is held for trailers when they are announced, the answer is gRPC, or the client asked for them', () => {
  assert.equal(holdsForTrailers(maybe([['Trailer', 'x-end']]), []), true)
  assert.equal(holdsForTrailers(maybe([['content-type', 'application/grpc+proto']]), []), true)
  assert.equal(holdsForTrailers(maybe([['content-type', 'text/plain']]), [['te', 'trailers']]), true)
  assert.equal(holdsForTrailers(maybe([['content-type', 'text/plain']]), [['te', 'gzip, trailers;q=1']]), true)
})

test('an h2 stream ends with its last DATA frame when nothing says trailers will come, or the response has none', () => {
  assert.equal(holdsForTrailers(maybe([['content-type', 'text/plain']]), [['te', 'gzip']]), false)
  assert.equal(holdsForTrailers(maybe([]), []), false)
  assert.equal(holdsForTrailers(response(200, { headers: [['Trailer', 'x-end']] }), [['te', 'trailers']]), false)
})
