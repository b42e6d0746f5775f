import { test } from 'node:test'
import assert from 'node:assert/strict'
import { gzipSync } from 'node:zlib'
import { searchExchanges } from '../../electron/capture/exchange-search.ts'
import { CaptureHub } from '../../electron/capture/capture-hub.ts'
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
  // Room for every body (the default byte bound would drop most of them), so all 100,000 are searched.
  const hub = new CaptureHub({ maxExchanges: 100_000, maxTotalBodyBytes: 512 * 2 ** 20 })
  const filler = Buffer.alloc(2048, 'lorem ipsum dolor sit amet ')
  for (let n = 1; n <= 100_000; n++) {
    hub.exchangeCompleted(
      record(n, { responseBody: body(n === 77_777 ? Buffer.concat([filler, Buffer.from('the Needle')]) : filler) }),
    )
  }
  const records = hub.store.storedRecords()
  // Work between yields is measured in CPU time, which a busy shared machine's preemption does not inflate.
  const cpuMs = () => {
    const u = process.cpuUsage()
    return (u.user + u.system) / 1000
  }
  let sliceStart = cpuMs()
  const slices: number[] = []
  const yieldTo = async () => {
    slices.push(cpuMs() - sliceStart)
    await new Promise((resolve) => setImmediate(resolve))
    sliceStart = cpuMs()
  }
  // The search looks at the clock every 16 records, so a slice may run that long past its 8 ms. What 16 records
  // cost is measured here rather than assumed: where every statement is instrumented (a coverage or mutation run)
  // they cost tens of milliseconds, and a fixed bound would fail a search that yields as it should.
  const sample = cpuMs()
  await searchExchanges(records.slice(0, 1600), [{ kind: 'body', text: 'needle' }], {
    sliceMs: Number.POSITIVE_INFINITY,
  })
  const sixteenRecords = (cpuMs() - sample) / 100
  const bound = 30 + 2 * sixteenRecords
  sliceStart = cpuMs()
  const { matches, searched } = await searchExchanges(records, [{ kind: 'body', text: 'needle' }], { yieldTo })
  slices.push(cpuMs() - sliceStart)
  assert.equal(searched, 100_000)
  assert.deepEqual(matches, [['x77777']])
  assert.ok(slices.length >= 5, `it yielded ${slices.length - 1} times`)
  const sorted = [...slices].sort((a, b) => a - b)
  // The process's CPU time counts the garbage collector's helper threads too, so one slice may be stretched by a
  // collection running beside it; every other slice must be short (a search that does not yield has one slice).
  const allButLongest = sorted.at(-2)!
  assert.ok(
    allButLongest < bound,
    `all slices of work but one take under ${bound.toFixed(1)} ms of CPU, not ${allButLongest.toFixed(1)} (longest ${sorted.at(-1)!.toFixed(1)}, ${slices.length} slices)`,
  )
})
