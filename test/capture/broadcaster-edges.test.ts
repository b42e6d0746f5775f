import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Broadcaster, type BroadcasterOptions } from '../../electron/capture/broadcaster.ts'
import { ExchangeStore } from '../../electron/capture/exchange-store.ts'
import type { CapturedExchange } from '../../electron/capture/captured-exchange.ts'
import { PendingRecord } from '../../electron/capture/pending-record.ts'
import { request } from '../../electron/core/message.ts'
import { collector, makeRecord, until } from './fixtures.ts'

function setup(options: BroadcasterOptions = {}, store = new ExchangeStore()) {
  const broadcaster = new Broadcaster(store, { intervalMs: 60_000, ...options })
  let n = 0
  const capture = (record: CapturedExchange = makeRecord(++n)) => broadcaster.push(record, store.put(record))
  return { store, broadcaster, capture }
}

test('a clear up to a seq drops the queued summaries it covers, and each subscriber still gets only what is new to it', () => {
  const { broadcaster, capture } = setup()
  const early = collector()
  broadcaster.subscribe(early.subscriber)
  capture()
  capture()
  capture()
  const late = collector()
  const lateSub = broadcaster.subscribe(late.subscriber)
  assert.deepEqual(
    lateSub.snapshot.map((s) => s.seq),
    [1, 2, 3],
  )
  capture()
  capture()
  broadcaster.clear(2)
  assert.equal(broadcaster.pendingCount, 5, 'cleared entries keep their place in the queue until it is sent')
  broadcaster.flush()
  assert.deepEqual(early.seqs(), [3, 4, 5])
  assert.deepEqual(late.seqs(), [4, 5])
  assert.equal(broadcaster.pendingCount, 0)
})

test('a clear up to a seq that covers everything a late subscriber was owed sends it nothing', () => {
  const { broadcaster, capture } = setup()
  const early = collector()
  broadcaster.subscribe(early.subscriber)
  capture()
  const late = collector()
  broadcaster.subscribe(late.subscriber)
  capture()
  capture()
  broadcaster.clear(3)
  broadcaster.flush()
  assert.deepEqual(early.batches, [])
  assert.deepEqual(late.batches, [])
})

test('a pending record whose completion is queued behind it is skipped, and later subscribers are not shifted by it', () => {
  const store = new ExchangeStore()
  const { broadcaster } = setup({}, store)
  const early = collector()
  broadcaster.subscribe(early.subscriber)
  const pending = new PendingRecord('p1', 'l1', 1, request({ target: '/p', headers: [['Host', 'h']] }))
  broadcaster.push(pending, store.put(pending))
  const other = makeRecord(2)
  broadcaster.push(other, store.put(other))
  const late = collector()
  broadcaster.subscribe(late.subscriber)
  pending.superseded = true
  const done = { ...makeRecord(1), id: 'p1', status: 201 }
  broadcaster.push(done, store.put(done))
  broadcaster.flush()
  assert.deepEqual(
    early.batches.flat().map((s) => [s.id, s.seq, s.status]),
    [
      ['x2', 2, 200],
      ['p1', 1, 201],
    ],
  )
  assert.deepEqual(
    late.batches.flat().map((s) => [s.id, s.status]),
    [['p1', 201]],
  )
})

test('a pending record not yet superseded is sent as pending', () => {
  const store = new ExchangeStore()
  const { broadcaster } = setup({}, store)
  const c = collector()
  broadcaster.subscribe(c.subscriber)
  const pending = new PendingRecord('p1', 'l1', 1, request({ target: '/p' }))
  broadcaster.push(pending, store.put(pending))
  broadcaster.flush()
  assert.deepEqual(
    c.batches.flat().map((s) => [s.id, s.outcome.kind]),
    [['p1', 'pending']],
  )
})

test('when the last subscriber leaves, what was queued is dropped and its timer stopped', async () => {
  const { broadcaster, capture } = setup({ intervalMs: 5 })
  const first = collector()
  const sub = broadcaster.subscribe(first.subscriber)
  const other = collector()
  const otherSub = broadcaster.subscribe(other.subscriber)
  capture()
  sub.unsubscribe()
  assert.equal(broadcaster.pendingCount, 1, 'one subscriber is still there')
  assert.equal(broadcaster.subscriberCount, 1)
  otherSub.unsubscribe()
  assert.equal(broadcaster.pendingCount, 0)
  assert.equal(broadcaster.subscriberCount, 0)
  const next = collector()
  broadcaster.subscribe(next.subscriber)
  await new Promise((r) => setTimeout(r, 30))
  assert.deepEqual(next.batches, [])
  assert.deepEqual(first.batches, [])
  broadcaster.close()
})

