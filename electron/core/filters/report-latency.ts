import type { Clock } from '../clock.ts'
import { describe, type Filter } from '../http.ts'

/** One exchange's timing. `url` is the target as this filter saw it; `generated` is the cause when Nanoscope made the response. */
export interface LatencyReport {
  readonly method: string
  readonly url: string
  readonly status: number
  readonly ms: number
  readonly generated?: string
}

/**
 * Reports how long each exchange took, from the request entering this filter to the response head coming back
 * (`clock.monotonic()`, so tests drive time). Body streaming time is not included.
 *
 * Beware: place it after `proxyHost()` to report absolute URLs. When `next` throws, nothing is reported and the
 * error goes on to `catchAll()`. `report` runs on the request path: it must be quick and must not throw.
 */
export function reportLatency(report: (line: LatencyReport) => void, clock: Clock): Filter {
  return describe('reports the time each exchange took', (next) =>
    async function reportExchangeLatency(req) {
      const started = clock.monotonic()
      const res = await next(req)
      const ms = clock.monotonic() - started
      report(
        res.generated
          ? { method: req.method, url: req.target, status: res.status, ms, generated: res.generated.cause }
          : { method: req.method, url: req.target, status: res.status, ms },
      )
      return res
    })
}

/** One line for a terminal: `GET http://example.com/a 200 12.3ms`, plus `(generated: refused)` when Nanoscope answered. */
export function formatLatency(r: LatencyReport): string {
  const line = `${r.method} ${r.url} ${r.status} ${r.ms.toFixed(1)}ms`
  return r.generated === undefined ? line : `${line} (generated: ${r.generated})`
}
