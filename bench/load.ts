/** One autocannon measurement (programmatic API, in the orchestrating process), reduced to what we report. */
import autocannon from 'autocannon'

export interface LoadSettings {
  readonly connections: number
  readonly pipelining: number
  readonly durationS: number
}

export interface Measurement {
  readonly reqPerS: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly meanMs: number
  readonly requests: number
  readonly errors: number
  readonly non2xx: number
  readonly mbPerS: number
  /** CPU microseconds per request spent by each process (measured with `process.cpuUsage()` around the run). */
  readonly cpuUsPerReq?: { readonly proxy?: number; readonly upstream: number; readonly loadGenerator: number }
}

/**
 * Latencies are taken from autocannon's per-response times (fractional milliseconds), not its histogram, which
 * keeps whole milliseconds: with a bare pipe at 3 ms p99, whole milliseconds can only say 1.33× or 2.00× for a
 * proxy at 4 or 6, and nothing between. Like autocannon's own figures, only 2xx responses count.
 */
export async function measure(url: string, load: LoadSettings): Promise<Measurement> {
  const instance = autocannon({ url, connections: load.connections, pipelining: load.pipelining, duration: load.durationS, timeout: 10 })
  const latencies = new LatencyLog()
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    if (statusCode >= 200 && statusCode < 300) latencies.add(responseTime)
  })
  const r = await instance
  const seconds = r.duration > 0 ? r.duration : load.durationS
  const sorted = latencies.sorted()
  return {
    reqPerS: r.requests.total / seconds,
    p50Ms: percentile(sorted, 0.5) ?? r.latency.p50,
    p99Ms: percentile(sorted, 0.99) ?? r.latency.p99,
    meanMs: r.latency.mean,
    requests: r.requests.total,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
    mbPerS: r.throughput.average / 1e6,
  }
}

/** A short untimed run so every process has warmed its JIT and pools before the measured one. */
export async function warmUp(url: string, load: LoadSettings, seconds: number): Promise<void> {
  await autocannon({ url, connections: load.connections, pipelining: load.pipelining, duration: seconds, timeout: 10 })
}

/** Response times in milliseconds, kept in a growing Float64Array (one number per response, no objects). */
class LatencyLog {
  private values = new Float64Array(1 << 16)
  private count = 0

  add(ms: number): void {
    if (this.count === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2)
      bigger.set(this.values)
      this.values = bigger
    }
    this.values[this.count++] = ms
  }

  sorted(): Float64Array {
    return this.values.slice(0, this.count).sort()
  }
}

/** The nearest-rank percentile (q in 0..1) of sorted values, rounded to the microsecond; undefined when empty. */
function percentile(sorted: Float64Array, q: number): number | undefined {
  if (sorted.length === 0) return undefined
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
  return Math.round(sorted[rank]! * 1000) / 1000
}
