import type { WebsocketFrame } from '../../shared/exchange.ts'
/**
 * What capture records about one exchange, in main-process form (bodies as bytes, headers as sent). The store
 * turns it into the plain `ExchangeSummary` / `ExchangeDetail` shapes the UI gets (shared/exchange.ts).
 */
import type { Headers, TunnelStats } from '../core/message.ts'
import type { Outcome, Timings } from '../../shared/exchange.ts'

/** A captured body: up to the cap, with the real length. `bytes` is never larger than the cap it was taken at. */
export interface StoredBody {
  readonly bytes: Uint8Array
  /** The real length in bytes (what went over the wire), even when `bytes` is shorter. */
  readonly size: number
  readonly truncated: boolean
}

export interface CapturedExchange {
  readonly id: string
  readonly listenerId: string
  /** Epoch milliseconds, from the injected clock. */
  readonly startedAt: number
  readonly method: string
  /** The request-target exactly as the client sent it. */
  readonly target: string
  /** Absolute URL: the absolute-form target, else `http://<Host><target>`; `host:port` for CONNECT. */
  readonly url: string
  readonly host: string
  /** Path and query as sent (empty for authority-form CONNECT). */
  readonly path: string
  readonly httpVersion: string
  readonly requestHeaders: Headers
  readonly responseHeaders: Headers
  readonly status?: number
  readonly reason?: string
  readonly contentType?: string
  readonly requestSize?: number
  readonly responseSize?: number
  readonly timings: Timings
  readonly durationMs?: number
  readonly outcome: Outcome
  readonly tags: readonly string[]
  readonly note?: string
  readonly requestBody: StoredBody | null
  readonly responseBody: StoredBody | null
  readonly tunnel?: TunnelStats
}

/**
 * Where capture sends records (http4k's `TrafficFilters.RecordTo(sink)`). Called once per exchange when it
 * ends; for tunnels, once when the head comes back and again, with the same id, when the tunnel closes.
 * Beware: this is called on the request path, so it must be quick and must not throw (a throw is swallowed).
 */
export interface CaptureSink {
  exchangeCompleted(record: CapturedExchange): void
  /** Each websocket frame seen in an upgraded exchange, as it passes (optional: sinks that ignore frames omit it). */
  websocketFrame?(exchangeId: string, frame: WebsocketFrame): void
}
