import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ExchangeRecord, type RecordParts } from '../../electron/capture/exchange-record.ts'
import { SLAB_BODY_MAX, SLAB_BYTES } from '../../electron/capture/record-slab.ts'
import { ExchangeStore } from '../../electron/capture/exchange-store.ts'
import { BodyKeeper } from '../../electron/capture/body-tap.ts'
import { request, response, type Headers } from '../../electron/core/message.ts'

function parts(requestHeaders: Headers, responseHeaders: Headers | undefined, target = '/a?b=1'): RecordParts {
  return {
    id: 'r1',
    listenerId: 'l1',
    startedAt: 1,
    req: request({ target, headers: requestHeaders }),
    res: responseHeaders ? response(200, { headers: responseHeaders }) : undefined,
    requestBody: { bytes: new Uint8Array(0), size: 0, truncated: false },
    requestComplete: true,
    responseBody: responseHeaders ? { bytes: new Uint8Array([1, 2, 3]), size: 3, truncated: false } : null,
    responseComplete: true,
    timings: {},
    durationMs: 2,
    outcome: { kind: 'completed' },
    tunnel: undefined,
  }
}

test('a record gives back both header lists exactly as sent: order, case, duplicates and empty values', () => {
  const sent: Headers = [
    ['HOST', 'example.test:81'],
    ['x-dup', 'one'],
    ['X-Dup', 'two'],
    ['X-Empty', ''],
    ['Cookie', 'a=1; b=2'],
  ]
  const answered: Headers = [
    ['Set-Cookie', 'a=1'],
    ['set-cookie', 'b=2'],
    ['Content-Type', 'text/html; charset=utf-8'],
  ]
  const record = new ExchangeRecord(parts(sent, answered))
  assert.deepEqual(record.requestHeaders, sent)
  assert.deepEqual(record.responseHeaders, answered)
  assert.ok(Object.isFrozen(record.requestHeaders) && Object.isFrozen(record.requestHeaders[0]))
})

test('a header value holding a line feed (possible only for headers built in code) comes back unchanged', () => {
  const odd: Headers = [
    ['Host', 'h'],
    ['X-Note', 'line one\nline two'],
    ['X-After', 'z'],
  ]
  const record = new ExchangeRecord(parts(odd, [['Content-Type', 'a\nb']]))
  assert.deepEqual(record.requestHeaders, odd)
  assert.deepEqual(record.responseHeaders, [['Content-Type', 'a\nb']])
  assert.equal(record.contentType, 'a\nb')
})

test('url, host, path and content type are read from the headers, whatever their case, the first one winning', () => {
  const record = new ExchangeRecord(
    parts(
      [
        ['hOsT', 'shop.test:8080'],
        ['Host', 'second.test'],
      ],
      [
        ['CONTENT-TYPE', 'application/json'],
        ['Content-Type', 'text/plain'],
      ],
    ),
  )
  assert.equal(record.url, 'http://shop.test:8080/a?b=1')
  assert.equal(record.host, 'shop.test:8080')
  assert.equal(record.path, '/a?b=1')
  assert.equal(record.contentType, 'application/json')
})

test('an exchange with no response has no response headers and no content type', () => {
  const record = new ExchangeRecord(parts([['Host', 'h']], undefined, 'http://abs.test/x'))
  assert.deepEqual(record.responseHeaders, [])
  assert.equal(record.contentType, undefined)
  assert.equal(record.host, 'abs.test')
  assert.equal(record.status, undefined)
})

test('a record stored without its bodies (over the byte bound) keeps its headers, location and content type', () => {
  const store = new ExchangeStore({ maxTotalBodyBytes: 2 })
  const record = new ExchangeRecord(parts([['Host', 'h.test']], [['Content-Type', 'text/plain']]))
  const summary = store.upsert(record)
  assert.equal(summary.url, 'http://h.test/a?b=1')
  assert.equal(summary.contentType, 'text/plain')
  const detail = store.detail('r1')!
  assert.deepEqual(detail.requestHeaders, [['Host', 'h.test']])
  assert.deepEqual(detail.responseHeaders, [['Content-Type', 'text/plain']])
  assert.equal(detail.responseBody?.base64, '')
  assert.equal(detail.responseBody?.truncated, true)
})

