/**
 * Capture as a filter plus a sink (http4k `TrafficFilters.RecordTo`), so that the store, the UI and a recording are
 * just sinks, and the request path never waits on any of them. The filter keeps up to a cap of both bodies (the
 * request through a `BodyTap` stream, the response by watching its own stream) and hands one `CapturedExchange` to
 * the sink when the exchange is over.
 */
import { finished } from 'node:stream'
import { randomBytes } from 'node:crypto'
import { describe, type Filter } from '../core/http.ts'
import {
  streamBody,
  type Body,
  type Headers,
  type Request,
  type Response,
  type Tunnel,
  type TunnelStats,
} from '../core/message.ts'
import { observeStream, pipeBody, PREMATURE_CLOSE } from '../core/wire/stream-plumbing.ts'
import { atEnd, PENDING, trailersNow } from '../core/wire/trailers-at-end.ts'
import { frameForUi, tapWebsocket } from '../proxy/websocket-observer.ts'
import type { Clock } from '../core/clock.ts'
import type { Outcome, Timings } from '../../shared/exchange.ts'
import { BodyKeeper, BodyTap, storeBytes } from './body-tap.ts'
import type { CapturedExchange, CaptureSink, Mutable, StoredBody } from './captured-exchange.ts'
import { ExchangeRecord } from './exchange-record.ts'
import { PendingRecord } from './pending-record.ts'
import { watchOf, type AbortWatch, type AbortWatcher } from '../core/wire/abort-watch.ts'

export interface CaptureOptions {
  readonly listenerId: string
  readonly clock: Clock
  /** Bytes kept per body; read once per exchange, so a settings change applies to the next exchange. */
  readonly bodyCap: () => number
  /** Read once per exchange; when false the exchange passes straight through and nothing is recorded. */
  readonly enabled: () => boolean
  /** Makes exchange ids; defaults to a per-process prefix plus a counter. */
  readonly newId?: () => string
}

const ID_PREFIX = randomBytes(4).toString('hex')
let idCounter = 0
const nextId = (): string => `${ID_PREFIX}-${(++idCounter).toString(36)}`

/**
 * Records every exchange that passes, delivering it to `sink` once, when the response body has ended, failed
 * or been abandoned (and, to a sink with `exchangeStarted`, as pending when the request head is read). A response with a `tunnel` is delivered when its head comes back (outcome pending) and
 * again, with the same id, when the tunnel closes. Capture never throws into the request path: its own
 * failures are swallowed, and errors from `next` are recorded and rethrown unchanged.
 */
export function captureTo(sink: CaptureSink, options: CaptureOptions): Filter {
  return describe(`records each exchange for the inspector (listener ${options.listenerId})`, (next) =>
    async function captureExchange(req: Request): Promise<Response> {
      if (!options.enabled()) return next(req)
      let capture: Capture
      try {
        capture = new Capture(sink, options, req)
      } catch {
        return next(req)
      }
      let res: Response
      try {
        res = await next(capture.request)
      } catch (error) {
        capture.threw(error)
        throw error
      }
      return capture.responded(res)
    })
}

/** The state of one exchange being captured. */
class Capture implements AbortWatcher {
  readonly request: Request
  private readonly id: string
  private readonly startedAt: number
  private readonly start: number
  private readonly cap: number
  private readonly requestTap: BodyTap | undefined
  private requestComplete = false
  private requestBodyDone: number | undefined
  private responseHeaders: number | undefined
  private responseDone: number | undefined
  private res: Response | undefined
  private responseTap: BodyKeeper | undefined
  private responseComplete = false
  private delivered = false
  /** Set while this capture waits to hear that the client went away. */
  private watch: AbortWatch | undefined
  /** Trailer fields of each body, once known (`finish` waits for those whose body has ended). */
  private requestTrailers: Headers | undefined
  private responseTrailers: Headers | undefined
  /** What the sink was given when the request head was read (sinks with `exchangeStarted` only). */
  private started: PendingRecord | undefined

