import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  compareBodies,
  compareHeaders,
  latencyStats,
  VOLATILE_HEADERS,
  withoutExpiry,
} from '../../electron/recording/replay-compare.ts'

test('equal bodies have no difference, and a different one says both sizes and the first byte that differs', () => {
  assert.equal(compareBodies(Buffer.from('hello'), Buffer.from('hello')), undefined)
  assert.equal(compareBodies(new Uint8Array(0), new Uint8Array(0)), undefined)
  assert.deepEqual(compareBodies(Buffer.from('hello'), Buffer.from('help!')), {
    recordedSize: 5,
    size: 5,
    firstDifferenceAt: 3,
  })
  assert.deepEqual(compareBodies(Buffer.from('abc'), Buffer.from('xbc')), {
    recordedSize: 3,
    size: 3,
    firstDifferenceAt: 0,
  })
  // One a prefix of the other: the difference is where the shorter ends.
  assert.deepEqual(compareBodies(Buffer.from('hello'), Buffer.from('hello world')), {
    recordedSize: 5,
    size: 11,
    firstDifferenceAt: 5,
  })
  assert.deepEqual(compareBodies(Buffer.from('hello world'), Buffer.from('he')), {
    recordedSize: 11,
    size: 2,
    firstDifferenceAt: 2,
  })
})

test('a body given as a view into a larger buffer is compared on its own bytes only', () => {
  const big = Buffer.from('xxhelloyy')
  assert.equal(compareBodies(big.subarray(2, 7), Buffer.from('hello')), undefined)
  assert.deepEqual(compareBodies(new Uint8Array(big.buffer, big.byteOffset + 2, 5), Buffer.from('hellp')), {
    recordedSize: 5,
    size: 5,
    firstDifferenceAt: 4,
  })
})

test('the same headers in any case are no difference, and a changed value names the header with both lists', () => {
  assert.deepEqual(compareHeaders([['Content-Type', 'text/plain']], [['content-type', 'text/plain']], false), [])
  assert.deepEqual(
    compareHeaders(
      [
        ['Content-Type', 'text/plain'],
        ['X-A', '1'],
      ],
      [
        ['content-type', 'text/html'],
        ['X-A', '1'],
      ],
      false,
    ),
    [{ name: 'content-type', recorded: ['text/plain'], replayed: ['text/html'] }],
  )
})

test('a header only one side has is a difference with an empty list on the other', () => {
  assert.deepEqual(compareHeaders([['X-Old', 'a']], [['X-New', 'b']], false), [
    { name: 'x-old', recorded: ['a'], replayed: [] },
    { name: 'x-new', recorded: [], replayed: ['b'] },
  ])
  assert.deepEqual(compareHeaders([], [['X-New', 'b']], false), [{ name: 'x-new', recorded: [], replayed: ['b'] }])
  assert.deepEqual(compareHeaders([['X-Old', 'a']], [], false), [{ name: 'x-old', recorded: ['a'], replayed: [] }])
})

test('repeated headers are compared as the list of their values, so another order of the same name differs', () => {
  assert.deepEqual(
    compareHeaders(
      [
        ['Vary', 'a'],
        ['X-B', '1'],
        ['Vary', 'b'],
      ],
      [
        ['X-B', '1'],
        ['vary', 'a'],
        ['VARY', 'b'],
      ],
      false,
    ),
    [],
    'other names between them do not matter',
  )
  assert.deepEqual(
    compareHeaders(
      [
        ['Vary', 'a'],
        ['Vary', 'b'],
      ],
      [
        ['Vary', 'b'],
        ['Vary', 'a'],
      ],
      false,
    ),
    [{ name: 'vary', recorded: ['a', 'b'], replayed: ['b', 'a'] }],
  )
  assert.deepEqual(
    compareHeaders(
      [['Vary', 'a']],
      [
        ['Vary', 'a'],
        ['Vary', 'a'],
      ],
      false,
    ),
    [{ name: 'vary', recorded: ['a'], replayed: ['a', 'a'] }],
  )
})

test('volatile headers (dates, ids, validators, Via, hop-by-hop framing) are never differences', () => {
  for (const name of [
    'date',
    'age',
    'expires',
    'last-modified',
    'x-request-id',
    'x-correlation-id',
    'etag',
    'server-timing',
    'via',
    'x-nanoscope-generated',
    'connection',
    'keep-alive',
    'transfer-encoding',
  ]) {
    assert.ok(VOLATILE_HEADERS.has(name), name)
    const upper = name.toUpperCase()
    assert.deepEqual(compareHeaders([[upper, 'one']], [[upper, 'two']], false), [], name)
    assert.deepEqual(compareHeaders([[upper, 'one']], [], false), [], name)
    assert.deepEqual(compareHeaders([], [[name, 'two']], false), [], name)
    // Among other headers too: the slow path ignores them as well.
    assert.deepEqual(
      compareHeaders(
        [
          ['X-A', '1'],
          [name, 'one'],
        ],
        [
          ['X-A', '2'],
          [name, 'two'],
        ],
        false,
      ),
      [{ name: 'x-a', recorded: ['1'], replayed: ['2'] }],
      name,
    )
  }
  assert.equal(VOLATILE_HEADERS.has('content-type'), false)
  assert.equal(VOLATILE_HEADERS.has('content-length'), false)
})

