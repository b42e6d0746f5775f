import { test } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib'
import { MAX_DECODED_BYTES, searchExchanges } from '../../electron/capture/exchange-search.ts'
import type { CapturedExchange, StoredBody } from '../../electron/capture/captured-exchange.ts'
import type { ContentSearchTerm } from '../../shared/exchange.ts'
import type { Headers } from '../../electron/core/message.ts'
import { makeRecord } from './fixtures.ts'

const body = (bytes: string | Uint8Array): StoredBody => {
  const b = typeof bytes === 'string' ? Buffer.from(bytes) : bytes
  return { bytes: b, size: b.byteLength, truncated: false }
}

const withResponse = (n: number, bytes: string | Uint8Array, headers: Headers = []): CapturedExchange => ({
  ...makeRecord(n),
  responseHeaders: headers,
  responseBody: body(bytes),
})

async function matching(records: CapturedExchange[], ...terms: ContentSearchTerm[]): Promise<string[][]> {
  return (await searchExchanges(records, terms)).matches
}

const text = (t: string): ContentSearchTerm => ({ kind: 'body', text: t })

// First in this file: the folding buffer is shared and only grows, so later tests would have grown it already.
test('a body much larger than the folding buffer is searched to its end, ignoring case', async () => {
  const big = Buffer.concat([Buffer.alloc(200 * 1024, 'a'), Buffer.from('The END')])
  const records = [withResponse(1, big), withResponse(2, 'the end')]
  assert.deepEqual(await matching(records, text('the end')), [['x1', 'x2']])
})

test('a body term finds a request body as well as a response body', async () => {
  const records = [{ ...makeRecord(1), requestBody: body('user=Alice') }, withResponse(2, 'user=bob')]
  assert.deepEqual(await matching(records, text('ALICE'), text('user=')), [['x1'], ['x1', 'x2']])
})

test('bodies are decoded as their content coding says, whatever its case and spacing: gzip, x-gzip, deflate and br', async () => {
  const plain = 'the Needle in the haystack'
  const records = [
    withResponse(1, gzipSync(plain), [['Content-Encoding', ' GZIP ']]),
    withResponse(2, gzipSync(plain), [['content-encoding', 'x-gzip']]),
    withResponse(3, deflateSync(plain), [['Content-Encoding', 'deflate']]),
    withResponse(4, brotliCompressSync(plain), [['Content-Encoding', 'br']]),
    withResponse(5, gzipSync(plain), [['Content-Encoding', 'identity']]),
    { ...makeRecord(6), requestHeaders: [['Content-Encoding', 'gzip']] as Headers, requestBody: body(gzipSync(plain)) },
  ]
  assert.deepEqual(await matching(records, text('needle')), [['x1', 'x2', 'x3', 'x4', 'x6']])
})

test('a body that is not what its content coding says is searched as it was stored', async () => {
  const records = [withResponse(1, 'plain text, not gzip', [['Content-Encoding', 'gzip']])]
  assert.deepEqual(await matching(records, text('not gzip')), [['x1']])
})

test('a compressed body cut short by the capture cap is searched as far as it decodes', async () => {
  const plain = `start marker ${randomBytes(4000).toString('hex')} end marker`
  const cut = gzipSync(plain).subarray(0, 200)
  const records = [withResponse(1, cut, [['Content-Encoding', 'gzip']])]
  assert.deepEqual(await matching(records, text('start marker'), text('end marker')), [['x1'], []])
})

test('a compressed body that decodes to more than the limit is searched as it was stored', async () => {
  assert.equal(MAX_DECODED_BYTES, 8 * 1024 * 1024)
  const huge = gzipSync(Buffer.alloc(MAX_DECODED_BYTES + 1, 'z'))
  const fits = gzipSync(Buffer.alloc(MAX_DECODED_BYTES, 'y'))
  const records = [
    withResponse(1, huge, [['Content-Encoding', 'gzip']]),
    withResponse(2, fits, [['Content-Encoding', 'gzip']]),
  ]
  assert.deepEqual(await matching(records, text('zzzz'), text('yyyy')), [[], ['x2']])
})

