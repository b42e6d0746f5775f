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
  const sliced = new SlicedMeasurement()
  await sliced.slice(url, load)
  return sliced.result()
}

/**
 * One measurement made of several runs (slices) of the same load against one URL, between which other URLs are
 * measured: the bench interleaves a scenario with its anchor second by second, so the machine's speed, which drifts
 * over seconds, is shared by both. Requests, time, bytes and every response time add up across slices.
 */
export class SlicedMeasurement {
  private readonly latencies = new LatencyLog()
  private requests = 0
  private seconds = 0
  private bytes = 0
  private errors = 0
  private non2xx = 0

  /** Runs `load` against `url` for `load.durationS` seconds and adds the run to this measurement. */
  async slice(url: string, load: LoadSettings): Promise<void> {
    const instance = autocannon({
      url,
      connections: load.connections,
      pipelining: load.pipelining,
      duration: load.durationS,
      timeout: 10,
    })
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
      if (statusCode >= 200 && statusCode < 300) this.latencies.add(responseTime)
    })
    const r = await instance
    this.requests += r.requests.total
    this.seconds += r.duration > 0 ? r.duration : load.durationS
    this.bytes += r.throughput.total
    this.errors += r.errors + r.timeouts
    this.non2xx += r.non2xx
  }

  result(): Measurement {
    const sorted = this.latencies.sorted()
    const seconds = Math.max(this.seconds, 1e-9)
    return {
      reqPerS: this.requests / seconds,
      p50Ms: percentile(sorted, 0.5) ?? 0,
      p99Ms: percentile(sorted, 0.99) ?? 0,
      meanMs:
        sorted.length === 0 ? 0 : Math.round((sorted.reduce((sum, v) => sum + v, 0) / sorted.length) * 1000) / 1000,
      requests: this.requests,
      errors: this.errors,
      non2xx: this.non2xx,
      mbPerS: this.bytes / seconds / 1e6,
    }
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
