import { test } from 'node:test'
import assert from 'node:assert/strict'
import { gzipSync } from 'node:zlib'
import { searchExchanges } from '../../electron/capture/exchange-search.ts'
import type { CapturedExchange } from '../../electron/capture/captured-exchange.ts'
import { makeRecord } from './fixtures.ts'

const body = (text: string | Uint8Array) => {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text
  return { bytes, size: bytes.byteLength, truncated: false }
}

function record(n: number, over: Partial<CapturedExchange>): CapturedExchange {
  return { ...makeRecord(n), ...over }
}

const records = [
  record(1, {
    requestHeaders: [
      ['Host', 'h'],
      ['X-Request-Id', 'abc-123'],
    ],
    responseBody: body('{"status":"Ready"}'),
  }),
  record(2, {
    responseHeaders: [
      ['x-request-id', 'ABC-999'],
      ['Content-Encoding', 'gzip'],
    ],
    responseBody: body(gzipSync('an Error happened deep inside')),
  }),
  record(3, { requestBody: body('order=some text&x=1'), responseHeaders: [['Content-Type', 'text/plain']] }),
  record(4, {}),
]

test('header terms match a header by name, or by name and a value it contains, in the request or the response, ignoring case', async () => {
  const { matches } = await searchExchanges(records, [
    { kind: 'header', name: 'x-request-id' },
    { kind: 'header', name: 'X-REQUEST-ID', value: 'abc-1' },
    { kind: 'header', name: 'content-type', value: 'text' },
  ])
  assert.deepEqual(matches, [['x1', 'x2'], ['x1'], ['x3']])
})

test('body terms match the request or response body as shown (gzip decoded), ignoring case', async () => {
  const { matches, searched } = await searchExchanges(records, [
    { kind: 'body', text: 'error happened' },
    { kind: 'body', text: 'some text' },
    { kind: 'body', text: 'READY' },
    { kind: 'body', text: 'absent' },
  ])
  assert.deepEqual(matches, [['x2'], ['x3'], ['x1'], []])
  assert.equal(searched, 4)
})

test('searching the bodies of 100,000 stored exchanges yields to the event loop after every few milliseconds of work', async () => {
  // Plain records, not ones taken through the hub and store: this test is about the search, and every mutant of the
  // store's code would otherwise run it. Each one counts the reads of its request body (once per record per
  // search), so each slice's records are counted.
  const filler = Buffer.alloc(256, 'lorem ipsum dolor sit amet ')
  let seen = 0
  const records = Array.from({ length: 100_000 }, (_, i) => {
    const n = i + 1
    const r = record(n, {
      responseBody: body(n === 77_777 ? Buffer.concat([filler, Buffer.from('the Needle')]) : filler),
    })
    return Object.defineProperty(r, 'requestBody', {
      get() {
        seen++
        return null
      },
    })
  })
  // Work is measured in CPU time, which a busy shared machine's preemption does not inflate.
  const cpuMs = () => {
    const u = process.cpuUsage()
    return (u.user + u.system) / 1000
  }
  const perSlice: number[] = []
  let sliceFrom = 0
  const yieldTo = async () => {
    perSlice.push(seen - sliceFrom)
    await new Promise((resolve) => setImmediate(resolve))
    sliceFrom = seen
  }
  const started = cpuMs()
  const { matches, searched } = await searchExchanges(records, [{ kind: 'body', text: 'needle' }], { yieldTo })
  const perRecord = (cpuMs() - started) / 100_000
  perSlice.push(seen - sliceFrom)
  assert.equal(searched, 100_000)
  assert.equal(seen, 100_000)
  assert.deepEqual(matches, [['x77777']])
  assert.ok(perSlice.length >= 5, `it yielded ${perSlice.length - 1} times`)
  // A slice is 8 ms of work, looked at every 16 records. How many records that is depends on the machine, its load
  // and the JIT (and is tens of times fewer where every statement is instrumented, as in a mutation run), so the
  // bound is structural, not timed: 100,000 records take far more than four slices' work anywhere this runs (at
  // least ~50 ms), so no slice may hold a quarter of them. (A bound worked out from the average CPU time per record
  // failed once in CI: warm records go several times faster than the average.)
  const most = Math.max(...perSlice)
  assert.ok(
    most <= 25_000,
    `no slice searches a quarter of the records: the largest searched ${most} (${perSlice.length} slices, ${(perRecord * 1000).toFixed(1)} µs a record)`,
  )
  assert.ok(
    perSlice.slice(0, -1).every((n) => n % 16 === 0),
    'a search yields only after a multiple of 16 records',
  )
})
