import { test } from 'node:test'
import assert from 'node:assert/strict'
import { crc32 } from 'node:zlib'
import {
  checksum,
  decodeLog,
  decodeRecord,
  encodeRecord,
  MAX_FRAME_LINE,
  parseFrame,
  SessionError,
} from '../../electron/recording/record-log.ts'
import { decodeLogStream } from '../../electron/recording/log-stream.ts'
import { exchange } from './support.ts'

/** A record with this header JSON and bodies, framed and checksummed as a writer would (whatever the JSON says). */
function record(json: string, req = '', res = ''): Buffer {
  const j = Buffer.from(json),
    q = Buffer.from(req),
    s = Buffer.from(res)
  const crc = checksum(j, q, s).toString(16).padStart(8, '0')
  return Buffer.concat([
    Buffer.from(`NSR1 ${j.byteLength} ${q.byteLength} ${s.byteLength} ${crc}\n`),
    j,
    Buffer.from('\n'),
    q,
    s,
    Buffer.from('\n'),
  ])
}

const head = (
  over: Record<string, unknown> = {},
  request: Record<string, unknown> = {},
  response: Record<string, unknown> = {},
) =>
  JSON.stringify({
    v: 1,
    startedAt: 1,
    durationMs: 2,
    request: { method: 'GET', url: 'http://h/', version: '1.1', headers: [['Host', 'h']], ...request },
    response: { status: 200, reason: 'OK', version: '1.1', headers: [], ...response },
    ...over,
  })

/** What decoding a one-record log says is wrong with it, as damage. */
function damage(bytes: Buffer): string {
  try {
    decodeLog(Buffer.concat([bytes, encodeRecord(exchange())]), 'x.log')
  } catch (error) {
    assert.ok(error instanceof SessionError)
    assert.equal(error.offset, 0)
    assert.equal(error.file, 'x.log')
    assert.equal(error.name, 'SessionError')
    assert.equal(error.message, `x.log at byte 0: ${error.problem}`)
    return error.problem
  }
  return assert.fail('decoded without an error')
}

test('a record whose header is written intact but says the wrong thing is damage naming the field', () => {
  const cases: Array<[string, string]> = [
    ['{"v":1,', 'record header is not JSON: '],
    ['[1]', 'record header has no "v": 1 (a newer or foreign format)'],
    ['null', 'record header has no "v": 1 (a newer or foreign format)'],
    [head({ v: 2 }), 'record header has no "v": 1 (a newer or foreign format)'],
    [head({ startedAt: '1' }), 'record header lacks startedAt or durationMs'],
    [head({ durationMs: null }), 'record header lacks startedAt or durationMs'],
    [head({ waitMs: '3' }), 'record header has a malformed "waitMs"'],
    [head({ request: null }), 'record header has a malformed request'],
    [head({}, { method: 1 }), 'record header has a malformed request'],
    [head({}, { url: null }), 'record header has a malformed request'],
    [head({}, { version: 1.1 }), 'record header has a malformed request'],
    [head({}, { headers: {} }), 'record header has a malformed request'],
    [head({}, { headers: [['a']] }), 'record header has a malformed request'],
    [head({}, { headers: [['a', 'b', 'c']] }), 'record header has a malformed request'],
    [head({}, { headers: [['a', 1]] }), 'record header has a malformed request'],
    [head({}, { headers: [[1, 'a']] }), 'record header has a malformed request'],
    [head({}, { headers: ['ab'] }), 'record header has a malformed request'],
    [head({}, { trailers: 'x' }), 'record header has a malformed request'],
    [head({ response: null }), 'record header has a malformed response'],
    [head({}, {}, { status: '200' }), 'record header has a malformed response'],
    [head({}, {}, { reason: null }), 'record header has a malformed response'],
    [head({}, {}, { version: 2 }), 'record header has a malformed response'],
    [head({}, {}, { headers: null }), 'record header has a malformed response'],
    [head({}, {}, { trailers: [['a']] }), 'record header has a malformed response'],
    [head({ tags: 'recorded' }), 'record header has malformed "tags"'],
    [head({ tags: ['a', 1] }), 'record header has malformed "tags"'],
    [head({ note: 1 }), 'record header has a malformed "note"'],
    [head({ truncated: 5 }), 'record header has a malformed "truncated"'],
    [head({ truncated: null }), 'record header has a malformed "truncated"'],
    [head({ truncated: { request: null } }), 'record header has a malformed "truncated"'],
    [head({ truncated: { response: -1 } }), 'record header has a malformed "truncated"'],
    [head({ truncated: { response: 1.5 } }), 'record header has a malformed "truncated"'],
    [head({ truncated: { request: '5' } }), 'record header has a malformed "truncated"'],
    [head({ incomplete: { response: -2 } }), 'record header has a malformed "incomplete"'],
    [head({ incomplete: 'x' }), 'record header has a malformed "incomplete"'],
    [head({ generated: 'refused' }), 'record header has a malformed "generated"'],
    [head({ generated: null }), 'record header has a malformed "generated"'],
    [head({ generated: { cause: 'refused' } }), 'record header has a malformed "generated"'],
    [head({ generated: { cause: 1, message: 'm' } }), 'record header has a malformed "generated"'],
  ]
  for (const [json, problem] of cases) {
    const said = damage(record(json))
    if (problem.endsWith(': ')) assert.ok(said.startsWith(problem), `${json}: ${said}`)
    else assert.equal(said, problem, json)
    // Intact bytes are never a torn tail, even as the last record.
    assert.throws(() => decodeLog(record(json), 'x.log'), SessionError, json)
  }
})

