import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { appendFile, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { checksum, decodeLog, encodeRecord, SessionError } from '../../electron/recording/record-log.ts'
import { createSession, LOG_FILE, MANIFEST_FILE, openSession } from '../../electron/recording/session-store.ts'
import type { RecordedExchange } from '../../electron/recording/recorded-exchange.ts'
import { exchange, tempDir } from './support.ts'

const headerName = fc.stringMatching(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,20}$/)
const headers = fc
  .array(fc.tuple(headerName, fc.string({ unit: 'binary', maxLength: 40 })), { maxLength: 8 })
  .chain((hs) =>
    fc.constantFrom(hs, [...hs, ...hs.slice(0, 2).map(([n, v]) => [n.toUpperCase(), v] as [string, string])]),
  )
const arbitraryExchange: fc.Arbitrary<RecordedExchange> = fc.record({
  startedAt: fc.integer({ min: 0, max: 4_102_444_800_000 }),
  durationMs: fc.double({ min: 0, max: 1e6, noNaN: true }),
  request: fc.record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'QUERY'),
    url: fc.webUrl({ withQueryParameters: true }),
    version: fc.constantFrom('1.0', '1.1', '2.0'),
    headers,
    body: fc.uint8Array({ maxLength: 2048 }),
  }),
  response: fc.record({
    status: fc.integer({ min: 100, max: 999 }),
    reason: fc.string({ maxLength: 20 }),
    version: fc.constantFrom('1.1', '2.0'),
    headers,
    body: fc.uint8Array({ maxLength: 4096 }),
  }),
})

const plain = (x: RecordedExchange) => ({
  ...x,
  request: {
    ...x.request,
    headers: x.request.headers.map((h) => [...h]),
    body: Buffer.from(x.request.body).toString('hex'),
  },
  response: {
    ...x.response,
    headers: x.response.headers.map((h) => [...h]),
    body: Buffer.from(x.response.body).toString('hex'),
  },
})

test('any sequence of exchanges survives the record format byte for byte (headers keep order, case and duplicates)', () => {
  fc.assert(
    fc.property(fc.array(arbitraryExchange, { maxLength: 6 }), (xs) => {
      const log = Buffer.concat(xs.map(encodeRecord))
      const decoded = decodeLog(log, 'exchanges.log')
      assert.equal(decoded.torn, undefined)
      assert.equal(decoded.validEnd, log.byteLength)
      assert.deepEqual(decoded.records.map(plain), xs.map(plain))
    }),
    { numRuns: 150 },
  )
})

test('a log cut at any byte inside its last record recovers every earlier record and reports the torn one', () => {
  fc.assert(
    fc.property(
      fc.array(arbitraryExchange, { minLength: 1, maxLength: 4 }),
      fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
      (xs, where) => {
        const parts = xs.map(encodeRecord)
        const whole = Buffer.concat(parts)
        const lastStart = whole.byteLength - parts[parts.length - 1]!.byteLength
        const cut = lastStart + Math.floor(where * parts[parts.length - 1]!.byteLength)
        const decoded = decodeLog(whole.subarray(0, cut), 'exchanges.log')
        assert.equal(decoded.records.length, xs.length - 1)
        if (cut > lastStart) {
          assert.equal(decoded.torn?.offset, lastStart)
          assert.equal(decoded.torn?.bytes, cut - lastStart)
        } else assert.equal(decoded.torn, undefined)
      },
    ),
    { numRuns: 150 },
  )
})

test('a corrupted record before the last one is an error naming the file and its byte offset', () => {
  const parts = [
    exchange({ responseBody: 'one' }),
    exchange({ responseBody: 'two' }),
    exchange({ responseBody: 'three' }),
  ].map(encodeRecord)
  const log = Buffer.concat(parts)
  const second = parts[0]!.byteLength
  const flipped = Buffer.from(log)
  const at = second + parts[1]!.byteLength - 3 // a body byte of the second record
  flipped[at] = flipped[at]! ^ 0xff
  assert.throws(
    () => decodeLog(flipped, '/s/exchanges.log'),
    (e: unknown) => {
      assert.ok(e instanceof SessionError)
      assert.equal(e.offset, second)
      assert.match(e.message, new RegExp(`^/s/exchanges.log at byte ${second}: checksum mismatch`))
      return true
    },
  )
  const garbage = Buffer.concat([parts[0]!, Buffer.from('garbage\n'), parts[1]!])
  assert.throws(() => decodeLog(garbage, 'x.log'), /x\.log at byte \d+: expected a record frame line/)
})

