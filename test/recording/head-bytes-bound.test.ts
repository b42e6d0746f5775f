// maxHeadBytes is the bound the log appender sizes a fresh slab by: a record header made only of characters JSON
// writes as six-byte escapes (the worst case) must still fit in it, or the record cannot be written.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { headJson, maxHeadBytes, writeHead } from '../../electron/recording/head-bytes.ts'
import type { RecordedExchange } from '../../electron/recording/recorded-exchange.ts'

const escaped = (n: number) => '\u0001'.repeat(n)

type List = 'requestHeaders' | 'requestTrailers' | 'responseHeaders' | 'responseTrailers' | 'tags'
const LISTS: readonly List[] = ['requestHeaders', 'requestTrailers', 'responseHeaders', 'responseTrailers', 'tags']

/** Every string of the record is `n` characters JSON escapes as \u0001; `many` entries in each list of `lists`, one in the others. */
function worstCase(n: number, many: number, lists: readonly List[]): RecordedExchange {
  const count = (list: List) => (lists.includes(list) ? many : 1)
  const fields = (list: List) => Array.from({ length: count(list) }, (): [string, string] => [escaped(n), escaped(n)])
  return {
    startedAt: 1_700_000_000_000.125,
    durationMs: 12.5,
    waitMs: 3.25,
    request: {
      method: escaped(n),
      url: escaped(n),
      version: escaped(n),
      headers: fields('requestHeaders'),
      trailers: fields('requestTrailers'),
      body: Buffer.alloc(0),
    },
    response: {
      status: 200,
      reason: escaped(n),
      version: escaped(n),
      headers: fields('responseHeaders'),
      trailers: fields('responseTrailers'),
      body: Buffer.alloc(0),
    },
    generated: { cause: escaped(n), message: escaped(n) },
    tags: Array.from({ length: count('tags') }, () => escaped(n)),
    note: escaped(n),
  }
}

test('a record header of nothing but six-byte escapes fits in maxHeadBytes, for long strings and for many short or empty ones in any list', () => {
  const cases: Array<[number, number, readonly List[]]> = [
    [2000, 3, LISTS],
    ...LISTS.flatMap(
      (list): Array<[number, number, readonly List[]]> => [
        [0, 400, [list]],
        [3, 400, [list]],
      ],
    ),
  ]
  for (const [n, many, lists] of cases) {
    const x = worstCase(n, many, lists)
    const max = maxHeadBytes(x)
    const out = Buffer.alloc(max)
    const end = writeHead(x, out, 0, max)
    assert.notEqual(end, -1, `${many} entries of ${n} escapes in ${lists.join(', ')} fit in ${max} bytes`)
    const head = JSON.parse(out.toString('utf8', 0, end)) as { tags: string[]; response: { headers: unknown } }
    assert.deepEqual(head.response.headers, x.response.headers)
    assert.deepEqual(head.tags, x.tags)
    assert.equal(headJson(x), out.toString('utf8', 0, end))
  }
})
