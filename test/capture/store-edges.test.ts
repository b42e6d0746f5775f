import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ExchangeStore, summarise } from '../../electron/capture/exchange-store.ts'
import type { CapturedExchange } from '../../electron/capture/captured-exchange.ts'
import { makeRecord } from './fixtures.ts'

const ids = (store: ExchangeStore) => store.summaries().map((s) => s.id)

test('after thousands of evictions the store still finds, updates and lists each kept exchange by its seq', () => {
  const store = new ExchangeStore({ maxExchanges: 10, maxTotalBodyBytes: 45 })
  for (let i = 1; i <= 3000; i++) store.put(makeRecord(i, 5))
  assert.equal(store.size, 10)
  assert.deepEqual(
    ids(store),
    Array.from({ length: 10 }, (_, i) => `x${2991 + i}`),
  )
  assert.deepEqual(
    store.summaries().map((s) => s.seq),
    Array.from({ length: 10 }, (_, i) => 2991 + i),
  )
  assert.equal(store.get('x2995')!.seq, 2995)
  assert.equal(store.get('x2990'), undefined)
  assert.deepEqual(
    store.summariesAfter(2998).map((s) => s.id),
    ['x2999', 'x3000'],
  )
  assert.equal(store.totalBodyBytes, 45, 'the oldest kept exchange lost its body to the byte bound')
  assert.equal(store.detail('x2991')!.responseBody!.dropped, true)
  assert.equal(store.detail('x2992')!.responseBody!.dropped, undefined)
  assert.equal(store.put({ ...makeRecord(2995, 5), status: 418 }), 2995)
  assert.equal(store.get('x2995')!.status, 418)
  assert.equal(store.totalBodyBytes, 45)
  assert.equal(store.storedRecords().length, 10)
  assert.equal(store.storedRecords()[0]!.id, 'x2991')
})

test('replace stores a record only when one with its id is stored, and keeps its seq', () => {
  const store = new ExchangeStore()
  assert.equal(store.replace(makeRecord(1)), undefined)
  assert.equal(store.size, 0)
  assert.equal(store.put(makeRecord(2)), 1)
  assert.equal(store.replace({ ...makeRecord(2), status: 500 }), 1)
  assert.equal(store.get('x2')!.status, 500)
  assert.equal(store.latestSeq, 1)
  assert.equal(store.has('x2'), true)
  assert.equal(store.has('x1'), false)
})

test('an update that brings a bigger body counts the difference in the byte total', () => {
  const store = new ExchangeStore()
  store.put(makeRecord(1, 10))
  store.put(makeRecord(2, 20))
  store.put(makeRecord(1, 100))
  assert.equal(store.totalBodyBytes, 120)
  store.put(makeRecord(1, 0))
  assert.equal(store.totalBodyBytes, 20)
})

test('the list of stored records is a copy that stays put while the store changes', () => {
  const store = new ExchangeStore({ maxExchanges: 2 })
  store.put(makeRecord(1))
  store.put(makeRecord(2))
  const list = store.storedRecords()
  store.put(makeRecord(3))
  assert.deepEqual(
    list.map((r) => r.id),
    ['x1', 'x2'],
  )
  assert.deepEqual(
    store.storedRecords().map((r) => r.id),
    ['x2', 'x3'],
  )
})

test('clearing through a seq forgets exactly those exchanges and their body bytes, and says how many', () => {
  const store = new ExchangeStore({ maxExchanges: 4 })
  for (let i = 1; i <= 6; i++) store.put(makeRecord(i, 10))
  assert.equal(store.clearThrough(1), 0, 'exchanges already evicted are not counted')
  assert.equal(store.clearThrough(4), 2)
  assert.deepEqual(ids(store), ['x5', 'x6'])
  assert.equal(store.totalBodyBytes, 20)
  assert.equal(store.clearThrough(4), 0)
  assert.equal(store.get('x5')!.seq, 5)
  assert.equal(store.put(makeRecord(7, 10)), 7)
  assert.deepEqual(ids(store), ['x5', 'x6', 'x7'])
  assert.equal(store.clearThrough(7), 3, 'through the latest seq is everything')
  assert.deepEqual([store.size, store.totalBodyBytes], [0, 0])
  assert.equal(store.put(makeRecord(8)), 8)
})

test('clearing through a seq after a full clear counts only what came since', () => {
  const store = new ExchangeStore()
  for (let i = 1; i <= 3; i++) store.put(makeRecord(i, 1))
  store.clear()
  for (let i = 4; i <= 6; i++) store.put(makeRecord(i, 1))
  assert.equal(store.clearThrough(2), 0)
  assert.equal(store.clearThrough(5), 2)
  assert.deepEqual(ids(store), ['x6'])
  assert.deepEqual(
    store.summariesAfter(0).map((s) => s.seq),
    [6],
  )
})

