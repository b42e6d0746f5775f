/**
 * Reading a body into memory, which every filter that needs the bytes does (bufferBody): what it gives for bytes,
 * for a stream in pieces, for a stream already over, and how it fails when a stream breaks or closes early.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { PassThrough, Readable } from 'node:stream'
import {
  bodyBytes,
  bodyLength,
  bodyText,
  bufferBody,
  bytesBody,
  emptyBody,
  request,
  streamBody,
} from '../../../electron/core/message.ts'

test('a bytes body that is a view into a larger buffer reads as exactly its own bytes', async () => {
  const whole = Buffer.from('xxhello worldyy')
  const body = bytesBody(whole.subarray(2, 13))
  assert.equal((await bodyBytes(body)).toString(), 'hello world')
  assert.equal(bodyLength(body), 11)
  assert.equal(await bodyText(bytesBody('héllo')), 'héllo')
  assert.equal(bodyLength(bytesBody('héllo')), 6, 'the length is in bytes, not characters')
  assert.equal(bodyLength(emptyBody), 0)
})

test('a stream body in several pieces, text or bytes, reads as all of them in order, and keeps its length', async () => {
  const stream = Readable.from([Buffer.from('ab'), 'cd', Buffer.from('é')], { objectMode: false })
  const body = streamBody(stream, 6)
  assert.equal(bodyLength(body), 6)
  assert.equal(bodyLength(streamBody(new PassThrough())), undefined, 'a stream of unknown length')
  const bytes = await bodyBytes(body)
  assert.equal(bytes.toString(), 'abcdé')
  assert.equal(bytes.byteLength, 6)
})

test('a paused stream is read to its end all the same', async () => {
  const stream = new PassThrough()
  stream.pause()
  stream.end('paused but whole')
  assert.equal(await bodyText(streamBody(stream)), 'paused but whole')
})

test('a stream that already ended reads as empty, not as a wait forever', async () => {
  const stream = Readable.from(['gone'])
  stream.resume()
  await new Promise((resolve) => stream.once('end', resolve))
  assert.equal((await bodyBytes(streamBody(stream))).byteLength, 0)
})

test('a stream that fails or closes before its end rejects: with its error, else a premature close', async () => {
  const failing = new PassThrough()
  const reading = bodyBytes(streamBody(failing))
  failing.write('part')
  failing.destroy(new Error('upstream reset'))
  await assert.rejects(reading, /upstream reset/)

  const closing = new PassThrough()
  const cut = bodyBytes(streamBody(closing))
  closing.write('part')
  closing.destroy()
  await assert.rejects(cut, { code: 'ERR_STREAM_PREMATURE_CLOSE' })

  const broken = new PassThrough()
  broken.on('error', () => {}) // nobody read it yet
  broken.destroy(new Error('broken before reading'))
  await new Promise((resolve) => setImmediate(resolve))
  await assert.rejects(bodyBytes(streamBody(broken)), /broken before reading/)

  const closed = new PassThrough()
  closed.destroy()
  await new Promise((resolve) => setImmediate(resolve))
  await assert.rejects(bodyBytes(streamBody(closed)), { code: 'ERR_STREAM_PREMATURE_CLOSE' })
})

test('bufferBody turns a stream body into bytes once, and leaves a bytes message as it is', async () => {
  const bytes = request({ target: '/', body: 'kept' })
  assert.equal(await bufferBody(bytes), bytes)
  const streamed = request({ target: '/', body: streamBody(Readable.from([Buffer.from('one '), Buffer.from('two')])) })
  const buffered = await bufferBody(streamed)
  assert.equal(buffered.body.kind, 'bytes')
  assert.equal(await bodyText(buffered.body), 'one two')
  assert.equal(await bodyText(buffered.body), 'one two', 'and can be read again')
  assert.ok(Object.isFrozen(buffered))
})

test('a message built with no body, text or bytes gets the matching body', async () => {
  assert.equal(request({ target: '/' }).body, emptyBody)
  const fromBytes = request({ target: '/', body: new Uint8Array([104, 105]) })
  assert.equal(fromBytes.body.kind, 'bytes')
  assert.equal(await bodyText(fromBytes.body), 'hi')
  const stream = streamBody(new PassThrough(), 3)
  assert.equal(request({ target: '/', body: stream }).body, stream)
})