test('a session whose last record was torn opens with everything before it, and a writer reopening it cuts the tail and carries on', async () => {
  const t = await tempDir()
  try {
    const writer = await createSession(t.dir, { name: 'torn' })
    await writer.append(exchange({ responseBody: 'a' }))
    await writer.append(exchange({ responseBody: 'b' }))
    await writer.close()
    const partial = encodeRecord(exchange({ responseBody: Buffer.alloc(5000, 7) })).subarray(0, 1234)
    const before = (await readFile(join(t.dir, LOG_FILE))).byteLength
    await appendFile(join(t.dir, LOG_FILE), partial)
    const session = await openSession(t.dir)
    assert.equal(session.records.length, 2)
    assert.deepEqual(session.torn && { offset: session.torn.offset, bytes: session.torn.bytes }, {
      offset: before,
      bytes: 1234,
    })
    const again = await createSession(t.dir)
    assert.equal(again.torn?.offset, before)
    await again.append(exchange({ responseBody: 'c' }))
    const info = await again.close()
    assert.equal(info.count, 3)
    const reopened = await openSession(t.dir)
    assert.equal(reopened.torn, undefined)
    assert.deepEqual(
      reopened.records.map((r) => Buffer.from(r.response.body).toString()),
      ['a', 'b', 'c'],
    )
  } finally {
    await t.remove()
  }
})

test('a directory that is not a session, and a damaged manifest, are errors naming the file', async () => {
  const t = await tempDir()
  try {
    await assert.rejects(
      openSession(t.dir),
      new RegExp(`${MANIFEST_FILE} at byte 0: does not exist, so this directory is not a Nanoscope session`),
    )
    await writeFile(join(t.dir, MANIFEST_FILE), '{"format": "nanoscope-session", "version": 1,,}')
    await assert.rejects(
      openSession(t.dir),
      (e: unknown) =>
        e instanceof SessionError && e.file.endsWith(MANIFEST_FILE) && /at byte \d+: not valid JSON/.test(e.message),
    )
    await writeFile(join(t.dir, 'other.txt'), 'x')
    const empty = await tempDir()
    try {
      await writeFile(join(empty.dir, 'other.txt'), 'x')
      await assert.rejects(createSession(empty.dir), /directory is not empty/)
    } finally {
      await empty.remove()
    }
  } finally {
    await t.remove()
  }
})

test('a session damaged in the middle of its log fails to open with the log file and offset, never a partial read', async () => {
  const t = await tempDir()
  try {
    const writer = await createSession(t.dir)
    for (const body of ['one', 'two', 'three']) await writer.append(exchange({ responseBody: body }))
    await writer.close()
    const file = join(t.dir, LOG_FILE)
    const bytes = await readFile(file)
    const at = encodeRecord(exchange({ responseBody: 'one' })).byteLength
    bytes[at] = 0x58 // 'X' in place of the second record's magic
    await writeFile(file, bytes)
    await assert.rejects(
      openSession(t.dir),
      (e: unknown) => e instanceof SessionError && e.file === file && e.offset === at,
    )
  } finally {
    await t.remove()
  }
})

test('an intact last record that is not version 1 is damage, not a torn tail, while a last record failing its checksum is torn', () => {
  const first = encodeRecord(exchange({ url: 'http://example.com/first' }))
  const last = encodeRecord(exchange({ url: 'http://example.com/last' }))
  // The same record with its header saying v 2 and a checksum recomputed for it: written that way, not torn.
  const nl = last.indexOf(0x0a)
  const [, j, q, s] = last.subarray(0, nl).toString('latin1').split(' ')
  const json = Buffer.from(
    last
      .subarray(nl + 1, nl + 1 + Number(j))
      .toString('latin1')
      .replace('{"v":1,', '{"v":2,'),
    'latin1',
  )
  const bodies = last.subarray(nl + 1 + Number(j) + 1, last.byteLength - 1)
  const crc = checksum(json, bodies).toString(16).padStart(8, '0')
  const foreign = Buffer.concat([
    Buffer.from(`NSR1 ${j} ${q} ${s} ${crc}\n`, 'latin1'),
    json,
    Buffer.from('\n'),
    bodies,
    Buffer.from('\n'),
  ])
  assert.throws(
    () => decodeLog(Buffer.concat([first, foreign]), 'exchanges.log'),
    (error: unknown) =>
      error instanceof SessionError && error.offset === first.byteLength && /"v": 1/.test(error.problem),
  )
  const corrupt = Buffer.from(last)
  corrupt[nl + 5] = corrupt[nl + 5]! ^ 1 // a byte of the header JSON changed: the checksum fails
  const torn = decodeLog(Buffer.concat([first, corrupt]), 'exchanges.log')
  assert.equal(torn.records.length, 1)
  assert.equal(torn.torn?.offset, first.byteLength)
})
