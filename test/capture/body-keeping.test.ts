import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { BodyKeeper, BodyTap, storeBytes } from '../../electron/capture/body-tap.ts'

const keeper = (cap: number, ...chunks: string[]) => {
  const k = new BodyKeeper(cap)
  for (const c of chunks) k.keep(Buffer.from(c))
  return k
}

test('a bytes body within the cap is kept as it is; past the cap, a copy of its first cap bytes, marked truncated', () => {
  const body = Buffer.from('0123456789')
  const whole = storeBytes(body, 10)
  assert.equal(whole.bytes, body)
  assert.deepEqual([whole.size, whole.truncated], [10, false])
  const cut = storeBytes(body, 4)
  assert.equal(Buffer.from(cut.bytes).toString(), '0123')
  assert.deepEqual([cut.size, cut.truncated], [10, true])
  assert.notEqual(cut.bytes.buffer, body.buffer, 'the cut copy does not pin the whole body')
  const none = storeBytes(body, 0)
  assert.deepEqual([none.bytes.byteLength, none.size, none.truncated], [0, 10, true])
  const negative = storeBytes(body, -3)
  assert.deepEqual([negative.bytes.byteLength, negative.size, negative.truncated], [0, 10, true])
})

test('an empty bytes body is stored as empty, whole, whatever the cap', () => {
  for (const cap of [-1, 0, 5]) {
    const empty = storeBytes(new Uint8Array(0), cap)
    assert.deepEqual([empty.bytes.byteLength, empty.size, empty.truncated, empty.missing], [0, 0, false, undefined])
  }
})

test('a body read to its end has the size that went by, truncated when the cap kept less', () => {
  const all = keeper(100, 'abc', 'de').stored(undefined, true)
  assert.deepEqual(
    [Buffer.from(all.bytes).toString(), all.size, all.truncated, all.missing],
    ['abcde', 5, false, undefined],
  )
  const cut = keeper(4, 'abc', 'de').stored(99, true)
  assert.deepEqual(
    [Buffer.from(cut.bytes).toString(), cut.size, cut.truncated, cut.missing],
    ['abcd', 5, true, undefined],
  )
  const exact = keeper(5, 'abcde').stored(5, true)
  assert.deepEqual([exact.size, exact.truncated], [5, false])
})

test('a body cut short of its declared length has that length as its size and says how many bytes never came', () => {
  const body = keeper(100, 'abc').stored(10, false)
  assert.deepEqual([Buffer.from(body.bytes).toString(), body.size, body.truncated, body.missing], ['abc', 10, true, 7])
})

test('a body cut short with no declared length has the size that went by and an unknown missing count', () => {
  const body = keeper(100, 'abc').stored(undefined, false)
  assert.deepEqual([body.size, body.truncated, body.missing], [3, false, null])
  const capped = keeper(2, 'abc').stored(undefined, false)
  assert.deepEqual([capped.size, capped.truncated, capped.missing], [3, true, null])
})

test('a body that did not end but had all its declared bytes go by is whole, with nothing missing', () => {
  const body = keeper(100, 'abc').stored(3, false)
  assert.deepEqual([body.size, body.truncated, body.missing], [3, false, undefined])
  assert.equal('missing' in body, false)
})

test('a body that went past its declared length before it stopped keeps the size that went by', () => {
  const body = keeper(100, 'abcdef').stored(4, false)
  assert.deepEqual([body.size, body.truncated, body.missing], [6, false, 0])
})

test('a body kept in several chunks hands them over as parts, and joins them once, when its bytes are read', () => {
  const body = keeper(5, 'abc', 'def', 'ghi').stored(undefined, true)
  assert.deepEqual(
    body.parts!.map((p) => Buffer.from(p).toString()),
    ['abc', 'de'],
  )
  const bytes = body.bytes
  assert.equal(Buffer.from(bytes).toString(), 'abcde')
  assert.equal(body.bytes, bytes, 'joined once')
  assert.deepEqual([body.size, body.truncated, body.missing], [9, true, undefined])
  const cut = keeper(100, 'ab', 'c').stored(10, false)
  assert.deepEqual([cut.size, cut.truncated, cut.missing], [10, true, 7])
  const single = keeper(100, 'abc').stored(undefined, true)
  assert.equal(single.parts, undefined, 'one chunk is handed over as its bytes')
})

test('a body tap passes every byte on unchanged and keeps up to its cap, counting every byte', async () => {
  const tap = new BodyTap(4)
  const out: string[] = []
  await pipeline(Readable.from([Buffer.from('abc'), Buffer.from('defg')]), tap, async (source) => {
    for await (const chunk of source) out.push(String(chunk))
  })
  assert.equal(out.join(''), 'abcdefg')
  assert.equal(tap.seen, 7)
  const body = tap.stored(7, true)
  assert.deepEqual([Buffer.from(body.bytes).toString(), body.size, body.truncated], ['abcd', 7, true])
})
