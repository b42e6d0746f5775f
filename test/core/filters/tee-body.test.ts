/**
 * What capture keeps of a body as it goes by (teeBody): the first `cap` bytes and the true total, how the body
 * ended, and that the body passed on is every byte of the original, for bytes and for streams, read ahead or as read.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { PassThrough, Readable } from 'node:stream'
import { teeBody } from '../../../electron/core/filters/tee-body.ts'
import { bodyText, bytesBody, emptyBody, streamBody } from '../../../electron/core/message.ts'

const within = <T>(ms: number, p: Promise<T>, what: string): Promise<T> =>
  Promise.race([
    p,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no ${what} in ${ms} ms`)), ms).unref()),
  ])

test('a bytes body is captured at once, cut at the cap, with its whole length, and passed on as it is', async () => {
  const body = bytesBody(Buffer.from('xxhello worldyy').subarray(2, 13))
  const tee = teeBody(body, 5)
  assert.equal(tee.body, body)
  const expected = { state: 'complete', total: 11 }
  assert.equal(tee.current().bytes.toString(), 'hello')
  assert.deepEqual({ state: tee.current().state, total: tee.current().total }, expected)
  const captured = await tee.captured
  assert.equal(captured.bytes.toString(), 'hello')
  assert.equal(tee.captured, tee.captured, 'one promise, made once')
})

test('the empty body is captured as complete and empty', async () => {
  const tee = teeBody(emptyBody, 10)
  assert.equal(tee.body, emptyBody)
  const captured = await tee.captured
  assert.deepEqual([captured.bytes.byteLength, captured.total, captured.state], [0, 0, 'complete'])
})

test('a stream body nobody reads is still seen to its end, read ahead, and passes on every byte', async () => {
  const source = Readable.from([Buffer.from('abc'), 'def', Buffer.from('ghij')])
  const tee = teeBody(streamBody(source, 10), 4)
  assert.equal(tee.body.kind === 'stream' && tee.body.length, 10, 'the length is kept')
  assert.equal(tee.current().state, 'streaming')
  const captured = await within(1000, tee.captured, 'capture of an unread body')
  assert.equal(captured.bytes.toString(), 'abcd')
  assert.equal(captured.total, 10)
  assert.equal(captured.state, 'complete')
  assert.equal(captured.error, undefined)
  assert.equal(await bodyText(tee.body), 'abcdefghij', 'the consumer still gets every byte')
  assert.deepEqual(tee.current().total, 10)
  assert.equal((await tee.captured).state, 'complete', 'asked for after it settled')
})

test('a stream body that fails is captured as aborted with the error, and the error reaches the consumer', async () => {
  const source = new PassThrough()
  const tee = teeBody(streamBody(source), 100)
  const reading = bodyText(tee.body)
  source.write('part')
  await new Promise((resolve) => setImmediate(resolve))
  source.destroy(new Error('upstream reset'))
  const captured = await within(1000, tee.captured, 'capture of a failed body')
  assert.equal(captured.state, 'aborted')
  assert.equal(captured.error, 'upstream reset')
  assert.equal(captured.bytes.toString(), 'part')
  assert.equal(captured.total, 4)
  await assert.rejects(reading)
  assert.equal(tee.current().error, 'upstream reset')
})

test('a passed-on stream its consumer destroys early is captured as aborted', async () => {
  const source = new PassThrough()
  const tee = teeBody(streamBody(source), 100)
  source.write('some')
  const passed = tee.body.kind === 'stream' ? tee.body.stream : assert.fail('a stream body')
  passed.destroy()
  const captured = await within(1000, tee.captured, 'capture of a destroyed body')
  assert.equal(captured.state, 'aborted')
  assert.equal(captured.error, 'Premature close')
})

test('watched as read, the very same body is passed on and captured once its consumer has read it', async () => {
  const source = Readable.from([Buffer.from('12345'), Buffer.from('6789')])
  const body = streamBody(source, 9)
  const tee = teeBody(body, 6, { watch: 'as-read' })
  assert.equal(tee.body, body)
  assert.equal(await bodyText(tee.body), '123456789')
  const captured = await within(1000, tee.captured, 'capture as read')
  assert.deepEqual([captured.bytes.toString(), captured.total, captured.state], ['123456', 9, 'complete'])
})
