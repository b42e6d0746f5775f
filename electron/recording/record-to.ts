/**
 * `recordTo(writer)`: the recording filter (http4k `TrafficFilters.RecordTo`). Put it where requests carry
 * their absolute upstream URL (a proxy's `inner` filters). Both bodies are teed as they stream by, so
 * nothing on the hot path waits for the disk; the exchange is appended when its response body has finished.
 */
import { describe, type Filter } from '../core/http.ts'
import { header, withTagList, type Body, type Headers, type Request, type Response } from '../core/message.ts'
import { systemClock, type Clock } from '../core/clock.ts'
import { atEnd } from '../core/wire/trailers-at-end.ts'
import { teeBody, type CapturedBody, type TeedBody } from '../core/filters/tee-body.ts'
import { ChunkKeeper, observeStream, PREMATURE_CLOSE, type StreamObserver } from '../core/wire/stream-plumbing.ts'
import type { ExchangeWriter, RecordedExchange } from './recorded-exchange.ts'

export interface RecordToOptions {
  readonly clock?: Clock
  /** Bytes kept per body; longer bodies are recorded truncated, with their real length. Default 32 MiB. */
  readonly maxBodyBytes?: number
  /** Told about exchanges not recorded (tunnels) and failed appends. */
  readonly onSkip?: (reason: string) => void
}

export const DEFAULT_MAX_RECORDED_BODY = 32 * 1024 * 1024

/** How long, after the response ends, to wait for an upload nobody finished reading before recording it. */
const REQUEST_BODY_GRACE_MS = 1000

/**
 * Records each exchange the client saw through `writer` and tags the response `recorded`: with the status the
 * client got, `generated` when Nanoscope made the response (upstream refused, reset, timed out…), and a body that
 * did not all arrive (an upload answered before it was sent, a response the upstream broke off) recorded as far
 * as it went, with `incomplete` saying how much never came. An exchange the client went away from is recorded too:
 * before the response head as the generated 499 `client-aborted` the client layer answers, while the response body
 * streamed as the upstream's response with the body as far as it went (`incomplete`), tagged `client-aborted` with a
 * note saying so. Tunnels (CONNECT, websockets) are not recorded: `onSkip` hears why.
 */
export function recordTo(writer: ExchangeWriter, options: RecordToOptions = {}): Filter {
  const recorder: Recorder = {
    writer,
    clock: options.clock ?? systemClock,
    cap: options.maxBodyBytes ?? DEFAULT_MAX_RECORDED_BODY,
    skip: options.onSkip ?? noop,
    settled: noop,
  }
  recorder.settled = (error) => {
    if (error) recorder.skip(`recording failed: ${error.message}`)
  }
  return describe(
    writer.description ?? 'records each exchange',
    (next) =>
      async function recordExchange(req) {
        const { clock } = recorder
        const startedAt = clock.now()
        const start = clock.monotonic()
        // A bytes body (every GET, as the server gives it) is recorded as it is; a stream is teed as it goes by.
        const requestTee = req.body.kind === 'bytes' ? undefined : teeBody(req.body, recorder.cap)
        const res = await next(requestTee ? Object.freeze({ ...req, body: requestTee.body }) : req)
        if (res.tunnel || isConnect(req.method)) {
          recorder.skip(`${req.method} ${req.target}: tunnels are not recorded`)
          return res
        }
        const recording = new ExchangeRecording(
          recorder,
          req,
          requestTee,
          res,
          startedAt,
          start,
          clock.monotonic() - start,
        )
        // The server always sends or destroys a response body, so it is watched as it is read: no extra stream.
        if (res.body.kind === 'bytes') recording.ended(undefined)
        else observeStream(res.body.stream, recording)
        return withTagList(res, res.tags && res.tags.length > 0 ? [...res.tags, 'recorded'] : RECORDED)
      },
  )
}

const RECORDED: readonly string[] = Object.freeze(['recorded'])

/** The tag and note of a record whose client went away while its response streamed (FORMAT.md, `tags`). */
export const CLIENT_ABORTED = 'client-aborted'
const CLIENT_LEFT_NOTE = 'the client went away before the response ended'
const EMPTY = Buffer.alloc(0)

/** What every exchange of one filter shares (one object per filter, so an exchange makes no closures). */
interface Recorder {
  readonly writer: ExchangeWriter
  readonly clock: Clock
  readonly cap: number
  readonly skip: (reason: string) => void
  settled: (error: Error | undefined) => void
}

