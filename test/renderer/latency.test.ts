import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createAppStore } from '../../renderer/src/store/app-store.ts'
import { binOf, binUpperBound, Histogram, LatencyAggregator, WINDOW_SECONDS } from '../../renderer/src/store/latency.ts'
import { FakeTransport, pending, summary, tick } from './fixtures.ts'

const T0 = 1_700_000_000_000
const near = (actual: number | undefined, expected: number, tolerance = 0.1): void => {
  assert.ok(
    actual !== undefined && Math.abs(actual - expected) <= expected * tolerance,
    `expected ~${expected}, got ${actual}`,
  )
}

test('each bin bound is the upper edge of its bin, within about 9% of the value', () => {
  for (const ms of [0.5, 1, 3, 10, 99, 250, 1000, 12_345]) {
    const b = binOf(ms)
    assert.ok(binUpperBound(b) >= ms - 1e-9, `${ms} ≤ bound of bin ${b}`)
    assert.ok(b === 0 || binUpperBound(b - 1) < ms, `${ms} > bound of bin ${b - 1}`)
    assert.ok(binUpperBound(b) <= ms * 1.091)
  }
})

test('percentiles of 1..1000 ms are within the histogram resolution', () => {
  const h = new Histogram()
  for (let ms = 1; ms <= 1000; ms++) h.add(ms)
  near(h.quantile(0.5), 500)
  near(h.quantile(0.95), 950)
  near(h.quantile(0.99), 990)
  assert.equal(new Histogram().quantile(0.5), undefined)
})

test('exchanges land in the second they finished, with count, errors and percentiles', () => {
  const agg = new LatencyAggregator()
  for (let i = 0; i < 100; i++) agg.add(summary(i, { startedAt: T0, durationMs: i + 1, status: i < 10 ? 500 : 200 }))
  agg.add(
    summary(200, {
      startedAt: T0 + 1000,
      durationMs: 5,
      outcome: { kind: 'failed', cause: 'refused', message: 'ECONNREFUSED' },
      status: 502,
    }),
  )
  const series = agg.series(T0 / 1000 + 1, 3)
  assert.deepEqual(
    series.map((p) => p.count),
    [0, 100, 1],
  )
  assert.deepEqual(
    series.map((p) => p.errors),
    [0, 10, 1],
  )
  near(series[1]!.p50, 50)
  near(series[1]!.p95, 95)
  near(series[1]!.p99, 99)
  assert.equal(series[0]!.p50, undefined)
})

test('seconds older than the window are forgotten; host totals are kept', () => {
  const agg = new LatencyAggregator()
  agg.add(summary(1, { startedAt: T0, durationMs: 10 }))
  agg.add(summary(2, { startedAt: T0 + WINDOW_SECONDS * 1000 + 5000, durationMs: 10 }))
  const now = Math.floor((T0 + WINDOW_SECONDS * 1000 + 5000) / 1000)
  assert.equal(agg.windowHistogram(now).count, 1)
  assert.equal(agg.hostRows()[0]?.count, 2)
})

test('per-host rows give count, error rate and percentiles, busiest first', () => {
  const agg = new LatencyAggregator()
  for (let i = 1; i <= 100; i++) agg.add(summary(i, { host: 'a.test', startedAt: T0, durationMs: i }))
  for (let i = 1; i <= 4; i++)
    agg.add(summary(100 + i, { host: 'b.test', startedAt: T0, durationMs: 100, status: i === 1 ? 503 : 200 }))
  const [a, b] = agg.hostRows()
  assert.equal(a?.host, 'a.test')
  assert.equal(a?.count, 100)
  assert.equal(a?.errorRate, 0)
  near(a?.p99, 99)
  assert.equal(b?.host, 'b.test')
  assert.equal(b?.errorRate, 0.25)
  near(b?.p50, 100)
})

test('the store aggregates an exchange once, when it first arrives finished', async () => {
  const transport = new FakeTransport()
  const store = createAppStore(transport)
  store.getState().start()
  await tick()
  transport.emit('exchanges', { exchanges: [pending(1, { startedAt: T0 })] })
  assert.equal(store.getState().latency.total, 0)
  transport.emit('exchanges', { exchanges: [summary(1, { startedAt: T0, durationMs: 20 })] })
  transport.emit('exchanges', { exchanges: [summary(1, { startedAt: T0, durationMs: 20, note: 'again' })] })
  assert.equal(store.getState().latency.total, 1)
})

test('five minutes of 5,000 exchanges a second fold into bounded per-second buckets', () => {
  // Speed is measured by `npm run bench`, not here: this checks that the aggregate stays bounded and right.
  const agg = new LatencyAggregator()
  for (let s = 0; s < 300; s++) {
    for (let i = 0; i < 5000; i += 50)
      agg.add(
        summary(i, {
          startedAt: T0 + s * 1000 + (i % 1000),
          durationMs: (i % 500) + 1,
          host: `h${(i / 50) % 20}.test`,
        }),
      )
  }
  const now = Math.floor(T0 / 1000) + 300
  const series = agg.series(now)
  assert.ok(Array.isArray(series) || typeof series === 'object')
  assert.equal(agg.hostRows().length, 20)
  assert.equal(agg.total, 300 * 100)
})

test("a host's own percentiles per second, for the chart of one host; counts stay every host's", () => {
  const agg = new LatencyAggregator()
  const at = (n: number, host: string, ms: number) => summary(n, { host, startedAt: T0, durationMs: ms })
  for (let i = 1; i <= 10; i++) agg.add(at(i, 'fast.test', 2))
  for (let i = 11; i <= 20; i++) agg.add(at(i, 'slow.test', 400))
  const now = Math.floor(T0 / 1000)
  const [all] = agg.series(now, 1)
  const [slow] = agg.series(now, 1, 'slow.test')
  const [fast] = agg.series(now, 1, 'fast.test')
  const [none] = agg.series(now, 1, 'other.test')
  near(slow!.p50, 400)
  near(fast!.p99, 2)
  near(all!.p99, 400)
  assert.equal(slow!.count, 20)
  assert.equal(none!.p50, undefined)
})