test('Content-Length is compared only when the bodies are the same and both sides have one', () => {
  const length = (n: string): [string, string] => ['Content-Length', n]
  assert.deepEqual(compareHeaders([length('5')], [length('6')], false), [
    { name: 'content-length', recorded: ['5'], replayed: ['6'] },
  ])
  assert.deepEqual(compareHeaders([length('5')], [length('6')], true), [], 'a different body already says it')
  assert.deepEqual(compareHeaders([length('5')], [], false), [], 'chunked on one side is framing')
  assert.deepEqual(compareHeaders([], [length('5')], false), [])
  assert.deepEqual(
    compareHeaders([length('5'), ['X-A', '1']], [['X-A', '2']], false),
    [{ name: 'x-a', recorded: ['1'], replayed: ['2'] }],
    'framing only, among other differences',
  )
  assert.deepEqual(compareHeaders([length('5'), ['X-A', '1']], [length('6'), ['X-A', '2']], true), [
    { name: 'x-a', recorded: ['1'], replayed: ['2'] },
  ])
  assert.deepEqual(compareHeaders([length('5'), ['X-A', '1']], [length('6'), ['X-A', '2']], false), [
    { name: 'content-length', recorded: ['5'], replayed: ['6'] },
    { name: 'x-a', recorded: ['1'], replayed: ['2'] },
  ])
})

test('a Set-Cookie whose expiry moved is the same cookie; one with another value is a difference', () => {
  const recorded: [string, string][] = [['Set-Cookie', 'id=1; Expires=Wed, 01 Jan 2025 00:00:00 GMT; Path=/']]
  assert.deepEqual(
    compareHeaders(recorded, [['Set-Cookie', 'id=1; expires=Thu, 02 Jan 2025 00:00:00 GMT; Path=/']], false),
    [],
  )
  assert.deepEqual(compareHeaders(recorded, [['set-cookie', 'id=1;Path=/; Max-Age=60']], false), [])
  assert.deepEqual(compareHeaders(recorded, [['Set-Cookie', 'id=2; Path=/']], false), [
    { name: 'set-cookie', recorded: [recorded[0]![1]], replayed: ['id=2; Path=/'] },
  ])
  assert.deepEqual(
    compareHeaders([['X-Cookie', 'id=1; Max-Age=1']], [['X-Cookie', 'id=1; Max-Age=2']], false),
    [{ name: 'x-cookie', recorded: ['id=1; Max-Age=1'], replayed: ['id=1; Max-Age=2'] }],
    'only Set-Cookie is compared without its expiry',
  )
})

test('a cookie without its expiry keeps its other attributes, trimmed and joined by "; "', () => {
  assert.equal(
    withoutExpiry('id=1; Expires=Wed, 01 Jan 2025 00:00:00 GMT; Path=/;  HttpOnly'),
    'id=1; Path=/; HttpOnly',
  )
  assert.equal(withoutExpiry('id=1;max-age =60;Secure'), 'id=1; Secure')
  assert.equal(withoutExpiry('expiresSoon=1; Path=/'), 'expiresSoon=1; Path=/')
  assert.equal(withoutExpiry('id=1; x-max-age=3'), 'id=1; x-max-age=3')
})

test('latency statistics are nearest-rank percentiles rounded to a tenth of a millisecond', () => {
  assert.deepEqual(latencyStats([]), { count: 0, p50: 0, p95: 0, max: 0 })
  assert.deepEqual(latencyStats([7.26]), { count: 1, p50: 7.3, p95: 7.3, max: 7.3 })
  assert.deepEqual(latencyStats([4, 1, 3, 2]), { count: 4, p50: 2, p95: 4, max: 4 })
  assert.deepEqual(latencyStats([10, 2, 1]), { count: 3, p50: 2, p95: 10, max: 10 })
  const hundred = Array.from({ length: 100 }, (_, i) => 100 - i)
  assert.deepEqual(latencyStats(hundred), { count: 100, p50: 50, p95: 95, max: 100 })
  const twenty = Array.from({ length: 20 }, (_, i) => i + 1)
  assert.deepEqual(latencyStats(twenty), { count: 20, p50: 10, p95: 19, max: 20 })
  assert.deepEqual(latencyStats([100, 9, 20]), { count: 3, p50: 20, p95: 100, max: 100 }, 'sorted as numbers')
  const values = [3, 1, 2]
  latencyStats(values)
  assert.deepEqual(values, [3, 1, 2], 'the values given are left as they were')
})
