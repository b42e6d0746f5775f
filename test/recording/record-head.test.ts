import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { headJson } from '../../electron/recording/record-log.ts'
import type { RecordedExchange } from '../../electron/recording/recorded-exchange.ts'

// Any text at all: control characters, quotes, backslashes, astral characters and lone surrogates.
const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), fc.string({ unit: 'grapheme', maxLength: 10 }), fc.constantFrom('"', '\\', '\n', '\u2028', '\ud800', 'a\udc00b', '😀'))
const headers = fc.array(fc.tuple(text, text), { maxLength: 6 })
// Times as recorded: milliseconds to the microsecond, from durations to epoch times (and past the fast path's range).
const thousandths = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }).map((i) => i / 1000)
const number = fc.oneof(fc.double(), fc.integer(), thousandths, fc.constantFrom(-0, 1_717_171_717_171, 12.5, 1e21, 1e-7, 0.001, 0.01, 1_764_300_000_123.456, 4_398_046_511_103.999, 0.1 + 0.2))
const exchange: fc.Arbitrary<RecordedExchange> = fc.record({
  startedAt: number,
  durationMs: number,
  waitMs: fc.option(number, { nil: undefined }),
  request: fc.record({ method: text, url: text, version: text, headers, body: fc.constant(new Uint8Array(0)) }),
  response: fc.record({ status: number, reason: text, version: text, headers, body: fc.constant(new Uint8Array(0)) }),
  truncated: fc.option(fc.record({ request: fc.option(number, { nil: undefined }), response: fc.option(number, { nil: undefined }) }), { nil: undefined }),
  tags: fc.option(fc.array(text, { maxLength: 3 }), { nil: undefined }),
  note: fc.option(text, { nil: undefined }),
}, { requiredKeys: ['startedAt', 'durationMs', 'request', 'response'] })

/** The head object FORMAT.md describes, as JSON.stringify would write it. */
function reference(x: RecordedExchange): string {
  return JSON.stringify({
    v: 1,
    startedAt: x.startedAt,
    durationMs: x.durationMs,
    ...(x.waitMs !== undefined ? { waitMs: x.waitMs } : {}),
    request: { method: x.request.method, url: x.request.url, version: x.request.version, headers: x.request.headers },
    response: { status: x.response.status, reason: x.response.reason, version: x.response.version, headers: x.response.headers },
    ...(x.truncated ? { truncated: { request: x.truncated.request, response: x.truncated.response } } : {}),
    ...(x.tags && x.tags.length > 0 ? { tags: x.tags } : {}),
    ...(x.note !== undefined ? { note: x.note } : {}),
  })
}

test('the hand-written record header is exactly the JSON.stringify text of the head, for any strings and numbers', () => {
  fc.assert(fc.property(exchange, (x) => {
    assert.equal(headJson(x), reference(x))
  }), { numRuns: 2000 })
})
