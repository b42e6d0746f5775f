/**
 * One recorded exchange, as a session stores it: the request as it went upstream (absolute URL, headers as
 * sent) and the response as it came back, with both bodies as exact bytes. Plain data: no streams, no classes.
 */
import type { Headers } from '../core/message.ts'

export interface RecordedRequest {
  readonly method: string
  /** Absolute URL (`http://host/path?query`) as the request went upstream. */
  readonly url: string
  /** `1.1`, `2.0`, … (no `HTTP/` prefix). */
  readonly version: string
  readonly headers: Headers
  readonly body: Uint8Array
  /** Trailer fields after the body (HTTP/2, HTTP/1.1 chunked), when some came. */
  readonly trailers?: Headers
}

export interface RecordedResponse {
  readonly status: number
  readonly reason: string
  readonly version: string
  readonly headers: Headers
  readonly body: Uint8Array
  /** Trailer fields after the body (gRPC's `grpc-status`, …), when some came. */
  readonly trailers?: Headers
}

export interface RecordedExchange {
  /** Epoch milliseconds when the request arrived. */
  readonly startedAt: number
  /** Milliseconds from the request's arrival to the end of the response body. */
  readonly durationMs: number
  /** Milliseconds from the request's arrival to the response head, when known. */
  readonly waitMs?: number
  readonly request: RecordedRequest
  readonly response: RecordedResponse
  /** Real body lengths when a body was longer than the recording cap and `body` holds only its start. */
  readonly truncated?: { readonly request?: number; readonly response?: number }
  /**
   * A body that did not all arrive: the request's when the exchange was answered before the client had sent it
   * all, the response's when the upstream's connection broke mid-body. The value is how many bytes never
   * arrived, by the message's Content-Length, or null when its length was not known (chunked).
   */
  readonly incomplete?: { readonly request?: number | null; readonly response?: number | null }
  /** Present when Nanoscope made the response itself (the upstream refused, timed out, reset…): why. */
  readonly generated?: { readonly cause: string; readonly message: string }
  /** Labels: `recorded`, `chaos`…, and `client-aborted` when the client went away before the exchange was over. */
  readonly tags?: readonly string[]
  /** Free text: what a chaos behaviour did, or that the client went away while the response body streamed. */
  readonly note?: string
}

/** Where recorded exchanges go (a session writer, or anything else that keeps them). */
export interface ExchangeWriter {
  /** Must not throw on the request path; a failure is reported through the returned promise. */
  append(exchange: RecordedExchange): Promise<void>
  /**
   * Like `append`, without a promise per record (the recording filter's hot path): `settled` hears once, with
   * undefined when the record was written or the error when not. May throw for a record it cannot encode.
   */
  enqueue?(exchange: RecordedExchange, settled: (error: Error | undefined) => void): void
  readonly description?: string
}
