/**
 * wrk (https://github.com/wg/wrk, `apt-get install wrk`) as the load generator: a C client whose own cost is a
 * fraction of autocannon's, run as its own process pinned to a core with `taskset`, so the proxy under test can have
 * the other core to itself. `runWrk` runs it once and reads its `--latency` report into the bench's `Measurement`.
 */
import { execFile, execFileSync } from 'node:child_process'
import type { Measurement } from './load.ts'

/** Whether a program answers on this machine (`wrk --version` exits 1 after printing its usage, so any run counts). */
export function hasProgram(name: string): boolean {
  try {
    execFileSync(name, ['--version'], { stdio: 'ignore', timeout: 5000 })
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ENOENT'
  }
}

export interface WrkLoad {
  readonly connections: number
  readonly durationS: number
  /** The CPU list wrk is pinned to (`taskset -c`), e.g. `'0'`; unpinned when absent. */
  readonly cpu?: string
}

/** One wrk run (one thread) against `url`; rejects when wrk fails or does not finish within its duration plus 30 s. */
export function runWrk(url: string, load: WrkLoad): Promise<Measurement> {
  const wrk = ['wrk', '-t1', `-c${load.connections}`, `-d${load.durationS}s`, '--latency', '--timeout', '10s', url]
  const [file, ...args] = load.cpu === undefined ? wrk : ['taskset', '-c', load.cpu, ...wrk]
  return new Promise((resolve, reject) => {
    execFile(file!, args, { timeout: (load.durationS + 30) * 1000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`wrk failed: ${error.message} ${stderr}`.trim()))
      else {
        try {
          resolve(parseWrk(stdout))
        } catch (e) {
          reject(e)
        }
      }
    })
  })
}

const TIME_UNITS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 }
const BYTE_UNITS: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 }

/** A wrk time (`187.00us`, `2.80ms`, `1.02s`) in milliseconds. */
function ms(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m|h)$/.exec(text)
  if (!m) throw new Error(`wrk: not a time: ${text}`)
  return Number(m[1]) * TIME_UNITS[m[2]!]!
}

/**
 * wrk's report (run with `--latency`) as a Measurement: requests/s, the 50th and 99th percentiles and the mean of
 * the latency, requests, socket errors (connect, read, write, timeout) and responses with a status of 400 or more
 * (what wrk counts as "Non-2xx or 3xx"). Throws, quoting the report, where a figure is missing.
 */
export function parseWrk(report: string): Measurement {
  const need = (re: RegExp, what: string): RegExpExecArray => {
    const m = re.exec(report)
    if (!m) throw new Error(`wrk: no ${what} in its report:\n${report}`)
    return m
  }
  const total = need(/(\d+) requests in ([\d.]+\w+), ([\d.]+)(B|KB|MB|GB|TB) read/, 'request count')
  const seconds = ms(total[2]!) / 1000
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(report)
  return {
    reqPerS: Number(need(/Requests\/sec:\s+([\d.]+)/, 'Requests/sec')[1]),
    p50Ms: ms(need(/^\s+50%\s+(\S+)/m, '50th percentile')[1]!),
    p99Ms: ms(need(/^\s+99%\s+(\S+)/m, '99th percentile')[1]!),
    meanMs: ms(need(/^\s+Latency\s+(\S+)/m, 'mean latency')[1]!),
    requests: Number(total[1]),
    errors: errors ? errors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0,
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(report)?.[1] ?? 0),
    mbPerS: (Number(total[3]) * BYTE_UNITS[total[4]!]!) / seconds / 1e6,
  }
}
