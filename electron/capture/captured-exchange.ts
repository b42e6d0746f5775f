/**
 * What capture records about one exchange, in main-process form (bodies as bytes, headers as sent). The store
 * turns it into the plain `ExchangeSummary` / `ExchangeDetail` shapes the UI gets (shared/exchange.ts).
 */
import type { Headers, TunnelStats } from '../core/message.ts'
import type { ExchangeSummary, WebsocketFrame } from '../../shared/exchange.ts'

/** A captured body: up to the cap, with the real length. `bytes` is never larger than the cap it was taken at. */
export interface StoredBody {
  readonly bytes: Uint8Array
  /** The real length in bytes (what went over the wire), even when `bytes` is shorter. */
  readonly size: number
  readonly truncated: boolean
  /**
   * Present when the body did not all go by (answered before the upload was sent, cut off mid-way): the bytes that
   * never did, by its declared length, or null when the length was unknown. `size` is then the declared length.
   */
  readonly missing?: number | null
  /** Set when the store dropped the bytes to keep within its byte bound (the exchange stays; `size` is still real). */
  readonly dropped?: true
  /**
   * The same bytes as the chunks they arrived in, when there were several (capture's `BodyKeeper`): `bytes` joins
   * them only when read, so a record can copy them once, straight into its slab.
   */
  readonly parts?: readonly Uint8Array[]
}

/**
 * The summary's fields (shared/exchange.ts) without the store-assigned `seq`, plus what only main holds:
 * the target as sent, headers as sent, bodies as bytes, tunnel statistics.
 */
export interface CapturedExchange extends Omit<ExchangeSummary, 'seq'> {
  /** The request-target exactly as the client sent it. */
  readonly target: string
  readonly requestHeaders: Headers
  readonly responseHeaders: Headers
  readonly requestBody: StoredBody | null
  readonly responseBody: StoredBody | null
  /** Trailer fields after each body (HTTP/2, HTTP/1.1 chunked), when some came. */
  readonly requestTrailers?: Headers
  readonly responseTrailers?: Headers
  /** HTTP/2 requests: the pseudo-header fields as the wire had them. */
  readonly requestPseudoHeaders?: Headers
  readonly tunnel?: TunnelStats
  /** The body bytes kept (both bodies), where the record can say so without making a view of each body. */
  readonly keptBodyBytes?: number
}

/**
 * Where capture sends records (http4k's `TrafficFilters.RecordTo(sink)`). Called once per exchange when it
 * ends; for tunnels, once when the head comes back and again, with the same id, when the tunnel closes.
 * Beware: this is called on the request path, so it must be quick and must not throw (a throw is swallowed).
 */
export interface CaptureSink {
  /**
   * Optional: the exchange's request head has just been read; the record is marked pending. Sinks that have it
   * get `exchangeCompleted` with `started` true for the same id later (sinks without it see only completions).
   */
  exchangeStarted?(record: CapturedExchange): void
  /** `started`: `exchangeStarted` was called for this id, so this record updates that one. */
  exchangeCompleted(record: CapturedExchange, started?: boolean): void
  /** Each websocket frame seen in an upgraded exchange, as it passes (optional: sinks that ignore frames omit it). */
  websocketFrame?(exchangeId: string, frame: WebsocketFrame): void
}

/** A shape with its readonly fields writable, for building a value field by field before handing it on. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] }
