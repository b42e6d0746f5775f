/**
 * The rules the static file server answers conditional and range requests by (RFC 9110 §8.8, §13, §14), called in
 * memory: which validator a file gets, when a GET is answered 304, and which bytes a `Range` header asks for.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { etagOf, lastModifiedOf, notModified, rangeOf } from '../../electron/core/static/conditional.ts'
import { request, type Headers } from '../../electron/core/message.ts'

/** A 1,000-byte file last changed at 2026-01-02T03:04:05.678Z. */
const file = { size: 1000, mtimeMs: Date.UTC(2026, 0, 2, 3, 4, 5, 678) }
const get = (...headers: Array<[string, string]>) => request({ target: '/f', headers: headers as Headers })

test('a file’s ETag is its whole-millisecond modification time and its size, in hex, quoted', () => {
  assert.equal(etagOf({ size: 255, mtimeMs: 4096.9 }), '"1000-ff"')
  assert.equal(etagOf(file), `"${Math.floor(file.mtimeMs).toString(16)}-3e8"`)
})

test('Last-Modified is the modification time cut to the second, as an HTTP date', () => {
  assert.equal(lastModifiedOf(file), 'Fri, 02 Jan 2026 03:04:05 GMT')
})

test('If-None-Match decides a 304 by weak comparison of any listed tag, or by *', () => {
  const tag = etagOf(file)
  assert.equal(notModified(get(['If-None-Match', tag]), file), true)
  assert.equal(notModified(get(['if-none-match', ` "x", W/${tag} `]), file), true, 'a weak tag in a list')
  assert.equal(notModified(get(['If-None-Match', ' * ']), file), true)
  assert.equal(notModified(get(['If-None-Match', '"other"']), file), false)
  assert.equal(
    notModified(get(['If-None-Match', '"other"'], ['If-Modified-Since', 'Sat, 01 Jan 2050 00:00:00 GMT']), file),
    false,
    'If-Modified-Since is not looked at when If-None-Match is present',
  )
})

test('If-Modified-Since gives a 304 from the file’s own second onwards, not before, and never when unreadable', () => {
  assert.equal(notModified(get(['If-Modified-Since', 'Fri, 02 Jan 2026 03:04:05 GMT']), file), true, 'same second')
  assert.equal(notModified(get(['If-Modified-Since', 'Fri, 02 Jan 2026 03:04:06 GMT']), file), true, 'later')
  assert.equal(notModified(get(['If-Modified-Since', 'Fri, 02 Jan 2026 03:04:04 GMT']), file), false, 'earlier')
  assert.equal(notModified(get(['If-Modified-Since', 'yesterday']), file), false, 'not a date')
  assert.equal(notModified(get(), file), false, 'no condition at all')
})

test('a single bytes range is answered with exactly the bytes asked for, cut at the end of the file', () => {
  assert.deepEqual(rangeOf(get(['Range', 'bytes=0-99']), file), { kind: 'partial', start: 0, end: 99 })
  assert.deepEqual(rangeOf(get(['range', ' BYTES = 10 - 20 ']), file), { kind: 'partial', start: 10, end: 20 })
  assert.deepEqual(rangeOf(get(['Range', 'bytes=900-']), file), { kind: 'partial', start: 900, end: 999 })
  assert.deepEqual(rangeOf(get(['Range', 'bytes=900-5000']), file), { kind: 'partial', start: 900, end: 999 })
  assert.deepEqual(rangeOf(get(['Range', 'bytes=999-999']), file), { kind: 'partial', start: 999, end: 999 })
  assert.deepEqual(rangeOf(get(['Range', 'bytes=5-5']), file), { kind: 'partial', start: 5, end: 5 })
})

test('a suffix range asks for the last n bytes, or the whole file when n is larger', () => {
  assert.deepEqual(rangeOf(get(['Range', 'bytes=-100']), file), { kind: 'partial', start: 900, end: 999 })
  assert.deepEqual(rangeOf(get(['Range', 'bytes=-1000']), file), { kind: 'partial', start: 0, end: 999 })
  assert.deepEqual(rangeOf(get(['Range', 'bytes=-5000']), file), { kind: 'partial', start: 0, end: 999 })
  assert.deepEqual(rangeOf(get(['Range', 'bytes=-1']), file), { kind: 'partial', start: 999, end: 999 })
})

test('a range that starts past the end, a zero suffix, or any range of an empty file is unsatisfiable', () => {
  assert.deepEqual(rangeOf(get(['Range', 'bytes=1000-']), file), { kind: 'unsatisfiable' })
  assert.deepEqual(rangeOf(get(['Range', 'bytes=1000-1001']), file), { kind: 'unsatisfiable' })
  assert.deepEqual(rangeOf(get(['Range', 'bytes=-0']), file), { kind: 'unsatisfiable' })
  assert.deepEqual(rangeOf(get(['Range', 'bytes=-5']), { size: 0, mtimeMs: 0 }), { kind: 'unsatisfiable' })
  assert.deepEqual(rangeOf(get(['Range', 'bytes=0-']), { size: 0, mtimeMs: 0 }), { kind: 'unsatisfiable' })
})

test('no range, bad syntax, other units, several ranges or a backwards range get the whole file', () => {
  for (const range of [undefined, 'bytes=-', 'bytes=5', 'items=0-1', 'bytes=0-1,5-6', 'bytes=20-10', 'x bytes=0-1'])
    assert.deepEqual(rangeOf(range === undefined ? get() : get(['Range', range]), file), { kind: 'full' }, range)
})

test('If-Range that still names the file (its ETag or its Last-Modified) keeps the range; a stale one does not', () => {
  const range: [string, string] = ['Range', 'bytes=0-9']
  const partial = { kind: 'partial', start: 0, end: 9 }
  assert.deepEqual(rangeOf(get(range, ['If-Range', ` ${etagOf(file)} `]), file), partial)
  assert.deepEqual(rangeOf(get(range, ['If-Range', lastModifiedOf(file)]), file), partial)
  assert.deepEqual(rangeOf(get(range, ['If-Range', '"stale"']), file), { kind: 'full' })
  assert.deepEqual(rangeOf(get(range, ['If-Range', 'Thu, 01 Jan 2026 00:00:00 GMT']), file), { kind: 'full' })
})
