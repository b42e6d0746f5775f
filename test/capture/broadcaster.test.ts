import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  Broadcaster,
  FLUSH_INTERVAL_MS,
  FLUSH_MAX_ITEMS,
  type BroadcasterOptions,
} from '../../electron/capture/broadcaster.ts'
import { ExchangeStore } from '../../electron/capture/exchange-store.ts'
import type { CapturedExchange } from '../../electron/capture/captured-exchange.ts'
import { collector, makeRecord, until } from './fixtures.ts'

function setup(options: BroadcasterOptions = {}) {
  const store = new ExchangeStore()
  const broadcaster = new Broadcaster(store, options)
  let n = 0
  const capture = (record: CapturedExchange = makeRecord(++n)) => broadcaster.push(record, store.put(record))
  return { store, broadcaster, capture }
}

test('the flush constants are 50 ms and 500 items', () => {
  assert.equal(FLUSH_INTERVAL_MS, 50)
  assert.equal(FLUSH_MAX_ITEMS, 500)
})

test('with no subscribers nothing is queued', () => {
  const { broadcaster, capture } = setup()
  for (let i = 0; i < 10; i++) capture()
  assert.equal(broadcaster.pendingCount, 0)
})

test('a late subscriber gets a snapshot and then every later exchange exactly once, in seq order', async () => {
  const { broadcaster, capture } = setup()
  for (let i = 0; i < 3; i++) capture()
  const early = collector()
  const first = broadcaster.subscribe(early.subscriber)
  capture()
  capture()
  const late = collector()
  const second = broadcaster.subscribe(late.subscriber)
  capture()
  capture()
  assert.equal(early.batches.length + late.batches.length, 0, 'nothing is delivered synchronously')
  await until(() => late.seqs().length === 2)
  assert.deepEqual(
    first.snapshot.map((s) => s.seq),
    [1, 2, 3],
  )
  assert.deepEqual(early.seqs(), [4, 5, 6, 7])
  assert.deepEqual(
    second.snapshot.map((s) => s.seq),
    [1, 2, 3, 4, 5],
  )
  assert.deepEqual(late.seqs(), [6, 7])
  first.unsubscribe()
  second.unsubscribe()
})

test('summaries pending for one interval go out together in one batch', async () => {
  const { broadcaster, capture } = setup()
  const c = collector()
  const sub = broadcaster.subscribe(c.subscriber)
  const started = performance.now()
  for (let i = 0; i < 5; i++) capture()
  await until(() => c.batches.length > 0)
  assert.ok(performance.now() - started >= FLUSH_INTERVAL_MS - 5)
  assert.deepEqual(
    c.batches.map((b) => b.length),
    [5],
  )
  sub.unsubscribe()
})

test('reaching FLUSH_MAX_ITEMS flushes at once, and no batch is larger', async () => {
  const { broadcaster, capture } = setup({ intervalMs: 60_000 })
  const c = collector()
  const sub = broadcaster.subscribe(c.subscriber)
  for (let i = 0; i < FLUSH_MAX_ITEMS; i++) capture()
  await new Promise((r) => setImmediate(r))
  assert.deepEqual(
    c.batches.map((b) => b.length),
    [FLUSH_MAX_ITEMS],
  )
  for (let i = 0; i < 1234; i++) capture()
  await until(() => c.seqs().length === FLUSH_MAX_ITEMS + 1234)
  assert.ok(
    c.batches.every((b) => b.length <= FLUSH_MAX_ITEMS),
    `batch sizes ${c.batches.map((b) => b.length)}`,
  )
  assert.deepEqual(
    c.seqs(),
    Array.from({ length: FLUSH_MAX_ITEMS + 1234 }, (_, i) => i + 1),
  )
  sub.unsubscribe()
})

test('a subscriber that throws does not stop the others getting their batches', async () => {
  const errors: unknown[] = []
  const { broadcaster, capture } = setup({ onError: (e) => errors.push(e) })
  const good = collector()
  const bad = broadcaster.subscribe({
    deliver: () => {
      throw new Error('window gone')
    },
  })
  const ok = broadcaster.subscribe(good.subscriber)
  capture()
  capture()
  await until(() => good.seqs().length === 2)
  capture()
  await until(() => good.seqs().length === 3)
  assert.deepEqual(good.seqs(), [1, 2, 3])
  assert.equal(errors.length, 2)
  bad.unsubscribe()
  ok.unsubscribe()
})

test('a backed-up subscriber is skipped, then catches up with what it missed without duplicates', () => {
  const { broadcaster, capture } = setup({ intervalMs: 60_000 })
  let full = false
  const slow = collector(() => full)
  const fast = collector()
  const subs = [broadcaster.subscribe(slow.subscriber), broadcaster.subscribe(fast.subscriber)]
  for (let i = 1; i <= 3; i++) capture()
  broadcaster.flush()
  assert.deepEqual(slow.seqs(), [1, 2, 3])
  full = true
  for (let i = 4; i <= 6; i++) capture()
  capture({ ...makeRecord(2), status: 503 })
  broadcaster.flush()
  for (let i = 7; i <= 9; i++) capture()
  broadcaster.flush()
  assert.deepEqual(slow.seqs(), [1, 2, 3], 'nothing is sent while it is backed up')
  full = false
  broadcaster.flush()
  assert.deepEqual(slow.seqs(), [1, 2, 3, 2, 4, 5, 6, 7, 8, 9])
  assert.equal(slow.batches.flat().find((s) => s.seq === 2 && s.status === 503)?.id, 'x2', 'the update arrives')
  capture()
  broadcaster.flush()
  assert.deepEqual(slow.seqs().slice(-1), [10])
  assert.deepEqual(fast.seqs(), [1, 2, 3, 4, 5, 6, 2, 7, 8, 9, 10])
  subs.forEach((s) => s.unsubscribe())
})

test('a backed-up subscriber catches up on its own once it drains, with no new traffic', async () => {
  const { broadcaster, capture } = setup()
  let full = true
  const slow = collector(() => full)
  const sub = broadcaster.subscribe(slow.subscriber)
  capture()
  capture()
  await new Promise((r) => setTimeout(r, FLUSH_INTERVAL_MS * 2))
  assert.deepEqual(slow.seqs(), [])
  full = false
  await until(() => slow.seqs().length === 2)
  assert.deepEqual(slow.seqs(), [1, 2])
  sub.unsubscribe()
})

test('clearing drops pending summaries', async () => {
  const { store, broadcaster, capture } = setup({ intervalMs: 60_000 })
  const c = collector()
  const sub = broadcaster.subscribe(c.subscriber)
  capture()
  store.clear()
  broadcaster.clear()
  capture()
  broadcaster.flush()
  assert.deepEqual(c.seqs(), [2])
  sub.unsubscribe()
})