test('close forgets the subscribers and what was queued, and sends nothing more', async () => {
  const { broadcaster, capture } = setup({ intervalMs: 5 })
  const c = collector()
  broadcaster.subscribe(c.subscriber)
  capture()
  broadcaster.close()
  assert.deepEqual([broadcaster.subscriberCount, broadcaster.pendingCount], [0, 0])
  await new Promise((r) => setTimeout(r, 30))
  capture()
  assert.equal(broadcaster.pendingCount, 0)
  assert.deepEqual(c.batches, [])
})

test('a pending batch goes out on the timer, not on the next turn, all pushes since in one batch', async () => {
  // A long interval, so that a slow turn of the loop (a loaded machine, an instrumented run) never reaches it.
  const { broadcaster, capture } = setup({ intervalMs: 1000 })
  const c = collector()
  broadcaster.subscribe(c.subscriber)
  capture()
  await new Promise((r) => setImmediate(r))
  capture()
  await new Promise((r) => setImmediate(r))
  assert.deepEqual(c.batches, [], 'below the batch bound nothing goes out on the next turn')
  await until(() => c.batches.length === 1, 5000)
  assert.deepEqual(c.sizes(), [2])
  broadcaster.close()
})

test('reaching the batch bound sends on the next turn, not on the spot', async () => {
  const { broadcaster, capture } = setup({ maxItems: 2 })
  const c = collector()
  broadcaster.subscribe(c.subscriber)
  capture()
  capture()
  assert.deepEqual(c.batches, [])
  await new Promise((r) => setImmediate(r))
  assert.deepEqual(c.seqs(), [1, 2])
  capture()
  await new Promise((r) => setImmediate(r))
  assert.deepEqual(c.seqs(), [1, 2], 'one below the bound waits for the timer')
  broadcaster.close()
})

test('a subscriber that falls behind catches up in batches no larger than the bound, updates first in seq order', () => {
  const { broadcaster, capture } = setup({ maxItems: 3 })
  let full = false
  const slow = collector(() => full)
  broadcaster.subscribe(slow.subscriber)
  for (let i = 1; i <= 3; i++) capture()
  broadcaster.flush()
  full = true
  capture({ ...makeRecord(3), status: 503 })
  capture({ ...makeRecord(1), status: 500 })
  for (let i = 4; i <= 8; i++) capture()
  broadcaster.flush()
  broadcaster.flush()
  full = false
  broadcaster.flush()
  assert.deepEqual(slow.sizes(), [3, 3, 3, 1])
  assert.deepEqual(slow.seqs(), [1, 2, 3, 1, 3, 4, 5, 6, 7, 8])
  assert.deepEqual(
    slow.batches[1]!.map((s) => s.status),
    [500, 503, 200],
  )
})

test('an exchange evicted while its subscriber was behind is not sent to it when it catches up', () => {
  const store = new ExchangeStore({ maxExchanges: 3 })
  const { broadcaster, capture } = setup({}, store)
  let full = false
  const slow = collector(() => full)
  broadcaster.subscribe(slow.subscriber)
  capture()
  capture()
  broadcaster.flush()
  full = true
  capture({ ...makeRecord(1), status: 500 })
  capture()
  capture()
  capture()
  broadcaster.flush()
  full = false
  broadcaster.flush()
  assert.deepEqual(slow.seqs(), [1, 2, 3, 4, 5])
})

test('a subscriber whose backedUp check throws is taken as keeping up', () => {
  const { broadcaster, capture } = setup()
  const c = collector(() => {
    throw new Error('window gone')
  })
  broadcaster.subscribe(c.subscriber)
  capture()
  broadcaster.flush()
  assert.deepEqual(c.seqs(), [1])
})

test("a subscriber's delivery error goes to onError, and its next batch is still sent", () => {
  const errors: unknown[] = []
  const { broadcaster, capture } = setup({ onError: (e) => errors.push(e) })
  let calls = 0
  broadcaster.subscribe({
    deliver: () => {
      calls++
      throw new Error(`delivery ${calls}`)
    },
  })
  capture()
  broadcaster.flush()
  capture()
  broadcaster.flush()
  assert.equal(calls, 2)
  assert.deepEqual(
    errors.map((e) => (e as Error).message),
    ['delivery 1', 'delivery 2'],
  )
})

