import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Readable } from 'node:stream'
import { bodyBytes, bytesBody, streamBody } from '../../electron/core/message.ts'
import { holdBody } from '../../electron/pipeline/hold-body.ts'

const chunks = (n: number, size: number) => Array.from({ length: n }, (_, i) => Buffer.alloc(size, 65 + (i % 26)))

test('a streamed body within the limit is held whole', async () => {
  const parts = chunks(4, 10)
  const held = await holdBody(streamBody(Readable.from(parts)), 40)
  assert.ok('held' in held)
  assert.deepEqual(held.held, Buffer.concat(parts))
})

test('a streamed body of unknown length past the limit passes on unchanged, every byte in order, still a stream', async () => {
  const parts = chunks(10, 1000)
  const held = await holdBody(streamBody(Readable.from(parts)), 2500)
  assert.ok('passed' in held)
  assert.equal(held.passed.kind, 'stream')
  assert.deepEqual(await bodyBytes(held.passed), Buffer.concat(parts))
})

test('a body whose declared length is past the limit is not read at all', async () => {
  const stream = Readable.from(chunks(3, 10))
  const held = await holdBody(streamBody(stream, 30), 20)
  assert.ok('passed' in held)
  assert.equal(stream.readableFlowing, null, 'nothing was read from it')
  assert.equal((await bodyBytes(held.passed)).length, 30)
  const bytes = await holdBody(bytesBody('x'.repeat(30)), 20)
  assert.ok('passed' in bytes)
})