  constructor(
    private readonly sink: CaptureSink,
    private readonly options: CaptureOptions,
    private readonly original: Request,
  ) {
    this.id = (options.newId ?? nextId)()
    this.startedAt = options.clock.now()
    this.start = options.clock.monotonic()
    this.cap = Math.max(0, Math.floor(options.bodyCap()))
    if (original.body.kind === 'stream') {
      const tap = new BodyTap(this.cap)
      this.requestTap = tap
      pipeBody(original.body.stream, tap, (error) => tap.destroy(error))
      finished(tap, (error) => {
        this.requestComplete = !error
        if (!error) this.requestBodyDone = this.elapsed()
      })
      this.request = Object.freeze({ ...original, body: streamBody(tap, original.body.length), exchangeId: this.id })
    } else {
      this.requestTap = undefined
      this.requestComplete = true
      this.requestBodyDone = 0
      this.request = Object.freeze({ ...original, exchangeId: this.id })
    }
    const signal = original.signal
    if (signal && !signal.aborted) {
      this.watch = watchOf(signal)
      this.watch.watchers.add(this)
    }
    if (sink.exchangeStarted) {
      try {
        const started = new PendingRecord(this.id, options.listenerId, this.startedAt, original)
        sink.exchangeStarted(started)
        this.started = started
      } catch {
        // Capture must never break the exchange it watches.
      }
    }
  }

  /** The client went away (the request's signal aborted). */
  clientWentAway(): void {
    this.finish(abortedByClient)
  }

  threw(error: unknown): void {
    this.finish(
      this.original.signal?.aborted
        ? abortedByClient
        : { kind: 'failed', cause: 'internal', message: messageOf(error) },
    )
  }

  responded(res: Response): Response {
    if (this.delivered) return res
    this.res = res
    this.responseHeaders = this.elapsed()
    if (res.tunnel) return this.tunnelOpened(res, res.tunnel)
    if (res.body.kind === 'bytes') {
      this.responseComplete = true
      this.responseDone = this.responseHeaders
      this.finish(outcomeOf(res))
      return res
    }
    // The server always reads or destroys a response body, so it is watched as it goes, with no extra stream.
    this.responseTap = new BodyKeeper(this.cap)
    observeStream(res.body.stream, this)
    return res
  }

  /** Each response body chunk, as the server reads it (this is the response stream's observer). */
  data(chunk: Buffer | string): void {
    this.responseTap?.keep(chunk)
  }

  /** The response body ended, failed or was destroyed. */
  ended(error: Error | undefined): void {
    this.responseEnded(error)
  }

  private responseEnded(error: (Error & { code?: string }) | undefined): void {
    this.responseDone = this.elapsed()
    if (!error) {
      this.responseComplete = true
      this.finish(outcomeOf(this.res!))
    } else if (this.original.signal?.aborted || error.code === PREMATURE_CLOSE) {
      this.finish(abortedByClient)
    } else {
      this.finish({ kind: 'failed', cause: 'reset', message: this.brokenBodyMessage(error) })
    }
  }

  /** Node says only "aborted" when an upstream closes mid-body; say what that means, with the byte counts. */
  private brokenBodyMessage(error: Error): string {
    if (error.message !== 'aborted') return error.message
    const declared = bodyLengthOf(this.res!.body)
    const of = declared === undefined ? '' : ` of ${declared}`
    return `the upstream connection closed before the response body ended (${this.responseTap?.seen ?? 0}${of} bytes arrived)`
  }

  private tunnelOpened(plain: Response, plainTunnel: Tunnel): Response {
    this.finish({ kind: 'pending' })
    const sink = this.sink
    const res = sink.websocketFrame
      ? tapWebsocket(plain, (frame) => sink.websocketFrame!(this.id, frameForUi(frame)), {
          clock: this.options.clock,
          maxExchangeBytes: this.cap,
        })
      : plain
    const open = res.tunnel ?? plainTunnel
    const tunnel: Tunnel = async (client, head) => {
      let stats: TunnelStats
      try {
        stats = await open(client, head)
      } catch (error) {
        this.tunnelClosed({ bytesUp: 0, bytesDown: 0, error: messageOf(error) })
        throw error
      }
      this.tunnelClosed(stats)
      return stats
    }
    return Object.freeze({ ...res, tunnel })
  }

  private tunnelClosed(stats: TunnelStats): void {
    this.responseDone = this.elapsed()
    const outcome: Outcome =
      stats.error === undefined ? { kind: 'completed' } : { kind: 'failed', cause: 'reset', message: stats.error }
    this.deliver(outcome, stats)
  }

