import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ExchangeRecord, type RecordParts } from '../../electron/capture/exchange-record.ts'
import {
  type BodySlab,
  BodySlabs,
  bodySlabs,
  SLAB_BYTES,
  Slabs,
  slabTextLength,
} from '../../electron/capture/record-slab.ts'
import { request, response, type Headers } from '../../electron/core/message.ts'

const noBody = { bytes: new Uint8Array(0), size: 0, truncated: false }

function parts(over: Partial<RecordParts> = {}): RecordParts {
  return {
    id: 'r1',
    listenerId: 'l1',
    startedAt: 1,
    req: request({ target: '/t', headers: [['Host', 'h']] }),
    res: response(200, { headers: [['Content-Type', 'text/plain']] }),
    requestBody: noBody,
    requestComplete: true,
    responseBody: noBody,
    responseComplete: true,
    timings: {},
    durationMs: 1,
    outcome: { kind: 'completed' },
    tunnel: undefined,
    ...over,
  }
}

const bytes = (text: string) => Buffer.from(text)

test("a record keeps the response's own reason phrase, and the standard one", () => {
  assert.equal(new ExchangeRecord(parts({ res: response(200, { reason: 'Fine' }) })).reason, 'Fine')
  assert.equal(new ExchangeRecord(parts({ res: response(404) })).reason, 'Not Found')
  assert.equal(new ExchangeRecord(parts({ res: response(299, { reason: '' }) })).reason, '')
  const none = new ExchangeRecord(parts({ res: undefined, responseBody: null }))
  assert.deepEqual(
    [none.status, none.reason, none.responseSize, none.responseBody],
    [undefined, undefined, undefined, null],
  )
})

test('a body size is reported when the body was read to its end, or when its size is known, and not otherwise', () => {
  const unread = new ExchangeRecord(
    parts({ requestComplete: false, responseComplete: false, responseBody: noBody, requestBody: noBody }),
  )
  assert.deepEqual([unread.requestSize, unread.responseSize], [undefined, undefined])
  const known = new ExchangeRecord(
    parts({
      requestComplete: false,
      requestBody: { bytes: bytes('ab'), size: 9, truncated: true, missing: 7 },
      responseComplete: false,
      responseBody: { bytes: bytes('c'), size: 4, truncated: true, missing: 3 },
    }),
  )
  assert.deepEqual([known.requestSize, known.responseSize], [9, 4])
  const empty = new ExchangeRecord(parts())
  assert.deepEqual([empty.requestSize, empty.responseSize], [0, 0])
})

test("a record carries its note and tunnel statistics when there are some, and a body's missing count", () => {
  const record = new ExchangeRecord(
    parts({
      req: { ...request({ target: '/' }), tags: ['note:held for 30 s'] },
      tunnel: { bytesUp: 1, bytesDown: 2 },
      requestComplete: false,
      requestBody: { bytes: bytes('ab'), size: 9, truncated: true, missing: 7 },
      responseBody: { bytes: bytes('c'), size: 1, truncated: false, missing: null },
    }),
  )
  assert.equal(record.note, 'held for 30 s')
  assert.deepEqual(record.tunnel, { bytesUp: 1, bytesDown: 2 })
  assert.deepEqual(record.requestBody, { bytes: bytes('ab'), size: 9, truncated: true, missing: 7 })
  assert.equal(record.responseBody!.missing, null)
  const plain = new ExchangeRecord(parts())
  for (const key of ['note', 'tunnel', 'status'].slice(0, 2)) assert.equal(key in plain, false, key)
  assert.equal(plain.requestBody.missing, undefined)
  assert.equal(plain.responseBody!.missing, undefined)
})