test('bodies come back byte for byte, with their real size and truncation, whether copied aside or kept as they came', () => {
  const sizes = [0, 1, 1024, SLAB_BODY_MAX, SLAB_BODY_MAX + 1, 300 * 1024]
  const records = sizes.map((n, i) => {
    const bytes = new Uint8Array(n).map((_, j) => (j * 31 + i) & 0xff)
    const p = parts([['Host', 'h']], [['Content-Type', 'application/octet-stream']])
    return {
      bytes,
      record: new ExchangeRecord({
        ...p,
        id: `r${i}`,
        requestBody: { bytes, size: n, truncated: false },
        responseBody: { bytes: bytes.subarray(0, n >> 1), size: n + 5, truncated: true },
      }),
    }
  })
  for (const { bytes, record } of records) {
    assert.deepEqual(Buffer.from(record.requestBody.bytes), Buffer.from(bytes))
    assert.equal(record.requestBody.size, bytes.byteLength)
    assert.equal(record.requestBody.truncated, false)
    assert.deepEqual(Buffer.from(record.responseBody!.bytes), Buffer.from(bytes.subarray(0, bytes.byteLength >> 1)))
    assert.equal(record.responseBody!.size, bytes.byteLength + 5)
    assert.equal(record.responseBody!.truncated, true)
  }
})

test('thousands of records spanning many slabs each read back their own headers and body', () => {
  const records = Array.from({ length: 3000 }, (_, i) => {
    const body = Buffer.from(`body ${i} `.repeat(20 + (i % 50)))
    const p = parts(
      [
        ['Host', `h${i}.test`],
        ['X-I', String(i)],
      ],
      [['Content-Type', `text/t${i}`]],
    )
    return new ExchangeRecord({
      ...p,
      id: `r${i}`,
      responseBody: { bytes: body, size: body.byteLength, truncated: false },
    })
  })
  records.forEach((record, i) => {
    assert.equal(record.host, `h${i}.test`)
    assert.deepEqual(record.requestHeaders, [
      ['Host', `h${i}.test`],
      ['X-I', String(i)],
    ])
    assert.equal(record.contentType, `text/t${i}`)
    assert.equal(Buffer.from(record.responseBody!.bytes).toString(), `body ${i} `.repeat(20 + (i % 50)))
  })
})

test('header text that is not plain ASCII (obs-text bytes, or characters set in code) comes back unchanged', () => {
  const odd: Headers = [
    ['Host', 'h'],
    ['X-Latin', 'caf\u00e9'],
    ['X-Arrow', 'a \u2192 b'],
  ]
  const record = new ExchangeRecord(parts(odd, [['X-Emoji', '\u{1F600}']]))
  assert.deepEqual(record.requestHeaders, odd)
  assert.deepEqual(record.responseHeaders, [['X-Emoji', '\u{1F600}']])
})

test('a large body that is part of a bigger buffer is kept as a copy of its own, never pinning the rest', () => {
  const big = Buffer.alloc(SLAB_BODY_MAX * 8, 7)
  const part = big.subarray(100, 100 + SLAB_BODY_MAX * 2)
  const alone = new Uint8Array(SLAB_BODY_MAX * 2).fill(9)
  const p = parts([['Host', 'h']], [['Content-Type', 'application/octet-stream']])
  const shared = new ExchangeRecord({ ...p, responseBody: { bytes: part, size: part.byteLength, truncated: false } })
  const own = new ExchangeRecord({ ...p, responseBody: { bytes: alone, size: alone.byteLength, truncated: false } })
  assert.notEqual(shared.responseBody!.bytes.buffer, big.buffer)
  assert.equal(shared.responseBody!.bytes.buffer.byteLength, part.byteLength)
  assert.deepEqual(Buffer.from(shared.responseBody!.bytes), part)
  assert.equal(own.responseBody!.bytes.buffer, alone.buffer, 'a body with its memory to itself is kept as it is')
  assert.deepEqual(Buffer.from(own.responseBody!.bytes), Buffer.from(alone))
})

test('start time, duration, timing marks and target come back as given, absent marks absent, a non-ASCII target too', () => {
  const base = parts([['Host', 'h']], [['Content-Type', 'text/plain']], '/caf\u00e9?q=\u2192')
  const record = new ExchangeRecord({
    ...base,
    startedAt: 1_764_316_800_123.456,
    durationMs: 12.345,
    timings: { responseHeaders: 3.5, responseDone: 12.345 },
  })
  assert.equal(record.startedAt, 1_764_316_800_123.456)
  assert.equal(record.durationMs, 12.345)
  assert.deepEqual(record.timings, { responseHeaders: 3.5, responseDone: 12.345 })
  assert.equal(record.target, '/caf\u00e9?q=\u2192')
  assert.equal(record.path, '/caf\u00e9?q=\u2192')
  const pending = new ExchangeRecord({ ...base, durationMs: undefined, timings: {} })
  assert.equal(pending.durationMs, undefined)
  assert.deepEqual(pending.timings, {})
  assert.equal(pending.target, '/caf\u00e9?q=\u2192')
})

