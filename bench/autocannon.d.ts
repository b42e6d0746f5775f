/** The slice of autocannon 9's programmatic API the benchmarks use (the package ships no types). */
declare module 'autocannon' {
  interface Histogram {
    average: number
    mean: number
    stddev: number
    min: number
    max: number
    total: number
    p50: number
    p90: number
    p99: number
  }
  interface Options {
    url: string
    connections?: number
    pipelining?: number
    duration?: number
    /** Stop after this many requests (instead of after `duration`). */
    amount?: number
    timeout?: number
    headers?: Record<string, string>
  }
  interface Result {
    requests: Histogram
    latency: Histogram
    throughput: Histogram
    duration: number
    errors: number
    timeouts: number
    non2xx: number
    resets: number
    '2xx': number
  }
  /** The running load: a promise of the result, and an emitter of each response (`responseTime` in fractional ms). */
  interface Instance extends Promise<Result> {
    on(
      event: 'response',
      listener: (client: unknown, statusCode: number, bytes: number, responseTime: number) => void,
    ): Instance
  }
  function autocannon(options: Options): Instance
  export default autocannon
}