test('pseudo-headers and trailers are kept only when there are some, each list on its own', () => {
  const h2 = new ExchangeRecord(
    parts({
      req: {
        ...request({ target: '/x', version: '2' }),
        pseudoHeaders: [
          [':method', 'GET'],
          [':path', '/x'],
        ],
      },
      responseTrailers: [['grpc-status', '0']],
      requestTrailers: [],
    }),
  )
  assert.deepEqual(h2.requestPseudoHeaders, [
    [':method', 'GET'],
    [':path', '/x'],
  ])
  assert.deepEqual(h2.responseTrailers, [['grpc-status', '0']])
  assert.equal(h2.requestTrailers, undefined)
  const requestOnly = new ExchangeRecord(parts({ requestTrailers: [['x-sum', '1']] }))
  assert.deepEqual(requestOnly.requestTrailers, [['x-sum', '1']])
  assert.equal(requestOnly.responseTrailers, undefined)
  const none = new ExchangeRecord(
    parts({ req: { ...request({ target: '/' }), pseudoHeaders: [] }, requestTrailers: [], responseTrailers: [] }),
  )
  assert.deepEqual(
    [none.requestPseudoHeaders, none.requestTrailers, none.responseTrailers],
    [undefined, undefined, undefined],
  )
  assert.equal('trailers' in none, false)
  assert.equal('pseudo' in none, false)
})

test('trailers holding a line feed (set in code) come back unchanged', () => {
  const odd: Headers = [['x-note', 'a\nb']]
  const record = new ExchangeRecord(parts({ responseTrailers: odd, requestTrailers: odd }))
  assert.deepEqual(record.responseTrailers, odd)
  assert.deepEqual(record.requestTrailers, odd)
})

test('each part of a record reads back right whichever of the others is not plain ASCII', () => {
  const ascii: Headers = [['Host', 'h.test']]
  const wide: Headers = [['X-W', 'caf\u00e9']]
  for (const [target, req, res] of [
    ['/\u00e9', ascii, ascii],
    ['/a', wide, ascii],
    ['/a', ascii, wide],
    ['/\u00e9', wide, ascii],
    ['/\u00e9', ascii, wide],
    ['/a', wide, wide],
  ] as const) {
    const record = new ExchangeRecord(
      parts({ req: request({ target, headers: req }), res: response(200, { headers: res }) }),
    )
    assert.equal(record.target, target)
    assert.deepEqual(record.requestHeaders, req)
    assert.deepEqual(record.responseHeaders, res)
  }
})

test('records read one after another each give their own url, host and path', () => {
  const a = new ExchangeRecord(parts({ req: request({ target: '/a', headers: [['Host', 'a.test']] }) }))
  const b = new ExchangeRecord(parts({ req: request({ target: 'http://b.test/b' }) }))
  assert.deepEqual(
    [a.url, b.url, a.host, b.host, a.path, b.path],
    ['http://a.test/a', 'http://b.test/b', 'a.test', 'b.test', '/a', '/b'],
  )
})

test('a record larger than a slab reads back whole', () => {
  const long = 'v'.repeat(SLAB_BYTES + 100)
  const record = new ExchangeRecord(parts({ req: request({ target: '/big', headers: [['X-Long', long]] }) }))
  const after = new ExchangeRecord(parts({ req: request({ target: '/after', headers: [['X-N', '1']] }) }))
  assert.deepEqual(record.requestHeaders, [['X-Long', long]])
  assert.equal(record.target, '/big')
  assert.equal(after.target, '/after')
  assert.deepEqual(after.requestHeaders, [['X-N', '1']])
})

test('dropping the bodies of a record without a response leaves it without a response body', () => {
  const record = new ExchangeRecord(
    parts({ res: undefined, responseBody: null, requestBody: { bytes: bytes('abc'), size: 3, truncated: false } }),
  )
  assert.equal(record.dropBodies(), true)
  assert.equal(record.responseBody, null)
  assert.deepEqual(record.requestBody, { bytes: new Uint8Array(0), size: 3, truncated: true, dropped: true })
  assert.equal(record.dropBodies(), false, 'nothing is left to drop')
})

test('dropping bodies marks only those that had bytes; an empty one stays empty and whole', () => {
  const record = new ExchangeRecord(parts({ responseBody: { bytes: bytes('xyz'), size: 3, truncated: false } }))
  record.dropBodies()
  assert.deepEqual(record.requestBody, { bytes: new Uint8Array(0), size: 0, truncated: false })
  assert.deepEqual(record.responseBody, { bytes: new Uint8Array(0), size: 3, truncated: true, dropped: true })
  const without = new ExchangeRecord(parts())
  assert.equal(without.dropBodies(), false)
})

