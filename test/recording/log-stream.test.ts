import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { decodeLog, encodeRecord } from '../../electron/recording/record-log.ts'
import { decodeLogStream } from '../../electron/recording/log-stream.ts'
import type { RecordedExchange } from '../../electron/recording/recorded-exchange.ts'
import { exchange } from './support.ts'

const arbitraryExchange: fc.Arbitrary<RecordedExchange> = fc
  .record({
    method: fc.constantFrom('GET', 'POST', 'PUT'),
    path: fc.stringMatching(/^\/[a-z0-9/]{0,20}$/),
    requestBody: fc.uint8Array({ maxLength: 300 }),
    responseBody: fc.uint8Array({ maxLength: 3000 }),
  })
  .map((o) =>
    exchange({
      method: o.method,
      url: `http://h.test${o.path}`,
      requestBody: o.requestBody,
      responseBody: o.responseBody,
    }),
  )

/** What a reader makes of a log: the records (as hex of their encoding), and the torn tail or the error. */
type Outcome = { records: string[]; torn?: { offset: number; bytes: number }; error?: string }

function decodedWhole(log: Buffer): Outcome {
  try {
    const d = decodeLog(log, 'x.log')
    return {
      records: d.records.map((r) => encodeRecord(r).toString('hex')),
      ...(d.torn ? { torn: { offset: d.torn.offset, bytes: d.torn.bytes } } : {}),
    }
  } catch (error) {
    return { records: [], error: (error as Error).message }
  }
}

async function decodedStreaming(log: Buffer, sizes: number[]): Promise<Outcome> {
  async function* chunks(): AsyncGenerator<Uint8Array> {
    let at = 0
    for (let i = 0; at < log.byteLength; i++) {
      const n = sizes[i % sizes.length]!
      yield log.subarray(at, at + n)
      at += n
    }
  }
  const stream = decodeLogStream(chunks(), 'x.log')
  const records: string[] = []
  try {
    for await (const r of stream) records.push(encodeRecord(r).toString('hex'))
  } catch (error) {
    return { records: [], error: (error as Error).message }
  }
  const t = stream.torn
  return { records, ...(t ? { torn: { offset: t.offset, bytes: t.bytes } } : {}) }
}

test('a log read as a stream in chunks of any size gives the records, torn tail or error that reading it whole gives', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(arbitraryExchange, { maxLength: 5 }),
      fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 6 }),
      fc.option(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true })),
      fc.option(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true })),
      async (xs, sizes, cutAt, flipAt) => {
        let log = Buffer.concat(xs.map(encodeRecord))
        if (cutAt !== null) log = log.subarray(0, Math.floor(cutAt * log.byteLength))
        if (flipAt !== null && log.byteLength > 0) {
          log = Buffer.from(log)
          const at = Math.floor(flipAt * log.byteLength)
          log[at] = log[at]! ^ 0x5a
        }
        assert.deepEqual(await decodedStreaming(log, sizes), decodedWhole(log))
      },
    ),
    { numRuns: 300 },
  )
})

test('a streamed log yields its first record before the rest of the bytes have arrived', async () => {
  const parts = [exchange({ url: 'http://h.test/first' }), exchange({ url: 'http://h.test/second' })].map(encodeRecord)
  let released: () => void = () => {}
  const gate = new Promise<void>((resolve) => {
    released = resolve
  })
  let secondSent = false
  async function* chunks(): AsyncGenerator<Uint8Array> {
    yield parts[0]!
    await gate
    secondSent = true
    yield parts[1]!
  }
  const it = decodeLogStream(chunks(), 'x.log')[Symbol.asyncIterator]()
  const first = await it.next()
  assert.equal(first.done, false)
  assert.equal(first.value?.request.url, 'http://h.test/first')
  assert.equal(secondSent, false)
  released()
  assert.equal((await it.next()).value?.request.url, 'http://h.test/second')
  assert.equal((await it.next()).done, true)
})