/** One exchange being recorded: watches its response body go by, then hands the record to the writer. */
class ExchangeRecording implements StreamObserver {
  /** The response body's first chunk, kept without a ChunkKeeper: most bodies of a proxied exchange are one chunk. */
  private first: Buffer | undefined
  private more: ChunkKeeper | undefined
  /** The response's trailers, when its body ended whole. */
  private responseTrailers: Promise<Headers> | undefined
  /** The client went away while the response body streamed. */
  private clientLeft = false

  constructor(
    private readonly recorder: Recorder,
    private readonly req: Request,
    private readonly requestTee: TeedBody | undefined,
    private readonly res: Response,
    private readonly startedAt: number,
    private readonly start: number,
    private readonly waitMs: number,
  ) {}

  data(chunk: Buffer | string): void {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    if (this.more) this.more.keep(b)
    // Stryker disable next-line EqualityOperator,ConditionalExpression: where the first chunk is kept (on its own or in a ChunkKeeper, cut to the cap now or when the record is made) gives the same bytes, so the mutants here are equivalent, but for `true` in place of the whole test or of its first half, which keep a later chunk over the first (caught by record-to.test.ts)
    else if (this.first === undefined && b.byteLength <= this.recorder.cap) this.first = b
    else {
      this.more = new ChunkKeeper(this.recorder.cap)
      if (this.first) this.more.keep(this.first)
      this.more.keep(b)
    }
  }

  ended(error: Error | undefined): void {
    const { req, recorder } = this
    const durationMs = recorder.clock.monotonic() - this.start
    // The client left while the response streamed: recorded as far as it went, marked as the client's doing.
    if (error && (req.signal?.aborted || (error as { code?: string }).code === PREMATURE_CLOSE)) this.clientLeft = true
    const body = this.res.body
    const seen: Kept =
      body.kind === 'bytes'
        ? bytesCaptured(body.bytes, recorder.cap)
        : this.more
          ? { bytes: this.more.joined(), total: this.more.seen }
          : bytesCaptured(this.first ?? EMPTY, recorder.cap)
    const missing = error ? missingBytes(body, seen.total) : 0
    const response: Kept = missing === 0 ? seen : { ...seen, missing }
    // Stryker disable next-line ConditionalExpression: its `true` mutant is equivalent (a body that broke off never got to its trailers, which come after it, so they are none either way); `false` is caught by trailers.test.ts and goes with it
    if (!error) this.responseTrailers = this.res.trailers
    const tee = this.requestTee
    if (!tee)
      return this.withTrailers(
        true,
        bytesCaptured((req.body as { bytes: Uint8Array }).bytes, recorder.cap),
        response,
        durationMs,
      )
    // Usually the request body has long finished: then no grace timer is needed.
    const now = tee.current()
    if (now.state !== 'streaming') return this.requestEnded(now, response, durationMs)
    void settleWithin(tee.captured, REQUEST_BODY_GRACE_MS, () => tee.current()).then((later) =>
      this.requestEnded(later, response, durationMs),
    )
  }

  private requestEnded(request: CapturedBody, response: Kept, durationMs: number): void {
    // A body that did not all arrive (answered early, or the client stopped sending) is recorded as far as it went.
    const complete = request.state === 'complete'
    const missing = complete ? 0 : missingBytes(this.req.body, request.total)
    this.withTrailers(complete, missing === 0 ? request : { ...request, missing }, response, durationMs)
  }

  /**
   * Writes the record once the trailers of the bodies that ended are known: they come before a body's end, so those
   * promises are settled and this waits a microtask, only for exchanges that can carry trailers.
   */
  private withTrailers(requestComplete: boolean, request: Kept, response: Kept, durationMs: number): void {
    const q = requestComplete ? this.req.trailers : undefined
    const s = this.responseTrailers
    if (!q && !s) return this.write(request, response, durationMs, undefined, undefined)
    void Promise.all([atEnd(q), atEnd(s)]).then(([qt, st]) => this.write(request, response, durationMs, qt, st))
  }