test('the optional header fields come back as written, and absent ones stay absent', () => {
  const full = decodeLog(
    record(
      head(
        {
          waitMs: 0,
          truncated: { request: 0 },
          incomplete: { request: null, response: 3 },
          generated: { cause: 'reset', message: 'm' },
          tags: [],
          note: '',
          unknown: 'ignored',
        },
        { trailers: [['X-T', '1']] },
        { trailers: [] },
      ),
      'req',
      'res',
    ),
    'x.log',
  ).records[0]!
  assert.equal(full.waitMs, 0)
  assert.deepEqual(full.truncated, { request: 0 })
  assert.deepEqual(full.incomplete, { request: null, response: 3 })
  assert.deepEqual(full.generated, { cause: 'reset', message: 'm' })
  assert.deepEqual(full.tags, [])
  assert.equal(full.note, '')
  assert.equal('unknown' in full, false)
  assert.deepEqual(full.request.trailers, [['X-T', '1']])
  assert.deepEqual(full.response.trailers, [])
  assert.equal(Buffer.from(full.request.body).toString(), 'req')
  assert.equal(Buffer.from(full.response.body).toString(), 'res')
  assert.ok(Object.isFrozen(full.request.headers) && Object.isFrozen(full.request.headers[0]))
  assert.ok(Object.isFrozen(full.request.trailers) && Object.isFrozen(full.request.trailers![0]))
  assert.ok(Object.isFrozen(full.response.headers) && Object.isFrozen(full.response.trailers))
  const bare = decodeLog(record(head()), 'x.log').records[0]!
  for (const key of ['waitMs', 'truncated', 'incomplete', 'generated', 'tags', 'note'] as const)
    assert.equal(key in bare, false, key)
  assert.equal('trailers' in bare.request, false)
  assert.equal('trailers' in bare.response, false)
})

test('a frame line is the magic, three lengths of up to 16 digits and eight lower-case hex digits, within 96 bytes', () => {
  assert.deepEqual(parseFrame(Buffer.from('NSR1 12 3 45 00c0ffee\nrest')), {
    jsonLength: 12,
    requestLength: 3,
    responseLength: 45,
    crc: 0xc0ffee,
    lineLength: 22,
    recordLength: 22 + 12 + 1 + 3 + 45 + 1,
  })
  assert.equal(
    (parseFrame(Buffer.from('NSR1 1234567890123456 0 0 ffffffff\n')) as { jsonLength: number }).jsonLength,
    1234567890123456,
  )
  const bad = (line: string) =>
    `expected a record frame line "NSR1 <json-length> <request-length> <response-length> <crc32>", found ${JSON.stringify(line.slice(0, 40))}`
  for (const line of [
    'NSR1 12 3 45 00C0FFEE',
    'NSR1 12 3 45 c0ffee',
    'NSR2 12 3 45 00c0ffee',
    'NSR1 12  3 45 00c0ffee',
    'NSR1 -1 3 45 00c0ffee',
    `NSR1 ${'1'.repeat(17)} 0 0 00000000`,
    'NSR1 12 3 45 00c0ffee ',
    ' NSR1 12 3 45 00c0ffee',
    'x'.repeat(60),
  ])
    assert.equal(parseFrame(Buffer.from(`${line}\n`)), bad(line), line)
  assert.equal(MAX_FRAME_LINE, 96)
})

test('bytes that end inside a frame line are short only while they could still be one', () => {
  for (const prefix of ['', 'N', 'NSR', 'NSR1', 'NSR1 ', 'NSR1 12', 'NSR1 12 0 5 3fa', `NSR1 ${'1'.repeat(89)}`])
    assert.equal(parseFrame(Buffer.from(prefix)), 'short', JSON.stringify(prefix))
  const notOne = 'expected a record frame line "NSR1 <json-length> <request-length> <response-length> <crc32>"'
  for (const prefix of [
    'X',
    'NSR2',
    'NSR1x',
    'nsr1 ',
    'NSR1 12 G',
    `NSR1 ${'1'.repeat(91)}`,
    `NSR1 ${'1'.repeat(200)}`,
  ])
    assert.equal(parseFrame(Buffer.from(prefix)), notOne, JSON.stringify(prefix.slice(0, 20)))
  // A newline past the first 96 bytes does not end a frame line.
  assert.equal(parseFrame(Buffer.from(`NSR1 ${'1'.repeat(91)}\n`)), notOne)
  const view = Buffer.from('xxNSR1 1 0 0 0000000').subarray(2)
  assert.equal(parseFrame(view), 'short', 'a view into a larger buffer is read from its own start')
})

