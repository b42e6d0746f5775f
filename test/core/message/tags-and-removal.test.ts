/**
 * Two message updates every exchange goes through: tagging a response (the recorder and chaos do it to every one)
 * must keep whatever else the response carries, and removing headers must keep the others in order.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  generatedResponse,
  response,
  withoutHeadersWhere,
  withTagList,
  withTags,
  type Response,
} from '../../../electron/core/message.ts'

test('tagging a generated response keeps what made it generated', () => {
  const made = generatedResponse(504, 'timeout', 'upstream did not respond: h:1')
  const tagged = withTags(made, 'chaos')
  assert.deepEqual(tagged.generated, { cause: 'timeout', message: 'upstream did not respond: h:1' })
  assert.deepEqual(tagged.tags, ['chaos'])
  assert.equal(tagged.status, 504)
})

test('tagging a tunnel or a response with trailers keeps the tunnel and the trailers', async () => {
  const tunnel: Response['tunnel'] = async () => ({ bytesUp: 1, bytesDown: 2 })
  const withTunnel = withTagList({ ...response(200), tunnel }, ['tunnel'])
  assert.equal(withTunnel.tunnel, tunnel)
  const trailers = Promise.resolve([['grpc-status', '0'] as const])
  const withTrailers = withTagList({ ...response(200), trailers }, ['grpc'])
  assert.equal(withTrailers.trailers, trailers)
  assert.deepEqual(withTrailers.tags, ['grpc'])
})

test('tagging a plain response keeps each of its fields, adds the tags after any it had, and freezes it', () => {
  const plain = response(201, { reason: 'Made', version: '1.0', headers: [['A', '1']], body: 'x', tags: ['first'] })
  const tagged = withTags(plain, 'second', 'third')
  assert.deepEqual(
    { ...tagged, body: undefined },
    {
      status: 201,
      reason: 'Made',
      version: '1.0',
      headers: [['A', '1']],
      body: undefined,
      tags: ['first', 'second', 'third'],
    },
  )
  assert.equal(tagged.body, plain.body)
  assert.ok(Object.isFrozen(tagged))
  assert.deepEqual(withTags(response(200)).tags, [])
})

test('removing headers by a rule keeps the others in order, from the first removed one on', () => {
  const res = response(200, {
    headers: [
      ['Keep-1', 'a'],
      ['Drop-1', 'b'],
      ['Keep-2', 'c'],
      ['Drop-2', 'd'],
      ['Keep-3', 'e'],
    ],
  })
  const kept = withoutHeadersWhere(res, (name) => name.startsWith('Drop'))
  assert.deepEqual(kept.headers, [
    ['Keep-1', 'a'],
    ['Keep-2', 'c'],
    ['Keep-3', 'e'],
  ])
  assert.ok(Object.isFrozen(kept.headers))
  assert.equal(
    withoutHeadersWhere(res, () => false),
    res,
  )
  assert.deepEqual(withoutHeadersWhere(res, () => true).headers, [])
})
