/**
 * Which responses may carry a body (RFC 9110 §6.4.1), and letting go of a body nobody will send, in memory.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { PassThrough } from 'node:stream'
import { discardBody, mayHaveBody } from '../../../electron/core/server/write-response.ts'
import { bytesBody, streamBody } from '../../../electron/core/message.ts'

test('HEAD answers, 1xx, 204 and 304 carry no body; every other answer to any other method may', () => {
  for (const status of [100, 101, 199, 204, 304]) assert.equal(mayHaveBody('GET', status), false, `${status}`)
  for (const status of [200, 201, 203, 205, 206, 301, 303, 305, 400, 404, 500, 504])
    assert.equal(mayHaveBody('GET', status), true, `${status}`)
  for (const status of [200, 404]) assert.equal(mayHaveBody('HEAD', status), false, `HEAD ${status}`)
  assert.equal(mayHaveBody('POST', 200), true)
})

test('discarding a stream body destroys the stream so its upstream is freed; bytes need nothing', () => {
  const stream = new PassThrough()
  discardBody(streamBody(stream))
  assert.equal(stream.destroyed, true)
  discardBody(streamBody(stream))
  assert.doesNotThrow(() => discardBody(bytesBody('x')))
})
