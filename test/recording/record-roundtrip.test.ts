// The recording format (FORMAT.md) as a property: any exchange written as records reads back as it was, field for
// field, bodies byte for byte; and the query a stand-in matches on is the same whatever order its fields came in.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { decodeLog, encodeRecord } from '../../electron/recording/record-log.ts'
import { parseQuery } from '../../electron/recording/match.ts'
import type { RecordedExchange } from '../../electron/recording/recorded-exchange.ts'

// Well-formed text: JSON keeps every string that has no lone surrogate.
const text = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc.constantFrom('"', '\\', '\n', 'é'),
)
const field = fc.tuple(fc.string({ minLength: 1, maxLength: 12 }), text)
const headers = fc.array(field, { maxLength: 4 })
const bytes = fc.uint8Array({ maxLength: 64 })
const ms = fc.oneof(
  fc.nat(),
  fc.integer({ min: 0, max: 10 ** 9 }).map((i) => i / 1000),
)

const exchange: fc.Arbitrary<RecordedExchange> = fc.record(
  {
    startedAt: fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }),
    durationMs: ms,
    waitMs: ms,
    request: fc.record(
      {
        method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'),
        url: fc.webUrl({ withQueryParameters: true }),
        version: fc.constantFrom('1.1', '1.0', '2'),
        headers,
        body: bytes,
        trailers: fc.array(field, { minLength: 1, maxLength: 2 }),
      },
      { requiredKeys: ['method', 'url', 'version', 'headers', 'body'], noNullPrototype: true },
    ),
    response: fc.record(
      {
        status: fc.integer({ min: 100, max: 599 }),
        reason: text,
        version: fc.constantFrom('1.1', '2'),
        headers,
        body: bytes,
        trailers: fc.array(field, { minLength: 1, maxLength: 2 }),
      },
      { requiredKeys: ['status', 'reason', 'version', 'headers', 'body'], noNullPrototype: true },
    ),
    truncated: fc.record({ request: fc.nat(), response: fc.nat() }, { requiredKeys: [], noNullPrototype: true }),
    incomplete: fc.record(
      { request: fc.option(fc.nat(), { nil: null }), response: fc.option(fc.nat(), { nil: null }) },
      { requiredKeys: [], noNullPrototype: true },
    ),
    generated: fc.record(
      { cause: fc.constantFrom('refused', 'timeout', 'reset'), message: text },
      { noNullPrototype: true },
    ),
    tags: fc.array(fc.constantFrom('chaos', 'replayed', 'recorded', 'websocket'), { minLength: 1, maxLength: 3 }),
    note: text,
  },
  { requiredKeys: ['startedAt', 'durationMs', 'request', 'response'], noNullPrototype: true },
)

/** Bodies as plain byte arrays, so a Buffer read back compares equal to the Uint8Array written. */
const plain = (x: RecordedExchange) => ({
  ...x,
  request: { ...x.request, body: [...x.request.body] },
  response: { ...x.response, body: [...x.response.body] },
})

test('any exchanges written as records read back as they were, tags, note, truncation and all, bodies byte for byte', () => {
  fc.assert(
    fc.property(fc.array(exchange, { minLength: 1, maxLength: 3 }), (xs) => {
      const log = decodeLog(Buffer.concat(xs.map(encodeRecord)), 'exchanges.log')
      assert.equal(log.torn, undefined)
      assert.deepEqual(log.records.map(plain), xs.map(plain))
    }),
    { numRuns: 300 },
  )
})

test('a query parses to the same sorted fields whatever order they came in, a repeated name sorted by value', () => {
  assert.deepEqual(parseQuery('b=1&a=2&a=1'), [
    ['a', '1'],
    ['a', '2'],
    ['b', '1'],
  ])
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.constantFrom('a', 'b', 'q'), fc.constantFrom('1', '2', 'x y', '')), { maxLength: 6 }),
      (pairs) => {
        const query = (ps: Array<[string, string]>) => ps.map(([n, v]) => `${n}=${encodeURIComponent(v)}`).join('&')
        assert.deepEqual(parseQuery(query(pairs)), parseQuery(query([...pairs].reverse())))
      },
    ),
  )
})
