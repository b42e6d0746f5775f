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

export async function measure(url: string, load: LoadSettings): Promise<Measurement> {
  const r = await autocannon({ url, connections: load.connections, pipelining: load.pipelining, duration: load.durationS, timeout: 10 })
  const seconds = r.duration > 0 ? r.duration : load.durationS
  return {
    reqPerS: r.requests.total / seconds,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
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
