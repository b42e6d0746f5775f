import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ExchangeStore } from '../../electron/capture/exchange-store.ts'
import { DEFAULT_SETTINGS } from '../../shared/exchange.ts'
import { makeRecord } from './fixtures.ts'

test('seqs are handed out from 1 in insertion order, and an update by id keeps its seq and place', () => {
  const store = new ExchangeStore()
  assert.equal(store.upsert(makeRecord(1)).seq, 1)
  assert.equal(store.upsert(makeRecord(2)).seq, 2)
  const updated = store.upsert({ ...makeRecord(1), status: 500 })
  assert.equal(updated.seq, 1)
  assert.deepEqual(
    store.summaries().map((s) => [s.id, s.seq, s.status]),
    [
      ['x1', 1, 500],
      ['x2', 2, 200],
    ],
  )
  assert.equal(store.size, 2)
})

test('after 200,000 exchanges at the default bounds the store holds the newest 100,000', () => {
  const store = new ExchangeStore()
  for (let i = 1; i <= 200_000; i++) store.upsert(makeRecord(i, 16))
  assert.equal(store.size, DEFAULT_SETTINGS.maxExchanges)
  assert.equal(store.totalBodyBytes, DEFAULT_SETTINGS.maxExchanges * 16)
  assert.equal(store.get('x100000'), undefined)
  assert.equal(store.get('x100001')!.seq, 100_001)
  const all = store.summaries()
  assert.equal(all[0]!.seq, 100_001)
  assert.equal(all.at(-1)!.seq, 200_000)
})

test('after 200,000 exchanges the body-bytes bound holds by dropping the oldest bodies, every exchange staying', () => {
  const store = new ExchangeStore({ maxExchanges: 1_000_000, maxTotalBodyBytes: 1024 * 1024 })
  for (let i = 1; i <= 200_000; i++) store.upsert(makeRecord(i, 1000))
  assert.ok(store.totalBodyBytes <= 1024 * 1024)
  assert.equal(store.size, 200_000)
  assert.equal(store.summaries()[0]!.id, 'x1')
  const newestDropped = 200_000 - 1048
  assert.deepEqual(store.detail(`x${newestDropped}`)!.responseBody, {
    base64: '',
    size: 1000,
    truncated: true,
    dropped: true,
  })
  const kept = store.detail(`x${newestDropped + 1}`)!.responseBody!
  assert.equal(Buffer.from(kept.base64, 'base64').byteLength, 1000)
  assert.equal(kept.dropped, undefined)
})

test('shrinking the bounds at run time evicts the oldest exchanges, and drops the oldest bodies, straight away', () => {
  const store = new ExchangeStore()
  for (let i = 1; i <= 10; i++) store.upsert(makeRecord(i, 100))
  store.updateSettings({ maxExchanges: 5 })
  assert.deepEqual(
    store.summaries().map((s) => s.id),
    ['x6', 'x7', 'x8', 'x9', 'x10'],
  )
  store.updateSettings({ maxTotalBodyBytes: 250 })
  assert.deepEqual(
    store.summaries().map((s) => s.id),
    ['x6', 'x7', 'x8', 'x9', 'x10'],
  )
  assert.deepEqual(
    ['x6', 'x7', 'x8', 'x9', 'x10'].map((id) => store.detail(id)!.responseBody!.dropped === true),
    [true, true, true, false, false],
  )
  assert.equal(store.totalBodyBytes, 200)
})

test('an update to an exchange whose bodies were already dropped is stored without its bodies too', () => {
  const store = new ExchangeStore({ maxTotalBodyBytes: 250 })
  for (let i = 1; i <= 5; i++) store.upsert(makeRecord(i, 100))
  assert.equal(store.detail('x1')!.responseBody!.dropped, true)
  store.upsert({ ...makeRecord(1, 100), status: 500 })
  assert.equal(store.get('x1')!.status, 500)
  assert.equal(store.detail('x1')!.responseBody!.dropped, true)
  assert.equal(store.totalBodyBytes, 200)
  assert.equal(store.detail('x5')!.responseBody!.dropped, undefined)
})

test('an exchange whose bodies alone exceed the byte bound is kept without its body bytes', () => {
  const store = new ExchangeStore({ maxTotalBodyBytes: 100 })
  store.upsert(makeRecord(1, 50))
  store.upsert(makeRecord(2, 500))
  assert.deepEqual(
    store.summaries().map((s) => s.id),
    ['x1', 'x2'],
  )
  assert.deepEqual(store.detail('x2')!.responseBody, { base64: '', size: 500, truncated: true, dropped: true })
})

test('a summary has no headers or bodies, and the detail has both, bodies in base64', () => {
  const store = new ExchangeStore()
  const record = { ...makeRecord(1), requestBody: { bytes: Buffer.from('hello'), size: 11, truncated: true } }
  const summary = store.upsert(record)
  assert.equal('requestHeaders' in summary, false)
  assert.equal('responseBody' in summary, false)
  const detail = store.detail('x1')!
  assert.deepEqual(detail.requestHeaders, [['Host', 'h']])
  assert.deepEqual(detail.requestBody, { base64: Buffer.from('hello').toString('base64'), size: 11, truncated: true })
  assert.equal(detail.responseBody, null)
  assert.equal(detail.target, '/1')
  assert.equal(store.detail('nope'), null)
})

test('clear drops everything and says how many, and seqs keep rising afterwards', () => {
  const store = new ExchangeStore()
  store.upsert(makeRecord(1, 10))
  store.upsert(makeRecord(2, 10))
  assert.equal(store.clear(), 2)
  assert.deepEqual([store.size, store.totalBodyBytes], [0, 0])
  assert.equal(store.upsert(makeRecord(3)).seq, 3)
})

test('summariesAfter returns the stored summaries above a seq, in order', () => {
  const store = new ExchangeStore({ maxExchanges: 5 })
  for (let i = 1; i <= 8; i++) store.upsert(makeRecord(i))
  assert.deepEqual(
    store.summariesAfter(0).map((s) => s.seq),
    [4, 5, 6, 7, 8],
  )
  assert.deepEqual(
    store.summariesAfter(6).map((s) => s.seq),
    [7, 8],
  )
  assert.deepEqual(store.summariesAfter(8), [])
})

test('a store bounded to no exchanges still answers an upsert with its summary, and keeps nothing', () => {
  const store = new ExchangeStore({ maxExchanges: 0 })
  assert.equal(store.upsert(makeRecord(1)).seq, 1)
  assert.equal(store.size, 0)
  assert.deepEqual(store.summaries(), [])
})
