/**
 * The capture store and broadcaster under arbitrary sequences of new exchanges, updates, clears, bound
 * changes, flushes and subscribers that back up and recover: the bounds always hold, the body-byte count is
 * exact, seqs rise, and every subscriber sees each exchange once (plus its updates), never out of order.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { CaptureHub } from '../../electron/capture/capture-hub.ts'
import type { ExchangeSummary } from '../../shared/exchange.ts'
import { makeRecord } from '../capture/fixtures.ts'

type Op =
  | { op: 'add'; body: number }
  | { op: 'update'; pick: number; body: number }
  | { op: 'clear' }
  | { op: 'bounds'; maxExchanges: number; maxTotalBodyBytes: number }
  | { op: 'flush' }
  | { op: 'subscribe' }
  | { op: 'unsubscribe'; pick: number }
  | { op: 'backUp'; pick: number; backedUp: boolean }

const ops: fc.Arbitrary<Op[]> = fc.array(
  fc.oneof(
    { weight: 10, arbitrary: fc.record({ op: fc.constant('add' as const), body: fc.integer({ min: 0, max: 300 }) }) },
    {
      weight: 3,
      arbitrary: fc.record({
        op: fc.constant('update' as const),
        pick: fc.nat(),
        body: fc.integer({ min: 0, max: 300 }),
      }),
    },
    { weight: 1, arbitrary: fc.constant({ op: 'clear' as const }) },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant('bounds' as const),
        maxExchanges: fc.integer({ min: 1, max: 30 }),
        maxTotalBodyBytes: fc.integer({ min: 0, max: 2000 }),
      }),
    },
    { weight: 4, arbitrary: fc.constant({ op: 'flush' as const }) },
    { weight: 2, arbitrary: fc.constant({ op: 'subscribe' as const }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('unsubscribe' as const), pick: fc.nat() }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('backUp' as const), pick: fc.nat(), backedUp: fc.boolean() }) },
  ),
  { maxLength: 120 },
)

interface Watcher {
  readonly snapshot: ExchangeSummary[]
  readonly received: ExchangeSummary[]
  backedUp: boolean
  unsubscribe(): void
  active: boolean
}

test('bounds hold, body bytes add up, and each subscriber sees every exchange once and in order', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 20 }),
      fc.integer({ min: 0, max: 1500 }),
      fc.integer({ min: 1, max: 8 }),
      ops,
      (maxExchanges, maxTotalBodyBytes, maxItems, script) => {
        const hub = new CaptureHub({ maxExchanges, maxTotalBodyBytes }, { intervalMs: 1_000_000, maxItems })
        const watchers: Watcher[] = []
        const ids: string[] = []
        const updates = new Map<string, number>()
        let n = 0
        try {
          for (const step of script) {
            switch (step.op) {
              case 'add': {
                n += 1
                ids.push(`x${n}`)
                hub.exchangeCompleted(makeRecord(n, step.body))
                break
              }
              case 'update': {
                const id = ids[step.pick % Math.max(1, ids.length)]
                // A tunnel's closing record: the only kind of update capture delivers.
                if (id) {
                  hub.exchangeCompleted({
                    ...makeRecord(Number(id.slice(1)), step.body, id),
                    tunnel: { bytesUp: 1, bytesDown: 2 },
                  })
                  updates.set(id, (updates.get(id) ?? 0) + 1)
                }
                break
              }
              case 'clear':
                hub.clear()
                break
              case 'bounds':
                hub.updateSettings({ maxExchanges: step.maxExchanges, maxTotalBodyBytes: step.maxTotalBodyBytes })
                break
              case 'flush':
                hub.broadcaster.flush()
                break
              case 'subscribe': {
                const w: Watcher = { snapshot: [], received: [], backedUp: false, unsubscribe: () => {}, active: true }
                const sub = hub.subscribe({
                  deliver: (batch) => {
                    assert.ok(batch.length <= maxItems)
                    w.received.push(...batch)
                  },
                  backedUp: () => w.backedUp,
                })
                watchers.push(Object.assign(w, { snapshot: sub.snapshot, unsubscribe: sub.unsubscribe }))
                break
              }
              case 'unsubscribe': {
                const w = watchers[step.pick % Math.max(1, watchers.length)]
                if (w?.active) {
                  w.unsubscribe()
                  w.active = false
                }
                break
              }
              case 'backUp': {
                const w = watchers[step.pick % Math.max(1, watchers.length)]
                if (w) w.backedUp = step.backedUp
                break
              }
            }
            assertStoreSound(hub)
          }
          // Everyone drains; what is still stored must have reached every active subscriber.
          for (const w of watchers) w.backedUp = false
          hub.broadcaster.flush()
          hub.broadcaster.flush()
          for (const w of watchers.filter((x) => x.active)) assertSawEverything(hub, w, updates)
        } finally {
          hub.close()
        }
      },
    ),
    { numRuns: Number(process.env.FUZZ_RUNS ?? 300) },
  )
})

function assertStoreSound(hub: CaptureHub): void {
  const { store, settings } = hub
  const all = store.summaries()
  assert.ok(store.size <= settings.maxExchanges, `${store.size} stored, bound ${settings.maxExchanges}`)
  assert.ok(
    store.totalBodyBytes <= settings.maxTotalBodyBytes,
    `${store.totalBodyBytes} body bytes, bound ${settings.maxTotalBodyBytes}`,
  )
  assert.equal(all.length, store.size)
  let bytes = 0
  for (const s of all) bytes += Buffer.from(store.detail(s.id)!.responseBody?.base64 ?? '', 'base64').length
  assert.equal(store.totalBodyBytes, bytes, 'the byte count matches what is stored')
  for (let i = 1; i < all.length; i++) assert.ok(all[i]!.seq > all[i - 1]!.seq, 'seqs rise')
  const cut = all[Math.floor(all.length / 2)]?.seq ?? 0
  assert.deepEqual(
    store.summariesAfter(cut).map((s) => s.id),
    all.filter((s) => s.seq > cut).map((s) => s.id),
  )
}

function assertSawEverything(hub: CaptureHub, w: Watcher, updates: ReadonlyMap<string, number>): void {
  const times = new Map<string, number>()
  for (const s of [...w.snapshot, ...w.received]) times.set(s.id, (times.get(s.id) ?? 0) + 1)
  for (const [id, count] of times)
    assert.ok(count <= 1 + (updates.get(id) ?? 0), `${id} arrived ${count} times with ${updates.get(id) ?? 0} updates`)
  const firstSeen = new Map<string, number>()
  let highest = Math.max(0, ...w.snapshot.map((s) => s.seq))
  for (const s of w.snapshot) firstSeen.set(s.id, s.seq)
  for (const s of w.received) {
    if (firstSeen.has(s.id)) {
      assert.equal(firstSeen.get(s.id), s.seq, 'an update keeps its seq')
      continue
    }
    assert.ok(
      s.seq > highest,
      `a new exchange (seq ${s.seq}) arrived after a later one (seq ${highest}): out of order or twice`,
    )
    highest = s.seq
    firstSeen.set(s.id, s.seq)
  }
  for (const s of hub.summaries())
    assert.ok(firstSeen.has(s.id), `stored exchange ${s.id} (seq ${s.seq}) never reached a subscriber`)
}

test('a tunnel that closes after its exchange was cleared or evicted does not come back as a new one', () => {
  const hub = new CaptureHub({ maxExchanges: 2 }, { intervalMs: 1_000_000 })
  try {
    const closing = (n: number) => ({ ...makeRecord(n), tunnel: { bytesUp: 10, bytesDown: 20 } })
    hub.exchangeCompleted({ ...makeRecord(1), outcome: { kind: 'pending' } })
    hub.clear()
    hub.exchangeCompleted(closing(1))
    assert.equal(hub.summaries().length, 0, 'cleared stays cleared')
    hub.exchangeCompleted({ ...makeRecord(2), outcome: { kind: 'pending' } })
    hub.exchangeCompleted(makeRecord(3))
    hub.exchangeCompleted(makeRecord(4))
    hub.exchangeCompleted(closing(2))
    assert.deepEqual(
      hub.summaries().map((s) => s.id),
      ['x3', 'x4'],
      'evicted stays evicted',
    )
    hub.exchangeCompleted({ ...makeRecord(5), outcome: { kind: 'pending' } })
    hub.exchangeCompleted(closing(5))
    assert.deepEqual(hub.detail('x5')?.tunnel, { bytesUp: 10, bytesDown: 20 }, 'a close still updates a stored tunnel')
  } finally {
    hub.close()
  }
})