test('dropping bodies keeps their missing counts', () => {
  const record = new ExchangeRecord(
    parts({
      requestComplete: false,
      requestBody: { bytes: bytes('ab'), size: 9, truncated: true, missing: 7 },
    }),
  )
  record.dropBodies()
  assert.deepEqual(record.requestBody, {
    bytes: new Uint8Array(0),
    size: 9,
    truncated: true,
    dropped: true,
    missing: 7,
  })
})

test('a body whose bytes were all kept reads back whole, and one cut short as truncated, both bodies side by side', () => {
  const record = new ExchangeRecord(
    parts({
      requestBody: { bytes: bytes('req'), size: 3, truncated: false },
      responseBody: { bytes: bytes('resp'), size: 10, truncated: true },
    }),
  )
  assert.deepEqual(record.requestBody, { bytes: bytes('req'), size: 3, truncated: false })
  assert.deepEqual(record.responseBody, { bytes: bytes('resp'), size: 10, truncated: true })
  const capped = new ExchangeRecord(parts({ responseBody: { bytes: new Uint8Array(0), size: 5, truncated: true } }))
  assert.deepEqual(capped.responseBody, { bytes: new Uint8Array(0), size: 5, truncated: true })
})

test('text goes into a slab only when it is plain ASCII', () => {
  assert.equal(slabTextLength('abc'), 3)
  assert.equal(slabTextLength(''), 0)
  assert.equal(slabTextLength('caf\u00e9'), -1)
  assert.equal(slabTextLength([['a', 'b']]), -1)
})

test('a head slab is replaced when the next record does not fit, and one larger than a slab gets its own', () => {
  const slabs = new Slabs()
  const first = slabs.slabFor(10)
  assert.equal(first.byteLength, SLAB_BYTES)
  slabs.taken(SLAB_BYTES - 10)
  assert.equal(slabs.slabFor(10), first, 'an exact fit stays in the slab')
  assert.equal(slabs.used, SLAB_BYTES - 10)
  slabs.taken(5)
  const second = slabs.slabFor(10)
  assert.notEqual(second, first)
  assert.equal(slabs.used, 0)
  const huge = slabs.slabFor(SLAB_BYTES * 2)
  assert.equal(huge.byteLength, SLAB_BYTES * 2)
})

test('bodies of exactly a slab together share a slab; one byte more and they get memory of their own', () => {
  const slabs = new BodySlabs()
  const half = new Uint8Array(SLAB_BYTES / 2).fill(5)
  const together = slabs.keep(half, half)!
  assert.equal(together.slab.shared, true)
  assert.equal(together.slab.bytes.byteLength, SLAB_BYTES)
  const more = slabs.keep(half, new Uint8Array(SLAB_BYTES / 2 + 1).fill(6))!
  assert.equal(more.slab.shared, false)
  assert.equal(more.slab.bytes.byteLength, SLAB_BYTES + 1)
  assert.deepEqual(Buffer.from(more.slab.bytes.subarray(0, SLAB_BYTES / 2)), Buffer.from(half))
  assert.equal(more.slab.bytes[SLAB_BYTES / 2], 6)
  assert.equal(slabs.keep(new Uint8Array(0), undefined), undefined)
  assert.equal(slabs.keep([], [new Uint8Array(0)]), undefined)
})

test('a large body made of chunks is copied into memory of its own, chunk after chunk', () => {
  const slabs = new BodySlabs()
  const chunks = [Buffer.alloc(SLAB_BYTES, 1), Buffer.alloc(10, 2)]
  const kept = slabs.keep(chunks, [Buffer.from('r')])!
  assert.equal(kept.slab.bytes.byteLength, SLAB_BYTES + 11)
  assert.deepEqual(
    [
      kept.slab.bytes[0],
      kept.slab.bytes[SLAB_BYTES - 1],
      kept.slab.bytes[SLAB_BYTES],
      kept.slab.bytes[SLAB_BYTES + 10],
    ],
    [1, 1, 2, 'r'.charCodeAt(0)],
  )
  const small = slabs.keep([Buffer.from('ab'), Buffer.from('cd')], [Buffer.from('e')])!
  assert.equal(small.slab.bytes.subarray(small.at, small.at + 5).toString(), 'abcde')
})