test('only ASCII letters are matched ignoring case: every letter from A to Z, and nothing beside them', async () => {
  const records = [
    withResponse(1, 'AZ'),
    withResponse(2, 'X@'),
    withResponse(3, 'X['),
    withResponse(4, 'caf\u00c9'),
    withResponse(5, 'abc'),
  ]
  assert.deepEqual(await matching(records, text('az'), text('x`'), text('x{'), text('café'), text('ABC')), [
    ['x1'],
    [],
    [],
    [],
    ['x5'],
  ])
})

test('a term with no letters is matched exactly, and an empty body matches nothing', async () => {
  const records = [withResponse(1, '12-34'), withResponse(2, ''), { ...makeRecord(3), requestBody: body('') }]
  assert.deepEqual(await matching(records, text('2-3'), text('-')), [['x1'], ['x1']])
})

test('a header term with a value matches only a header of that name whose value contains it, in either list', async () => {
  const records = [
    { ...makeRecord(1), requestHeaders: [['Accept', 'text/HTML']] as Headers },
    withResponse(2, '', [['X-Accept', 'text/html']]),
    withResponse(3, '', [['ACCEPT', 'application/json']]),
  ]
  assert.deepEqual(
    await matching(
      records,
      { kind: 'header', name: 'accept', value: 'html' },
      { kind: 'header', name: 'Accept' },
      { kind: 'header', name: 'accept', value: '' },
    ),
    [['x1'], ['x1', 'x3'], ['x1', 'x3']],
  )
})

test("each record's bodies are read and decoded once, however many body terms ask, and not at all for header terms", async () => {
  let reads = 0
  const record = {
    ...makeRecord(1),
    get responseBody() {
      reads++
      return body('needle')
    },
    get requestBody() {
      reads++
      return body('pin')
    },
  } as CapturedExchange
  await matching([record], { kind: 'header', name: 'host' })
  assert.equal(reads, 0)
  assert.deepEqual(await matching([record], text('needle'), text('NEEDLE'), text('pin'), text('nothing')), [
    ['x1'],
    ['x1'],
    ['x1'],
    [],
  ])
  assert.equal(reads, 2)
})

test('a search yields to the event loop only after 16 records, and then only once its slice of time has run out', async () => {
  const records = Array.from({ length: 64 }, (_, i) => withResponse(i + 1, 'x'))
  let yields = 0
  const yieldTo = async () => {
    yields++
  }
  await searchExchanges(records, [text('x')], { sliceMs: -1, yieldTo })
  assert.equal(yields, 4, 'a slice already over yields at each 16th record')
  yields = 0
  await searchExchanges(records, [text('x')], { sliceMs: 60_000, yieldTo })
  assert.equal(yields, 0)
  const result = await searchExchanges(records.slice(0, 20), [text('x')], { sliceMs: -1 })
  assert.equal(result.searched, 20, 'the default yield lets the search go on')
})

test('each slice of a search is timed from its last yield, not from the start', async () => {
  const busy = (ms: number) => {
    const until = performance.now() + ms
    while (performance.now() < until) {}
  }
  const records = Array.from({ length: 64 }, (_, i) =>
    Object.defineProperty(withResponse(i + 1, 'x'), 'requestBody', {
      get() {
        if (i < 16) busy(4)
        return null
      },
    }),
  )
  let yields = 0
  await searchExchanges(records, [text('x')], {
    sliceMs: 50,
    yieldTo: async () => {
      yields++
    },
  })
  assert.equal(yields, 1, 'the slow first 16 records fill a slice; the 48 quick ones after it do not')
})

test('a body that decodes to nothing matches no term, not even an empty one, where any other body does', async () => {
  const records = [withResponse(1, gzipSync(''), [['Content-Encoding', 'gzip']]), withResponse(2, 'x')]
  assert.deepEqual(await matching(records, text('')), [['x2']])
})