  private write(
    request: Kept,
    response: Kept,
    durationMs: number,
    requestTrailers: Headers | undefined,
    responseTrailers: Headers | undefined,
  ): void {
    const { req, res, recorder } = this
    const cut = request.total > request.bytes.byteLength || response.total > response.bytes.byteLength
    const incomplete = request.missing !== undefined || response.missing !== undefined
    const generated = res.generated
    // Either way the client left (before the head: the client layer's 499; during the body), one tag says so.
    const left = this.clientLeft || generated?.cause === CLIENT_ABORTED
    const tagged = left || (res.tags !== undefined && res.tags.length > 0)
    const recorded: RecordedExchange = {
      startedAt: this.startedAt,
      durationMs: round(durationMs),
      waitMs: round(this.waitMs),
      request: {
        method: req.method,
        url: absoluteUrl(req),
        version: req.version,
        headers: req.headers,
        body: request.bytes,
        ...(requestTrailers && requestTrailers.length > 0 ? { trailers: requestTrailers } : {}),
      },
      response: {
        status: res.status,
        reason: res.reason,
        version: res.version,
        headers: res.headers,
        body: response.bytes,
        ...(responseTrailers && responseTrailers.length > 0 ? { trailers: responseTrailers } : {}),
      },
    }
    // A plain literal on the common path: spreads of optional parts cost an object clone each.
    const exchange: RecordedExchange =
      cut || tagged || incomplete || generated
        ? {
            ...recorded,
            ...(cut ? { truncated: truncation(request, response) } : {}),
            ...(incomplete ? { incomplete: incompletion(request, response) } : {}),
            ...(generated ? { generated: { cause: generated.cause, message: generated.message } } : {}),
            ...(tagged ? { tags: left ? withClientAborted(res.tags) : res.tags } : {}),
            ...(this.clientLeft ? { note: CLIENT_LEFT_NOTE } : {}),
          }
        : recorded
    const writer = recorder.writer
    try {
      if (writer.enqueue) writer.enqueue(exchange, recorder.settled)
      else writer.append(exchange).then(noop, recorder.settled)
    } catch (error) {
      recorder.settled(error as Error)
    }
  }
}

/** A body's kept bytes and how many went by; `missing` when it did not all arrive (null: its length was unknown). */
interface Kept {
  readonly bytes: Uint8Array
  readonly total: number
  readonly missing?: number | null
}

/** Bytes of a body that never arrived, by its declared length; null when it had none. */
function missingBytes(body: Body, seen: number): number | null {
  const declared = body.kind === 'bytes' ? body.bytes.byteLength : body.length
  return declared === undefined ? null : Math.max(0, declared - seen)
}

function incompletion(request: Kept, response: Kept): RecordedExchange['incomplete'] {
  return {
    ...(request.missing !== undefined ? { request: request.missing } : {}),
    ...(response.missing !== undefined ? { response: response.missing } : {}),
  }
}

function bytesCaptured(bytes: Uint8Array, cap: number): Kept {
  // Stryker disable next-line ConditionalExpression: its `true` mutant is equivalent (the first `cap` bytes of a body no longer than `cap` are the whole body); `false` (never cut) is caught by record-to.test.ts and goes with it
  return { bytes: bytes.byteLength > cap ? bytes.subarray(0, cap) : bytes, total: bytes.byteLength }
}

function truncation(request: Kept, response: Kept): RecordedExchange['truncated'] {
  return {
    ...(request.total > request.bytes.byteLength ? { request: request.total } : {}),
    ...(response.total > response.bytes.byteLength ? { response: response.total } : {}),
  }
}

function withClientAborted(tags: readonly string[] | undefined): readonly string[] {
  if (!tags) return [CLIENT_ABORTED]
  return tags.includes(CLIENT_ABORTED) ? tags : [...tags, CLIENT_ABORTED]
}

function isConnect(method: string): boolean {
  return method.length === 7 && method.toUpperCase() === 'CONNECT'
}

function noop(): void {}

function settleWithin(p: Promise<CapturedBody>, ms: number, current: () => CapturedBody): Promise<CapturedBody> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(current()), ms)
    timer.unref()
    void p.then((c) => {
      clearTimeout(timer)
      resolve(c)
    })
  })
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000

/** The absolute-form target, or `http://<Host><target>` for an origin-form one. */
export function absoluteUrl(req: Request): string {
  if (!req.target.startsWith('/')) return req.target
  return `http://${header(req, 'Host') ?? 'localhost'}${req.target}`
}