test('a large body spanning all but an eighth of its memory is kept as it is; with more to spare it is copied', () => {
  const slabs = new BodySlabs()
  const n = SLAB_BYTES + 8
  const spare = n >>> 3
  const snug = new Uint8Array(new ArrayBuffer(n + spare), 0, n)
  assert.equal(slabs.keep(snug, undefined)!.slab.bytes.buffer, snug.buffer)
  const loose = new Uint8Array(new ArrayBuffer(n + spare + 1), 0, n)
  assert.notEqual(slabs.keep(loose, undefined)!.slab.bytes.buffer, loose.buffer)
  const both = slabs.keep(snug.subarray(0, 10), snug)!
  assert.notEqual(both.slab.bytes.buffer, snug.buffer, 'two bodies are always copied')
  const responseOnly = slabs.keep(new Uint8Array(0), snug)!
  assert.equal(responseOnly.slab.bytes.buffer, snug.buffer)
})

test('a slab whose bodies were released while it was being filled is not reused until it is full', () => {
  const slabs = new BodySlabs()
  const quarter = (v: number) => new Uint8Array(SLAB_BYTES / 4).fill(v)
  const a = slabs.keep(quarter(1), undefined)!
  slabs.release(a.slab)
  const b = slabs.keep(quarter(2), undefined)!
  const c = slabs.keep(quarter(3), undefined)!
  const d = slabs.keep(quarter(4), undefined)!
  assert.equal(b.slab, a.slab)
  const e = slabs.keep(quarter(5), undefined)!
  assert.notEqual(e.slab, a.slab, 'a slab still holding bodies is not reused')
  assert.deepEqual(
    [b, c, d].map((k) => k.slab.bytes[k.at]),
    [2, 3, 4],
  )
})

test('a slab emptied while it was being filled is reused once the next one fills', () => {
  const slabs = new BodySlabs()
  const half = new Uint8Array(SLAB_BYTES / 2).fill(1)
  const most = new Uint8Array((SLAB_BYTES * 3) / 4).fill(2)
  const a = slabs.keep(half, undefined)!
  slabs.release(a.slab)
  const b = slabs.keep(most, undefined)!
  assert.notEqual(b.slab, a.slab)
  const c = slabs.keep(most, undefined)!
  assert.equal(c.slab, a.slab)
  assert.equal(c.at, 0)
})

test("a body's own memory is never reused for other bodies, and at most eight emptied slabs are kept for reuse", () => {
  const slabs = new BodySlabs()
  const own = slabs.keep(new Uint8Array(SLAB_BYTES + 1), undefined)!
  slabs.release(own.slab)
  const full = () => slabs.keep(new Uint8Array(SLAB_BYTES), undefined)!
  const emptied: BodySlab[] = []
  for (let i = 0; i < 11; i++) emptied.push(full().slab)
  for (const slab of emptied.slice(0, 10)) slabs.release(slab)
  const next = new Set<BodySlab>()
  for (let i = 0; i < 10; i++) next.add(full().slab)
  assert.equal(emptied.includes(own.slab) || next.has(own.slab), false)
  const reused = [...next].filter((s) => emptied.includes(s))
  assert.equal(reused.length, 8)
})

test('a body kept at any place in a slab reads back, the very first places included', () => {
  // Fill the shared body slab in use, so that the next bodies start a fresh one at 0.
  bodySlabs.keep(new Uint8Array(SLAB_BYTES), undefined)
  const records = ['a', 'bc', 'def'].map(
    (text) => new ExchangeRecord(parts({ responseBody: { bytes: bytes(text), size: text.length, truncated: false } })),
  )
  assert.deepEqual(
    records.map((r) => [Buffer.from(r.responseBody!.bytes).toString(), r.responseBody!.dropped]),
    [
      ['a', undefined],
      ['bc', undefined],
      ['def', undefined],
    ],
  )
})
