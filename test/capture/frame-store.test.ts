import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  FRAME_FLUSH_MS,
  FrameStore,
  MAX_EXCHANGES_WITH_FRAMES,
  MAX_FRAMES_PER_EXCHANGE,
} from '../../electron/capture/frame-store.ts'
import type { WebsocketFrame } from '../../shared/exchange.ts'
import { until } from './fixtures.ts'

function frame(n: number): WebsocketFrame {
  return { at: n, direction: 'up', opcode: 1, length: 1, text: String(n) } as unknown as WebsocketFrame
}

test('the frame bounds are 2,000 frames per exchange, 500 exchanges, flushed every 50 ms', () => {
  assert.deepEqual([MAX_FRAMES_PER_EXCHANGE, MAX_EXCHANGES_WITH_FRAMES, FRAME_FLUSH_MS], [2000, 500, 50])
})

test('an exchange keeps its first 2,000 frames in order and counts the ones past that as dropped', () => {
  const store = new FrameStore()
  for (let i = 0; i < MAX_FRAMES_PER_EXCHANGE + 3; i++) store.add('a', frame(i))
  const kept = store.frames('a')!
  assert.equal(kept.frames.length, MAX_FRAMES_PER_EXCHANGE)
  assert.equal(kept.dropped, 3)
  assert.deepEqual(kept.frames[0], frame(0))
  assert.deepEqual(kept.frames.at(-1), frame(MAX_FRAMES_PER_EXCHANGE - 1))
  assert.equal(store.frames('b'), undefined)
})

test('past 500 exchanges with frames the oldest exchange is forgotten first, and only it', () => {
  const store = new FrameStore()
  for (let i = 0; i <= MAX_EXCHANGES_WITH_FRAMES; i++) store.add(`x${i}`, frame(i))
  assert.equal(store.frames('x0'), undefined)
  assert.deepEqual(store.frames('x1'), { frames: [frame(1)], dropped: 0 })
  assert.deepEqual(store.frames(`x${MAX_EXCHANGES_WITH_FRAMES}`), {
    frames: [frame(MAX_EXCHANGES_WITH_FRAMES)],
    dropped: 0,
  })
  store.add('x1', frame(-1))
  assert.equal(store.frames('x1')!.frames.length, 2, 'a frame for a kept exchange evicts nothing')
  assert.notEqual(store.frames('x2'), undefined)
})

test('new frames reach every listener in one batch per exchange after the flush interval, not before', async () => {
  const store = new FrameStore()
  const got: [string, number[]][] = []
  const other: string[] = []
  store.onFrames(() => {
    throw new Error('a broken window')
  })
  store.onFrames((id, frames) => got.push([id, frames.map((f) => f.at)]))
  store.onFrames((id) => other.push(id))
  const startedAt = Date.now()
  store.add('a', frame(1))
  store.add('b', frame(2))
  store.add('a', frame(3))
  assert.deepEqual(got, [], 'nothing is sent on the spot')
  await until(() => got.length === 2)
  assert.ok(Date.now() - startedAt >= FRAME_FLUSH_MS - 5)
  assert.deepEqual(got, [
    ['a', [1, 3]],
    ['b', [2]],
  ])
  assert.deepEqual(other, ['a', 'b'], 'a listener that throws does not stop the others')
  store.add('a', frame(4))
  await until(() => got.length === 3)
  assert.deepEqual(got[2], ['a', [4]], 'a later frame starts a new batch, without the ones already sent')
})

test('frames added while nobody listens are kept but never sent, and a listener that left gets nothing', async () => {
  const store = new FrameStore()
  store.add('a', frame(1))
  const got: string[] = []
  const stop = store.onFrames((id) => got.push(id))
  store.flush()
  assert.deepEqual(got, [], 'frames from before the listener came are not pending')
  store.add('a', frame(2))
  stop()
  store.flush()
  assert.deepEqual(got, [])
  assert.equal(store.frames('a')!.frames.length, 2)
})

test('flush sends at once and cancels the timer, so nothing is sent twice', async () => {
  const store = new FrameStore()
  const got: number[][] = []
  store.onFrames((_id, frames) => got.push(frames.map((f) => f.at)))
  store.add('a', frame(1))
  store.flush()
  assert.deepEqual(got, [[1]])
  await new Promise((r) => setTimeout(r, FRAME_FLUSH_MS + 20))
  assert.deepEqual(got, [[1]])
})

test('clear forgets every frame and what was pending; retain forgets only the exchanges it says no to', async () => {
  const store = new FrameStore()
  const got: string[] = []
  store.onFrames((id) => got.push(id))
  store.add('a', frame(1))
  store.add('b', frame(2))
  store.add('c', frame(3))
  store.retain((id) => id !== 'b')
  assert.equal(store.frames('b'), undefined)
  assert.notEqual(store.frames('a'), undefined)
  store.flush()
  assert.deepEqual(got, ['a', 'c'], 'a forgotten exchange’s pending frames are not sent')
  store.add('a', frame(4))
  store.clear()
  assert.equal(store.frames('a'), undefined)
  assert.equal(store.frames('c'), undefined)
  store.flush()
  assert.deepEqual(got, ['a', 'c'])
})