test('a record of another kind over the byte bound is kept as a copy with dropped bodies, its missing count kept', () => {
  const store = new ExchangeStore({ maxTotalBodyBytes: 10 })
  const record: CapturedExchange = {
    ...makeRecord(1),
    requestBody: { bytes: new Uint8Array(8), size: 20, truncated: true, missing: 12 },
    responseBody: { bytes: new Uint8Array(8), size: 8, truncated: false },
  }
  store.put(record)
  const detail = store.detail('x1')!
  assert.deepEqual(detail.requestBody, { base64: '', size: 20, truncated: true, missing: 12, dropped: true })
  assert.deepEqual(detail.responseBody, { base64: '', size: 8, truncated: true, dropped: true })
  assert.equal(record.requestBody!.bytes.byteLength, 8, 'the record given is not changed')
  assert.equal(store.totalBodyBytes, 0)
  store.put({ ...makeRecord(2), requestBody: { bytes: new Uint8Array(0), size: 0, truncated: false } })
  assert.deepEqual(store.detail('x2')!.requestBody, { base64: '', size: 0, truncated: false })
})

test("a detail carries a body's missing count, pseudo-headers, trailers and tunnel statistics when there are some", () => {
  const store = new ExchangeStore()
  const tunnel = { bytesUp: 3, bytesDown: 4 }
  store.put({
    ...makeRecord(1),
    requestBody: { bytes: Buffer.from('ab'), size: 5, truncated: true, missing: null },
    requestPseudoHeaders: [[':method', 'GET']],
    requestTrailers: [['x-q', '1']],
    responseTrailers: [['grpc-status', '0']],
    tunnel,
  })
  const detail = store.detail('x1')!
  assert.deepEqual(detail.requestBody, { base64: 'YWI=', size: 5, truncated: true, missing: null })
  assert.deepEqual(detail.requestPseudoHeaders, [[':method', 'GET']])
  assert.deepEqual(detail.requestTrailers, [['x-q', '1']])
  assert.deepEqual(detail.responseTrailers, [['grpc-status', '0']])
  assert.deepEqual(detail.tunnel, tunnel)
  assert.notEqual(detail.tunnel, tunnel)
  store.put(makeRecord(2))
  const plain = store.detail('x2')!
  for (const key of ['requestPseudoHeaders', 'requestTrailers', 'responseTrailers', 'tunnel'])
    assert.equal(key in plain, false, key)
})

test('a summary carries the optional fields a record has, and none it lacks', () => {
  const full: CapturedExchange = {
    ...makeRecord(1),
    contentType: 'text/plain',
    requestSize: 3,
    responseSize: 0,
    durationMs: 0,
    note: 'held',
    timings: { responseHeaders: 1 },
    tags: ['chaos'],
  }
  const s = summarise(full, 7)
  assert.deepEqual(
    [s.seq, s.status, s.reason, s.contentType, s.requestSize, s.responseSize, s.durationMs, s.note],
    [7, 200, 'OK', 'text/plain', 3, 0, 0, 'held'],
  )
  assert.deepEqual([s.timings, s.tags, s.outcome], [{ responseHeaders: 1 }, ['chaos'], { kind: 'completed' }])
  const { status: _s, reason: _r, ...bare } = makeRecord(2)
  const b = summarise(bare as CapturedExchange, 8)
  for (const key of ['status', 'reason', 'contentType', 'requestSize', 'responseSize', 'durationMs', 'note'])
    assert.equal(key in b, false, key)
  assert.deepEqual(Object.keys(b).slice(0, 9), [
    'id',
    'seq',
    'listenerId',
    'startedAt',
    'method',
    'url',
    'host',
    'path',
    'httpVersion',
  ])
})

test('the byte bound drops the oldest bodies first, skipping exchanges that had none', () => {
  const store = new ExchangeStore({ maxTotalBodyBytes: 30 })
  store.put(makeRecord(1, 10))
  store.put(makeRecord(2, 0))
  store.put(makeRecord(3, 10))
  store.put(makeRecord(4, 10))
  store.put(makeRecord(5, 10))
  assert.equal(store.totalBodyBytes, 30)
  assert.equal(store.detail('x1')!.responseBody!.dropped, true)
  assert.equal(store.detail('x3')!.responseBody!.dropped, undefined)
  store.updateSettings({ maxTotalBodyBytes: 10 })
  assert.deepEqual(
    ['x3', 'x4', 'x5'].map((id) => store.detail(id)!.responseBody!.dropped === true),
    [true, true, false],
  )
  assert.equal(store.totalBodyBytes, 10)
  store.updateSettings({ maxExchanges: undefined, maxTotalBodyBytes: undefined })
  assert.equal(store.totalBodyBytes, 10, 'undefined bounds change nothing')
  store.put(makeRecord(6, 10))
  assert.equal(store.totalBodyBytes, 10)
})
