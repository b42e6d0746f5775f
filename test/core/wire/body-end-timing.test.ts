/**
 * When a body's end and its trailers are known: an h2 response body's end rides on its last chunk (written with
 * the end), a failing body resets the stream instead of ending it, and trailers that never come or fail count as
 * none without waiting. The h2 stream is a stand-in that records the calls node:http2 would get.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { EventEmitter } from 'node:events'
import type { Http2Stream } from 'node:http2'
import { PassThrough } from 'node:stream'
import { pipeBody } from '../../../electron/core/wire/h2-wire.ts'
import { atEnd, trailersAtEnd } from '../../../electron/core/wire/trailers-at-end.ts'

/** Records writes, the end and a reset, in order; `full` makes writes ask for a drain. */
function standInStream(full = false) {
  const calls: string[] = []
  const stream = Object.assign(new EventEmitter(), {
    destroyed: false,
    closed: false,
    write(chunk: Buffer | string) {
      calls.push(`write ${chunk.toString()}`)
      return !full
    },
    end() {
      calls.push('end')
    },
    destroy(error?: Error) {
      calls.push(`reset: ${error?.message}`)
      stream.destroyed = true
    },
  })
  return { stream, calls, h2: stream as unknown as Http2Stream }
}
const immediate = () => new Promise((r) => setImmediate(r))

test('the last chunk of a body and its end go out together, the chunks before it as they come', async () => {
  const body = new PassThrough()
  const { calls, h2 } = standInStream()
  pipeBody(body, h2, 'with-last-data')
  body.write('one')
  await immediate()
  await immediate()
  assert.deepEqual(calls, ['write one'], 'a lone chunk goes out at the check phase')
  body.write('two')
  body.end('three')
  await immediate()
  await immediate()
  assert.deepEqual(calls, ['write one', 'write two', 'write three', 'end'])
})

test('a body already over ends the stream at once; one already destroyed resets it', () => {
  const ended = new PassThrough()
  ended.end()
  ended.resume()
  return new Promise<void>((resolve) =>
    ended.once('end', () => {
      const a = standInStream()
      pipeBody(ended, a.h2, 'with-last-data')
      assert.deepEqual(a.calls, ['end'])
      const broken = new PassThrough()
      broken.destroy()
      const b = standInStream()
      pipeBody(broken, b.h2, 'with-last-data')
      assert.deepEqual(b.calls, ['reset: the body failed before its end'])
      resolve()
    }),
  )
})

test('a body that fails resets the stream and never ends it; one the stream drops is destroyed', async () => {
  const body = new PassThrough()
  const { calls, h2 } = standInStream()
  pipeBody(body, h2, 'with-last-data')
  body.write('held')
  body.destroy(new Error('upstream reset'))
  await immediate()
  await immediate()
  assert.deepEqual(calls, ['reset: the body failed before its end'], 'the held chunk is dropped, no end')

  const dropped = new PassThrough()
  const s = standInStream()
  pipeBody(dropped, s.h2, 'with-last-data')
  s.stream.emit('close')
  assert.equal(dropped.destroyed, true)
})

test('a stream that asks for a drain pauses the body until it drains', async () => {
  const body = new PassThrough()
  const { stream, calls, h2 } = standInStream(true)
  pipeBody(body, h2, 'with-last-data')
  body.write('a')
  body.write('b')
  await immediate()
  await immediate()
  assert.equal(body.isPaused(), true)
  stream.emit('drain')
  assert.equal(body.isPaused(), false)
  assert.deepEqual(calls.slice(0, 1), ['write a'])
})

test('trailers known at a body’s end come at once; failed ones count as none before the check phase', async () => {
  assert.deepEqual(await trailersAtEnd(Promise.resolve([['a', 'b'] as const])), [['a', 'b']])
  const order: string[] = []
  setImmediate(() => order.push('check phase'))
  const failed = await trailersAtEnd(Promise.reject(new Error('script failed')))
  order.push('trailers')
  assert.equal(failed, undefined)
  assert.deepEqual(order, ['trailers'], 'settled in a microtask, not at the check phase')
  assert.equal(await trailersAtEnd(new Promise(() => {})), undefined, 'never coming: none, at the check phase')
  assert.equal(atEnd(undefined), undefined)
  assert.deepEqual(await atEnd(Promise.resolve([])), [])
})