/**
 * The bytes the stored records keep reachable for their bodies, each distinct memory block counted once: read from
 * the record's own field (not its getters, which say nothing of memory a dropped record might still hold).
 */
function bodyMemoryHeld(store: ExchangeStore): number {
  const blocks = new Set<ArrayBufferLike>()
  for (const r of store.storedRecords()) {
    const slab = (r as unknown as { bodySlab?: { bytes: Buffer } }).bodySlab
    if (slab) blocks.add(slab.bytes.buffer)
  }
  let bytes = 0
  for (const b of blocks) bytes += b.byteLength
  return bytes
}

function recordWithBody(i: number, size: number): ExchangeRecord {
  const p = parts([['Host', 'h']], [['Content-Type', 'application/octet-stream']])
  // As a socket read would hand it over: memory of its own, a byte pattern per record.
  const bytes = Buffer.allocUnsafeSlow(size).fill(i & 0xff)
  return new ExchangeRecord({ ...p, id: `r${i}`, responseBody: { bytes, size, truncated: false } })
}

for (const size of [64 * 1024, 1024]) {
  test(`with ${size / 1024} KiB bodies, the memory the stored bodies hold stays within the byte bound, and the newest stay whole`, () => {
    const bound = 2 * 1024 * 1024
    const store = new ExchangeStore({ maxExchanges: 100_000, maxTotalBodyBytes: bound })
    const n = Math.ceil((bound * 8) / size)
    for (let i = 1; i <= n; i++) {
      store.upsert(recordWithBody(i, size))
      if (i % 97 === 0) assert.ok(store.totalBodyBytes <= bound, `${store.totalBodyBytes} counted after ${i}`)
    }
    assert.equal(store.size, n, 'every exchange stays')
    const held = bodyMemoryHeld(store)
    // Small bodies share 256 KiB body slabs, dropped in order: at most the slab being filled and one partly dropped.
    assert.ok(held <= bound + 2 * SLAB_BYTES, `${held} bytes of body memory held for a bound of ${bound}`)
    assert.ok(held >= bound - 2 * size, `${held} bytes held: the newest bodies fill the bound`)
    const keptCount = Math.floor(bound / size)
    const newest = store.detail(`r${n}`)!.responseBody!
    assert.deepEqual(Buffer.from(newest.base64, 'base64'), Buffer.alloc(size, n & 0xff))
    const oldestKept = store.detail(`r${n - keptCount + 1}`)!.responseBody!
    assert.equal(Buffer.from(oldestKept.base64, 'base64').byteLength, size)
    const firstDropped = store.detail(`r${n - keptCount}`)!.responseBody!
    assert.deepEqual(firstDropped, { base64: '', size, truncated: true, dropped: true })
    const detail = store.detail('r1')!
    assert.deepEqual(detail.responseHeaders, [['Content-Type', 'application/octet-stream']], 'headers stay')
  })
}

test('a body kept in several chunks is copied once, straight from its chunks, and reads back byte for byte', () => {
  const keeper = new BodyKeeper(1 << 20)
  const chunks = [Buffer.from('first '), Buffer.alloc(40_000, 'm'), Buffer.from(' last')]
  for (const c of chunks) keeper.keep(c)
  const stored = keeper.stored(undefined, true)
  assert.equal(stored.parts?.length, 3, 'handed over as its chunks')
  let joins = 0
  const watched = {
    size: stored.size,
    truncated: stored.truncated,
    parts: stored.parts,
    get bytes() {
      joins++
      return stored.bytes
    },
  }
  const record = new ExchangeRecord({
    ...parts([['Host', 'h']], [['Content-Type', 'text/plain']]),
    responseBody: watched,
  })
  assert.equal(joins, 0, 'the chunks were never joined into a buffer of their own')
  assert.deepEqual(Buffer.from(record.responseBody!.bytes), Buffer.concat(chunks))
  assert.equal(record.responseBody!.size, Buffer.concat(chunks).byteLength)
  assert.equal(record.responseBody!.truncated, false)
})

test('a record counts the body bytes it keeps as its bodies read back, and none once they are dropped', () => {
  const withBodies = new ExchangeRecord({
    ...parts([['Host', 'h']], [['Content-Type', 'text/plain']]),
    requestBody: { bytes: new Uint8Array([9, 9]), size: 2, truncated: false },
  })
  const noResponse = new ExchangeRecord(parts([['Host', 'h']], undefined))
  for (const record of [withBodies, noResponse]) {
    const read = record.requestBody.bytes.byteLength + (record.responseBody?.bytes.byteLength ?? 0)
    assert.equal(record.keptBodyBytes, read)
  }
  assert.equal(withBodies.keptBodyBytes, 5)
  withBodies.dropBodies()
  assert.equal(withBodies.keptBodyBytes, 0)
})
