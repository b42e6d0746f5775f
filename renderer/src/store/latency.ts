/**
 * Incremental latency aggregation: per-second buckets over a sliding window, and per-host totals since the
 * last clear. Each latency lands in a log-scaled histogram (8 bins per doubling, so a percentile is within
 * ~9% of the true value), which makes adding an exchange O(1) and a percentile a scan of a few hundred bins,
 * whatever the traffic rate.
 *
 * Beware: the aggregator is mutable and lives in the store by reference; charts read it on their own timer.
 */
import type { ExchangeSummary } from '../../../shared/exchange.ts'

export const WINDOW_SECONDS = 300
const BINS_PER_DOUBLING = 8
/** Bin 0 holds everything at or under 2^(MIN_EXP) ms (~0.06 ms); the last bin everything over ~18 min. */
const MIN_EXP = -4
const MAX_EXP = 20
export const BIN_COUNT = (MAX_EXP - MIN_EXP) * BINS_PER_DOUBLING + 1

/** The upper bound of a bin, in ms. */
export function binUpperBound(bin: number): number {
  return 2 ** (MIN_EXP + bin / BINS_PER_DOUBLING)
}

export function binOf(ms: number): number {
  if (!(ms > 0)) return 0
  const b = Math.ceil((Math.log2(ms) - MIN_EXP) * BINS_PER_DOUBLING - 1e-9)
  return Math.min(BIN_COUNT - 1, Math.max(0, b))
}

export class Histogram {
  readonly bins = new Uint32Array(BIN_COUNT)
  count = 0
  add(ms: number): void {
    this.bins[binOf(ms)]!++
    this.count++
  }
  addAll(other: Histogram): void {
    for (let i = 0; i < BIN_COUNT; i++) this.bins[i]! += other.bins[i]!
    this.count += other.count
  }
  /** The q-quantile (0..1), as the upper bound of the bin holding it; undefined when empty. */
  quantile(q: number): number | undefined {
    if (this.count === 0) return undefined
    const rank = Math.max(1, Math.ceil(q * this.count))
    let seen = 0
    for (let i = 0; i < BIN_COUNT; i++) {
      seen += this.bins[i]!
      if (seen >= rank) return binUpperBound(i)
    }
    return binUpperBound(BIN_COUNT - 1)
  }
}

export interface SecondBucket {
  readonly second: number
  count: number
  errors: number
  readonly latency: Histogram
  /** The same second's latencies per host (for the percentile chart of one host). */
  readonly byHost: Map<string, Histogram>
}

export interface HostStats {
  readonly host: string
  count: number
  errors: number
  readonly latency: Histogram
}

export interface SecondPoint {
  readonly second: number
  readonly count: number
  readonly errors: number
  readonly p50: number | undefined
  readonly p95: number | undefined
  readonly p99: number | undefined
}

export interface HostRow {
  readonly host: string
  readonly count: number
  readonly errorRate: number
  readonly p50: number | undefined
  readonly p95: number | undefined
  readonly p99: number | undefined
}

/** Errors are server errors (5xx) and exchanges that failed or were aborted. */
export function isError(e: ExchangeSummary): boolean {
  return e.outcome.kind === 'failed' || e.outcome.kind === 'aborted' || (e.status !== undefined && e.status >= 500)
}

/** Finished exchanges are aggregated once, when first seen finished. */
export function isFinished(e: ExchangeSummary): boolean {
  return e.outcome.kind !== 'pending'
}

export class LatencyAggregator {
  private readonly seconds = new Map<number, SecondBucket>()
  private readonly hosts = new Map<string, HostStats>()
  private latest = 0
  total = 0

  add(e: ExchangeSummary): void {
    const duration = e.durationMs ?? 0
    const second = Math.floor((e.startedAt + duration) / 1000)
    if (second > this.latest) {
      this.latest = second
      this.prune()
    }
    if (second > this.latest - WINDOW_SECONDS) {
      let bucket = this.seconds.get(second)
      if (!bucket) {
        bucket = { second, count: 0, errors: 0, latency: new Histogram(), byHost: new Map() }
        this.seconds.set(second, bucket)
      }
      this.record(bucket, e, duration)
      if (e.durationMs !== undefined) {
        let hostLatency = bucket.byHost.get(e.host)
        if (!hostLatency) {
          hostLatency = new Histogram()
          bucket.byHost.set(e.host, hostLatency)
        }
        hostLatency.add(duration)
      }
    }
    let host = this.hosts.get(e.host)
    if (!host) {
      host = { host: e.host, count: 0, errors: 0, latency: new Histogram() }
      this.hosts.set(e.host, host)
    }
    this.record(host, e, duration)
    this.total++
  }

  private record(into: { count: number; errors: number; latency: Histogram }, e: ExchangeSummary, ms: number): void {
    into.count++
    if (isError(e)) into.errors++
    if (e.durationMs !== undefined) into.latency.add(ms)
  }

  private prune(): void {
    for (const s of this.seconds.keys()) if (s <= this.latest - WINDOW_SECONDS) this.seconds.delete(s)
  }

  clear(): void {
    this.seconds.clear()
    this.hosts.clear()
    this.latest = 0
    this.total = 0
  }

  /**
   * One point per second for the window ending at `nowSecond` (inclusive), oldest first; gaps are zero. With
   * `host`, the percentiles are that host's (counts stay every host's).
   */
  series(nowSecond: number, window = WINDOW_SECONDS, host?: string): SecondPoint[] {
    const out: SecondPoint[] = []
    for (let s = nowSecond - window + 1; s <= nowSecond; s++) {
      const b = this.seconds.get(s)
      const latency = b && (host === undefined ? b.latency : b.byHost.get(host))
      out.push(
        b
          ? {
              second: s,
              count: b.count,
              errors: b.errors,
              p50: latency?.quantile(0.5),
              p95: latency?.quantile(0.95),
              p99: latency?.quantile(0.99),
            }
          : { second: s, count: 0, errors: 0, p50: undefined, p95: undefined, p99: undefined },
      )
    }
    return out
  }

  /** All latencies in the window ending at `nowSecond`, merged. */
  windowHistogram(nowSecond: number, window = WINDOW_SECONDS): Histogram {
    const h = new Histogram()
    for (const b of this.seconds.values())
      if (b.second > nowSecond - window && b.second <= nowSecond) h.addAll(b.latency)
    return h
  }

  /** Per-host totals since the last clear, busiest first. */
  hostRows(): HostRow[] {
    return [...this.hosts.values()]
      .map((h) => ({
        host: h.host,
        count: h.count,
        errorRate: h.count === 0 ? 0 : h.errors / h.count,
        p50: h.latency.quantile(0.5),
        p95: h.latency.quantile(0.95),
        p99: h.latency.quantile(0.99),
      }))
      .sort((a, b) => b.count - a.count || a.host.localeCompare(b.host))
  }
}
