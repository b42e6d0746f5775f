/**
 * `recordTo(writer)`: the recording filter (http4k `TrafficFilters.RecordTo`). Put it where requests carry
 * their absolute upstream URL (a proxy's `inner` filters). Both bodies are teed as they stream by, so
 * nothing on the hot path waits for the disk; the exchange is appended when its response body has finished.
 */
import { describe, type Filter } from '../core/http.ts'
import { header, withTags, type Request } from '../core/message.ts'
import { systemClock, type Clock } from '../core/clock.ts'
import { teeBody, type CapturedBody } from '../core/filters/tee-body.ts'
import type { ExchangeWriter, RecordedExchange } from './recorded-exchange.ts'

export interface RecordToOptions {
  readonly clock?: Clock
  /** Bytes kept per body; longer bodies are recorded truncated, with their real length. Default 32 MiB. */
  readonly maxBodyBytes?: number
  /** Told about exchanges not recorded (aborted bodies, tunnels) and failed appends. */
  readonly onSkip?: (reason: string) => void
}

export const DEFAULT_MAX_RECORDED_BODY = 32 * 1024 * 1024

/** How long, after the response ends, to wait for an upload nobody finished reading before recording it. */
const REQUEST_BODY_GRACE_MS = 1000

/**
 * Records each exchange through `writer` and tags the response `recorded`. Exchanges whose bodies were cut
 * off (client or upstream went away) and tunnels (CONNECT, websockets) are not recorded: `onSkip` hears why.
 */
export function recordTo(writer: ExchangeWriter, options: RecordToOptions = {}): Filter {
  const clock = options.clock ?? systemClock
  const cap = options.maxBodyBytes ?? DEFAULT_MAX_RECORDED_BODY
  const skip = options.onSkip ?? (() => {})
  return describe(writer.description ?? 'records each exchange', (next) => async function recordExchange(req) {
    const startedAt = clock.now()
    const start = clock.monotonic()
    const requestTee = teeBody(req.body, cap)
    const res = await next(Object.freeze({ ...req, body: requestTee.body }))
    if (res.tunnel || req.method.toUpperCase() === 'CONNECT') {
      skip(`${req.method} ${req.target}: tunnels are not recorded`)
      return res
    }
    const waitMs = clock.monotonic() - start
    // The server always sends or destroys a response body, so it is watched as it is read: no extra stream.
    const responseTee = teeBody(res.body, cap, { watch: 'as-read' })
    void responseTee.captured.then(async (response) => {
      const durationMs = clock.monotonic() - start
      // Usually the request body has long finished (always, for a bytes body): then no grace timer is needed.
      const now = requestTee.current()
      const request = now.state !== 'streaming' ? now : await settleWithin(requestTee.captured, REQUEST_BODY_GRACE_MS, () => requestTee.current())
      if (response.state !== 'complete') return skip(`${req.method} ${req.target}: the response body did not finish (${response.error ?? response.state})`)
      if (request.state !== 'complete') return skip(`${req.method} ${req.target}: the request body did not finish (${request.error ?? request.state})`)
      const truncated = {
        ...(request.total > request.bytes.byteLength ? { request: request.total } : {}),
        ...(response.total > response.bytes.byteLength ? { response: response.total } : {}),
      }
      const exchange: RecordedExchange = {
        startedAt, durationMs: round(durationMs), waitMs: round(waitMs),
        request: { method: req.method, url: absoluteUrl(req), version: req.version, headers: req.headers, body: request.bytes },
        response: { status: res.status, reason: res.reason, version: res.version, headers: res.headers, body: response.bytes },
        ...(Object.keys(truncated).length > 0 ? { truncated } : {}),
        ...(res.tags && res.tags.length > 0 ? { tags: res.tags } : {}),
      }
      await writer.append(exchange)
    }).catch((error: unknown) => skip(`recording failed: ${(error as Error).message}`))
    return withTags(Object.freeze({ ...res, body: responseTee.body }), 'recorded')
  })
}

function settleWithin(p: Promise<CapturedBody>, ms: number, current: () => CapturedBody): Promise<CapturedBody> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(current()), ms)
    timer.unref()
    void p.then((c) => { clearTimeout(timer); resolve(c) })
  })
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000

/** The absolute-form target, or `http://<Host><target>` for an origin-form one. */
export function absoluteUrl(req: Request): string {
  if (!req.target.startsWith('/')) return req.target
  return `http://${header(req, 'Host') ?? 'localhost'}${req.target}`
}