test('a record cut short, or whose lengths or checksum do not hold, is torn at the end of the log and damage before it', () => {
  const good = record(head(), 'ab', 'cd')
  const lengthProblem = 'record is not terminated where its frame line says (wrong lengths)'
  const shifted = Buffer.from(good.toString('latin1').replace(' 2 2 ', ' 2 1 '), 'latin1')
  assert.equal(damage(shifted), lengthProblem)
  const flipped = Buffer.from(good)
  flipped[flipped.byteLength - 2] = flipped[flipped.byteLength - 2]! ^ 1
  const crcFrame = crc32(Buffer.concat([Buffer.from(head()), Buffer.from('abcd')]))
  const crcBytes = crc32(Buffer.concat([Buffer.from(head()), Buffer.from('abce')]))
  assert.equal(
    damage(flipped),
    `checksum mismatch (frame says ${crcFrame.toString(16).padStart(8, '0')}, bytes give ${crcBytes.toString(16).padStart(8, '0')})`,
  )
  const first = encodeRecord(exchange())
  const at = first.byteLength
  const torn = (tail: Buffer) => decodeLog(Buffer.concat([first, tail]), 'x.log')
  assert.deepEqual(torn(flipped), {
    records: [decodeLog(first, 'x.log').records[0]],
    validEnd: at,
    torn: { file: 'x.log', offset: at, bytes: flipped.byteLength, reason: damage(flipped) },
  })
  // Its frame line says one byte less than it holds: cut there, the newline is not where the lengths put it.
  const cutShifted = shifted.subarray(0, shifted.byteLength - 1)
  assert.deepEqual(torn(cutShifted).torn, {
    file: 'x.log',
    offset: at,
    bytes: cutShifted.byteLength,
    reason: lengthProblem,
  })
  assert.throws(() => torn(shifted), /wrong lengths/, 'whole, with a byte after it: damage')
  assert.deepEqual(torn(good.subarray(0, 10)).torn, {
    file: 'x.log',
    offset: at,
    bytes: 10,
    reason: 'the frame line is incomplete',
  })
  assert.deepEqual(torn(good.subarray(0, good.byteLength - 1)).torn, {
    file: 'x.log',
    offset: at,
    bytes: good.byteLength - 1,
    reason: `the record needs ${good.byteLength} bytes but the file ends after ${good.byteLength - 1}`,
  })
  assert.deepEqual(decodeLog(new Uint8Array(0), 'x.log'), { records: [], validEnd: 0 })
  assert.throws(
    () => decodeLog(Buffer.concat([first, Buffer.from('X')]), 'x.log'),
    /x\.log at byte \d+: expected a record frame line/,
  )
})

test('decoding a record checks its own bytes only, wherever it sits in a larger buffer', () => {
  const one = record(head(), 'q', 's')
  const inside = Buffer.concat([Buffer.from('junk'), one, Buffer.from('more')]).subarray(4, 4 + one.byteLength)
  const frame = parseFrame(inside)
  assert.ok(typeof frame === 'object')
  const x = decodeRecord(inside, frame)
  assert.ok(!('problem' in x))
  assert.equal(Buffer.from(x.request.body).toString(), 'q')
  assert.equal(Buffer.from(x.response.body).toString(), 's')
})

test('a streamed log says the same as a whole one about stray bytes after the last record and about a torn one', async () => {
  const first = encodeRecord(exchange())
  async function* chunks(...parts: Buffer[]) {
    yield* parts
  }
  const read = async (...parts: Buffer[]) => {
    const stream = decodeLogStream(chunks(...parts), 'x.log')
    const records = []
    for await (const x of stream) records.push(x)
    return { records: records.length, torn: stream.torn }
  }
  await assert.rejects(
    read(first, Buffer.from('X\n')),
    (e: Error) => e instanceof SessionError && e.offset === first.byteLength,
  )
  await assert.rejects(
    read(Buffer.concat([first, Buffer.from('zz')])),
    (e: Error) => e instanceof SessionError && e.offset === first.byteLength,
  )
  const good = record(head(), 'ab', 'cd')
  const flipped = Buffer.from(good)
  flipped[flipped.byteLength - 2] = flipped[flipped.byteLength - 2]! ^ 1
  assert.deepEqual(await read(first, flipped.subarray(0, 5), flipped.subarray(5)), {
    records: 1,
    torn: { file: 'x.log', offset: first.byteLength, bytes: flipped.byteLength, reason: damage(flipped) },
  })
  assert.deepEqual(await read(first, good.subarray(0, 7)), {
    records: 1,
    torn: { file: 'x.log', offset: first.byteLength, bytes: 7, reason: 'the frame line is incomplete' },
  })
  assert.deepEqual(await read(first, good.subarray(0, 40)), {
    records: 1,
    torn: {
      file: 'x.log',
      offset: first.byteLength,
      bytes: 40,
      reason: `the record needs ${good.byteLength} bytes but the file ends after 40`,
    },
  })
  assert.deepEqual(await read(), { records: 0, torn: undefined })
  assert.deepEqual(await read(first, good), { records: 2, torn: undefined })
})