test('a subscriber that backs up after it was sent a batch is owed only updates to exchanges it already had', () => {
  const { broadcaster, capture } = setup()
  let full = false
  const slow = collector(() => full)
  broadcaster.subscribe(slow.subscriber)
  capture()
  broadcaster.flush()
  full = true
  capture()
  capture({ ...makeRecord(2), status: 404 })
  capture({ ...makeRecord(1), status: 500 })
  broadcaster.flush()
  full = false
  broadcaster.flush()
  assert.deepEqual(
    slow.batches.flat().map((s) => [s.seq, s.status]),
    [
      [1, 200],
      [1, 500],
      [2, 404],
    ],
  )
})

test('an update queued in the batch that finds a subscriber drained is sent to it with its catch-up', () => {
  const { broadcaster, capture } = setup()
  let full = false
  const slow = collector(() => full)
  broadcaster.subscribe(slow.subscriber)
  for (let i = 1; i <= 3; i++) capture()
  broadcaster.flush()
  full = true
  capture()
  broadcaster.flush()
  full = false
  capture({ ...makeRecord(1), status: 500 })
  broadcaster.flush()
  assert.deepEqual(
    slow.batches.flat().map((s) => [s.seq, s.status]),
    [
      [1, 200],
      [2, 200],
      [3, 200],
      [1, 500],
      [4, 200],
    ],
  )
})

test('a subscriber that joined after a record was queued gets what came after it, in push order, around a skipped one', () => {
  const store = new ExchangeStore()
  const { broadcaster, capture } = setup({}, store)
  const early = collector()
  broadcaster.subscribe(early.subscriber)
  capture()
  const late = collector()
  broadcaster.subscribe(late.subscriber)
  capture()
  const pending = new PendingRecord('p', 'l1', 1, request({ target: '/p' }))
  broadcaster.push(pending, store.put(pending))
  pending.superseded = true
  const done = { ...makeRecord(9), id: 'p' }
  broadcaster.push(done, store.put(done))
  broadcaster.flush()
  assert.deepEqual(
    early.batches.flat().map((s) => s.id),
    ['x1', 'x2', 'p'],
  )
  assert.deepEqual(
    late.batches.flat().map((s) => s.id),
    ['x2', 'p'],
  )
})

test('a subscriber backed up when it joins gets the next batch as it was queued, once it has drained', () => {
  const { broadcaster, capture } = setup()
  broadcaster.subscribe(collector().subscriber)
  capture()
  let full = true
  const joiner = collector(() => full)
  broadcaster.subscribe(joiner.subscriber)
  broadcaster.flush()
  full = false
  capture()
  capture({ ...makeRecord(1), status: 500 })
  broadcaster.flush()
  assert.deepEqual(
    joiner.batches.map((b) => b.map((s) => [s.seq, s.status])),
    [
      [
        [2, 200],
        [1, 500],
      ],
    ],
  )
  broadcaster.close()
})

test('a flush that was due on the next turn is called off when the last subscriber leaves, so the next one waits for its timer', async () => {
  const { broadcaster, capture } = setup({ maxItems: 2 })
  const first = collector()
  const sub = broadcaster.subscribe(first.subscriber)
  capture()
  capture()
  sub.unsubscribe()
  const next = collector()
  broadcaster.subscribe(next.subscriber)
  capture()
  await new Promise((r) => setImmediate(r))
  await new Promise((r) => setImmediate(r))
  assert.deepEqual(first.batches, [])
  assert.deepEqual(next.batches, [], 'one below the bound waits for the timer')
  broadcaster.flush()
  assert.deepEqual(next.seqs(), [3])
  broadcaster.close()
})

test('a subscriber sent an update after newer exchanges catches up from the newest it had, with no duplicate', () => {
  const { broadcaster, capture } = setup()
  let full = false
  const slow = collector(() => full)
  broadcaster.subscribe(slow.subscriber)
  capture()
  broadcaster.flush()
  capture()
  capture({ ...makeRecord(1), status: 500 })
  broadcaster.flush()
  full = true
  capture()
  broadcaster.flush()
  full = false
  broadcaster.flush()
  assert.deepEqual(slow.seqs(), [1, 2, 1, 3])
})