  private finish(outcome: Outcome): void {
    if (this.delivered) return
    this.delivered = true
    if (this.watch) {
      this.watch.watchers.delete(this)
      this.watch = undefined
    }
    // Trailers come before a body's end (h2-wire, the HTTP/1.1 parser), so the promise of an ended body is settled,
    // and marked so when an adapter read it (`trailersNow`): no wait; unmarked, a microtask. A body that did not end is recorded without them, and so are trailers that
    // have not come by then (a replaced body's) or that failed (`trailersAtEnd`).
    const res = this.res
    const requestTrailers = this.requestComplete ? this.original.trailers : undefined
    const responseTrailers = this.responseComplete ? res?.trailers : undefined
    const q = trailersNow(requestTrailers)
    const s = trailersNow(responseTrailers)
    if (q !== PENDING && s !== PENDING) {
      this.requestTrailers = q
      this.responseTrailers = s
      return this.deliver(outcome, undefined)
    }
    void Promise.all([atEnd(requestTrailers), atEnd(responseTrailers)]).then(([qt, st]) => {
      this.requestTrailers = qt
      this.responseTrailers = st
      this.deliver(outcome, undefined)
    })
  }

  private deliver(outcome: Outcome, tunnel: TunnelStats | undefined): void {
    try {
      const record = this.record(outcome, tunnel)
      const started = this.started
      if (started) started.superseded = true
      this.sink.exchangeCompleted(record, started !== undefined)
    } catch {
      // Capture must never break the exchange it watches.
    }
  }

  private record(outcome: Outcome, tunnel: TunnelStats | undefined): CapturedExchange {
    const req = this.original
    const requestBody = this.requestTap
      ? this.requestTap.stored(bodyLengthOf(req.body), this.requestComplete)
      : storeBytes((req.body as Extract<Body, { kind: 'bytes' }>).bytes, this.cap)
    const timings: Mutable<Timings> = {}
    // Stryker disable ConditionalExpression: a mark set to undefined reads as absent: `ExchangeRecord` keeps each as `?? NaN`
    if (this.requestBodyDone !== undefined) timings.requestBodyDone = this.requestBodyDone
    if (this.responseHeaders !== undefined) timings.responseHeaders = this.responseHeaders
    if (this.responseDone !== undefined) timings.responseDone = this.responseDone
    // Stryker restore ConditionalExpression
    return new ExchangeRecord({
      id: this.id,
      listenerId: this.options.listenerId,
      startedAt: this.startedAt,
      req,
      res: this.res,
      requestBody,
      requestComplete: this.requestComplete,
      responseBody: this.responseBodyOf(this.res),
      responseComplete: this.responseComplete,
      timings,
      // Every outcome but a response's end is decided now; at a response's end, `responseDone` is now.
      durationMs: outcome.kind === 'pending' ? undefined : (this.responseDone ?? this.elapsed()),
      outcome,
      tunnel,
      // Given even when undefined (no spread of a fresh object per exchange): the record reads absent lists as none.
      requestTrailers: this.requestTrailers,
      responseTrailers: this.responseTrailers,
    })
  }

  private responseBodyOf(res: Response | undefined): StoredBody | null {
    if (!res) return null
    if (this.responseTap) return this.responseTap.stored(bodyLengthOf(res.body), this.responseComplete)
    if (res.body.kind === 'bytes') return storeBytes(res.body.bytes, this.cap)
    return null
  }

  /** Milliseconds since the exchange began, to the microsecond (finer is noise, and makes every summary longer). */
  private elapsed(): number {
    return Math.round((this.options.clock.monotonic() - this.start) * 1000) / 1000
  }
}

const abortedByClient: Outcome = Object.freeze({
  kind: 'aborted',
  message: 'the client went away before the response ended',
})

const completed: Outcome = Object.freeze({ kind: 'completed' })

function outcomeOf(res: Response): Outcome {
  const generated = res.generated
  if (!generated) return completed
  // The client cut the exchange short (client-failure.ts): its own doing, not a failure of the upstream.
  if (generated.cause === 'client-aborted') return { kind: 'aborted', message: generated.message }
  return { kind: 'failed', cause: generated.cause, message: generated.message }
}

function bodyLengthOf(body: Body): number | undefined {
  return body.kind === 'bytes' ? body.bytes.byteLength : body.length
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
