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
  function autocannon(options: Options): Promise<Result>
  export default autocannon
}
