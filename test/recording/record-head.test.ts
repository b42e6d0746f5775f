import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { headJson, maxHeadBytes, writeHead } from '../../electron/recording/head-bytes.ts'
import { frameLineBytes, writeFrameLine } from '../../electron/recording/record-log.ts'
import type { RecordedExchange } from '../../electron/recording/recorded-exchange.ts'

// Any text at all: control characters, quotes, backslashes, astral characters and lone surrogates.
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 10 }),
  fc.constantFrom('"', '\\', '\n', '\u2028', '\ud800', 'a\udc00b', '😀'),
)
const headers = fc.array(fc.tuple(text, text), { maxLength: 6 })
// Times as recorded: milliseconds to the microsecond, from durations to epoch times (and past the fast path's range).
const thousandths = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }).map((i) => i / 1000)
const number = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.maxSafeNat(),
  thousandths,
  fc.constantFrom(
    -0,
    1_717_171_717_171,
    12.5,
    1e21,
    1e-7,
    0.001,
    0.01,
    1_764_300_000_123.456,
    4_398_046_511_103.999,
    0.1 + 0.2,
    999_999_999,
    1e9,
    1_000_000_001,
    1_999_999_999_999,
    2 ** 53 - 1,
    2 ** 53,
    1e15,
  ),
)
const exchange: fc.Arbitrary<RecordedExchange> = fc.record(
  {
    startedAt: number,
    durationMs: number,
    waitMs: fc.option(number, { nil: undefined }),
    request: fc.record(
      { method: text, url: text, version: text, headers, body: fc.constant(new Uint8Array(0)), trailers: headers },
      { requiredKeys: ['method', 'url', 'version', 'headers', 'body'] },
    ),
    response: fc.record(
      { status: number, reason: text, version: text, headers, body: fc.constant(new Uint8Array(0)), trailers: headers },
      { requiredKeys: ['status', 'reason', 'version', 'headers', 'body'] },
    ),
    truncated: fc.option(
      fc.record({ request: fc.option(number, { nil: undefined }), response: fc.option(number, { nil: undefined }) }),
      { nil: undefined },
    ),
    incomplete: fc.option(
      fc.record({
        request: fc.option(fc.option(number, { nil: null }), { nil: undefined }),
        response: fc.option(fc.option(number, { nil: null }), { nil: undefined }),
      }),
      { nil: undefined },
    ),
    generated: fc.option(fc.record({ cause: text, message: text }), { nil: undefined }),
    tags: fc.option(fc.array(text, { maxLength: 3 }), { nil: undefined }),
    note: fc.option(text, { nil: undefined }),
  },
  { requiredKeys: ['startedAt', 'durationMs', 'request', 'response'] },
)

/** The head object FORMAT.md describes, as JSON.stringify would write it. */
function reference(x: RecordedExchange): string {
  return JSON.stringify({
    v: 1,
    startedAt: x.startedAt,
    durationMs: x.durationMs,
    ...(x.waitMs !== undefined ? { waitMs: x.waitMs } : {}),
    request: {
      method: x.request.method,
      url: x.request.url,
      version: x.request.version,
      headers: x.request.headers,
      ...(x.request.trailers && x.request.trailers.length > 0 ? { trailers: x.request.trailers } : {}),
    },
    response: {
      status: x.response.status,
      reason: x.response.reason,
      version: x.response.version,
      headers: x.response.headers,
      ...(x.response.trailers && x.response.trailers.length > 0 ? { trailers: x.response.trailers } : {}),
    },
    ...(x.truncated ? { truncated: { request: x.truncated.request, response: x.truncated.response } } : {}),
    ...(x.incomplete ? { incomplete: { request: x.incomplete.request, response: x.incomplete.response } } : {}),
    ...(x.generated ? { generated: { cause: x.generated.cause, message: x.generated.message } } : {}),
    ...(x.tags && x.tags.length > 0 ? { tags: x.tags } : {}),
    ...(x.note !== undefined ? { note: x.note } : {}),
  })
}

test('the hand-written record header is exactly the JSON.stringify text of the head, for any strings and numbers', () => {
  fc.assert(
    fc.property(exchange, (x) => {
      assert.equal(headJson(x), reference(x))
    }),
    { numRuns: 2000 },
  )
})

test('the header JSON written into a buffer too small for it says so (-1), always fits in maxHeadBytes, and never writes past the buffer', () => {
  fc.assert(
    fc.property(exchange, fc.nat({ max: 2500 }), (x, size) => {
      const whole = Buffer.byteLength(reference(x))
      const buf = Buffer.alloc(size + 16, 0xee)
      const out = buf.subarray(8, 8 + size)
      const end = writeHead(x, out, 0, out.byteLength)
      if (end === -1)
        assert.ok(
          whole > size || size < maxHeadBytes(x),
          `-1 only when it does not fit, or might not (${whole} of ${size} bytes)`,
        )
      else assert.equal(out.toString('utf8', 0, end), reference(x))
      if (size >= maxHeadBytes(x)) assert.notEqual(end, -1, 'it fits in maxHeadBytes')
      assert.deepEqual(
        [...buf.subarray(0, 8), ...buf.subarray(8 + size)],
        Array(16).fill(0xee),
        'nothing outside the buffer given',
      )
    }),
    { numRuns: 1000 },
  )
})

test('a frame line has the lengths in decimal and the checksum in hex, and is as long as frameLineBytes says, for any lengths up to 2^53', () => {
  const length = fc.oneof(fc.nat(), fc.maxSafeNat(), fc.constantFrom(0, 9, 10, 999_999_999, 1e9, 2 ** 53 - 1))
  fc.assert(
    fc.property(length, length, length, fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }), (j, q, s, crc) => {
      const out = Buffer.alloc(100)
      const end = writeFrameLine(out, 3, j, q, s, crc)
      assert.equal(out.toString('latin1', 3, end), `NSR1 ${j} ${q} ${s} ${(crc >>> 0).toString(16).padStart(8, '0')}\n`)
      assert.equal(end - 3, frameLineBytes(j, q, s))
    }),
  )
})
