/**
 * The HTTP/2 client adapter: an HttpHandler that sends each request as a stream on a pooled h2 session to the
 * origin in its absolute target, over TLS (the origin picked `h2` by ALPN) or h2c with prior knowledge.
 *
 * - A few sessions per origin (`MAX_SESSIONS_PER_ORIGIN`): a request takes the first whose open streams are under
 *   the peer's `SETTINGS_MAX_CONCURRENT_STREAMS`, else a new session, else the least busy one (nghttp2 queues it).
 *   A session that sends GOAWAY or closes leaves the pool; streams it refused are the client's failure values.
 * - The request's `host` becomes `:authority`, connection-specific headers are dropped (`wire/h2-wire.ts`), and
 *   `te: trailers` is sent (this hop accepts trailers; gRPC servers require it); bodies
 *   stream both ways with HTTP/2 flow control; trailers go out from `request.trailers` and come back on
 *   `response.trailers`. The response says `version: '2'`.
 * - Failures before the response head are generated responses (`upstreamFailure`), as the HTTP/1.1 client's are.
 * - The head timeout is one sweep per client rather than a timer per stream (`HeadDeadlines`), and each stream has as
 *   few listeners as it needs: under h2load every timer and listener is paid for each of tens of thousands of streams
 *   a second.
 */
import http2, { constants } from 'node:http2'
import net from 'node:net'
import tls from 'node:tls'
import { emptyBody, reasonPhrase, sameName, streamBody, type Headers, type Request, type Response } from '../message.ts'
import { contentLength } from '../wire/raw-headers.ts'
import { errorCode, upstreamFailure, upstreamTimeout } from './upstream-failure.ts'
import { clientGone } from './client-failure.ts'
import type { Upstream } from './node-client.ts'
import { H2_LIMITS, h2Fields, pipeBody, rawPairs, regularHeaders, sendTrailers } from '../wire/h2-wire.ts'
import { settlingTrailers, whenTrailersAtEnd } from '../wire/trailers-at-end.ts'

/** Sessions to one origin at most; past it, streams share the least busy one. */
export const MAX_SESSIONS_PER_ORIGIN = 4

/** An idle session (no stream) is closed after this long. */
export const H2_CLIENT_IDLE_MS = 30_000

export interface H2ClientOptions {
  readonly timeoutMs?: number
  readonly rejectUnauthorized?: boolean
  readonly ca?: string | Buffer | Array<string | Buffer>
  readonly lookup?: net.LookupFunction
}

interface Pooled {
  readonly session: http2.ClientHttp2Session
  streams: number
}

export interface H2Client {
  /** Sends the request to `upstream` over h2 (TLS or h2c, as `upstream.secure` says). */
  send(request: Request, upstream: Upstream): Promise<Response>
  /**
   * Opens TLS to an https origin offering `h2` and `http/1.1`: resolves 'h2' (the connection joins the pool) or
   * 'http/1.1' (the connection is closed), or 'failed' (the HTTP/1.1 client will name the failure).
   */
  negotiate(upstream: Upstream): Promise<'h2' | 'http/1.1' | 'failed'>
  close(): void
}

export function h2Client(options: H2ClientOptions = {}): H2Client {
  const timeoutMs = options.timeoutMs ?? 30_000
  const deadlines = new HeadDeadlines(timeoutMs)
  const pools = new Map<string, Pooled[]>()
  let closing = false

  function tlsOptions(upstream: Upstream): tls.ConnectionOptions {
    return {
      host: upstream.host,
      port: upstream.port,
      ...(net.isIP(upstream.host) ? {} : { servername: upstream.host }),
      rejectUnauthorized: options.rejectUnauthorized ?? true,
      ...(options.ca ? { ca: options.ca } : {}),
      ...(options.lookup ? { lookup: options.lookup } : {}),
    }
  }

  function adopt(upstream: Upstream, socket: net.Socket | tls.TLSSocket): Pooled {
    const scheme = upstream.secure ? 'https' : 'http'
    const session = http2.connect(`${scheme}://${upstream.where}`, {
      createConnection: () => socket,
      maxSessionMemory: H2_LIMITS.maxSessionMemory,
      maxHeaderListPairs: H2_LIMITS.maxHeaderListPairs,
      maxSettings: H2_LIMITS.maxSettings,
      maxOutstandingPings: H2_LIMITS.maxOutstandingPings,
      settings: { enablePush: false, maxHeaderListSize: H2_LIMITS.maxHeaderListSize },
    })
    const pooled: Pooled = { session, streams: 0 }
    let list = pools.get(upstream.key)
    if (!list) pools.set(upstream.key, (list = []))
    list.push(pooled)
    const leave = (): void => {
      const at = list!.indexOf(pooled)
      if (at >= 0) list!.splice(at, 1)
      if (list!.length === 0 && pools.get(upstream.key) === list) pools.delete(upstream.key)
    }
    session.on('error', () => {})
    session.once('goaway', leave)
    session.once('close', leave)
    session.setTimeout(H2_CLIENT_IDLE_MS, () => {
      if (pooled.streams === 0) session.close()
    })
    session.unref()
    return pooled
  }

  function sessionFor(upstream: Upstream): Pooled {
    const list = pools.get(upstream.key) ?? []
    let least: Pooled | undefined
    for (const p of list) {
      if (p.session.closed || p.session.destroyed) continue
      const limit = p.session.remoteSettings.maxConcurrentStreams ?? 100
      if (p.streams < limit) return p
      if (!least || p.streams < least.streams) least = p
    }
    if (least && list.length >= MAX_SESSIONS_PER_ORIGIN) return least
    const socket = upstream.secure
      ? tls.connect({ ...tlsOptions(upstream), ALPNProtocols: ['h2'] })
      : net.connect({ host: upstream.host, port: upstream.port, ...(options.lookup ? { lookup: options.lookup } : {}) })
    return adopt(upstream, socket)
  }

  return {
    send(request: Request, upstream: Upstream): Promise<Response> {
      if (closing) return Promise.resolve(upstreamFailure(new Error('the client is closed'), upstream.where))
      return sendStream(sessionFor(upstream), request, upstream, deadlines)
    },
    negotiate(upstream: Upstream): Promise<'h2' | 'http/1.1' | 'failed'> {
      return new Promise((resolve) => {
        const socket = tls.connect({ ...tlsOptions(upstream), ALPNProtocols: ['h2', 'http/1.1'] })
        const timer = setTimeout(() => socket.destroy(), timeoutMs)
        socket.once('secureConnect', () => {
          clearTimeout(timer)
          socket.removeAllListeners('error')
          if (socket.alpnProtocol === 'h2') {
            adopt(upstream, socket)
            resolve('h2')
          } else {
            socket.on('error', () => {})
            socket.destroy()
            resolve('http/1.1')
          }
        })
        socket.once('error', () => {
          clearTimeout(timer)
          resolve('failed')
        })
        socket.once('close', () => {
          clearTimeout(timer)
          resolve('failed')
        })
      })
    },
    close(): void {
      closing = true
      deadlines.close()
      for (const list of pools.values()) for (const p of list) p.session.destroy()
      pools.clear()
    },
  }
}

/**
 * Streams still waiting for their response head, each with its deadline, checked by one interval timer (unreferenced,
 * running only while a stream waits) every quarter of the timeout, at most a second: a stream times out between
 * `timeoutMs` and that much later. One timer per stream cost a Timeout object, a closure and two list operations for
 * every request.
 */
export class HeadDeadlines {
  private readonly waiting = new Set<Waiting>()
  private sweeper: NodeJS.Timeout | undefined
  private readonly everyMs: number

  constructor(readonly timeoutMs: number) {
    this.everyMs = Math.max(5, Math.min(1000, Math.floor(timeoutMs / 4)))
  }

  /** Calls `expire` once the stream has waited `timeoutMs`, unless `done` is called first. */
  wait(expire: () => void): Waiting {
    const waiting: Waiting = { deadline: Date.now() + this.timeoutMs, expire }
    this.waiting.add(waiting)
    this.sweeper ??= setInterval(() => this.sweep(), this.everyMs).unref()
    return waiting
  }

  done(waiting: Waiting): void {
    this.waiting.delete(waiting)
  }

  close(): void {
    clearInterval(this.sweeper)
    this.sweeper = undefined
    this.waiting.clear()
  }

  private sweep(): void {
    const now = Date.now()
    for (const w of this.waiting) {
      if (now < w.deadline) continue
      this.waiting.delete(w)
      w.expire()
    }
    // Stryker disable next-line ConditionalExpression: stopping the unreferenced sweep when nothing waits only saves wake-ups; a later stream times out the same either way
    if (this.waiting.size === 0) this.close()
  }
}

interface Waiting {
  readonly deadline: number
  readonly expire: () => void
}

function sendStream(pooled: Pooled, request: Request, upstream: Upstream, deadlines: HeadDeadlines): Promise<Response> {
  const fields = h2Fields(request.headers, {
    [constants.HTTP2_HEADER_METHOD]: request.method,
    [constants.HTTP2_HEADER_SCHEME]: upstream.secure ? 'https' : 'http',
    [constants.HTTP2_HEADER_AUTHORITY]: hostOf(request.headers) ?? upstream.authority,
    [constants.HTTP2_HEADER_PATH]: upstream.path,
  })
  // TE is hop-by-hop (the pipeline drops the client's); this hop accepts trailers, and gRPC servers insist on hearing so.
  fields.te = 'trailers'
  const bodiless = request.body.kind === 'bytes' && request.body.bytes.byteLength === 0
  const withTrailers = !bodiless && request.trailers !== undefined
  return new Promise<Response>((resolve) => {
    let stream: http2.ClientHttp2Stream
    try {
      stream = pooled.session.request(fields, { endStream: bodiless, waitForTrailers: withTrailers })
    } catch (error) {
      resolve(upstreamFailure(error, upstream.where))
      return
    }
    new H2Exchange(pooled, request, upstream, deadlines, stream, resolve).start(withTrailers, bodiless)
  })
}

const EXCHANGE = Symbol('nanoscope.h2Exchange')
type ExchangeStream = http2.ClientHttp2Stream & { [EXCHANGE]?: H2Exchange }

/**
 * One request on a stream until its response head (or failure) is known, then until the stream closes. A class whose
 * listeners are module functions reaching it through the stream (no closures per stream), each added with `on`: every
 * event here fires once per stream at most, and `once` costs a wrapper and a removal each.
 */
class H2Exchange {
  settled = false
  private readonly waiting: Waiting
  private readonly onAbort: (() => void) | undefined
  /** Resolves the response's trailers with none (set once a response with a body has come). */
  noTrailers: (() => void) | undefined

  constructor(
    private readonly pooled: Pooled,
    private readonly request: Request,
    private readonly upstream: Upstream,
    private readonly deadlines: HeadDeadlines,
    readonly stream: ExchangeStream,
    private readonly resolve: (response: Response) => void,
  ) {
    pooled.streams++
    this.waiting = deadlines.wait(() => this.timedOut())
    if (request.signal) {
      this.onAbort = () => stream.close(constants.NGHTTP2_CANCEL)
      request.signal.addEventListener('abort', this.onAbort)
    }
  }

  start(withTrailers: boolean, bodiless: boolean): void {
    const { stream, request } = this
    stream[EXCHANGE] = this
    stream.on('close', onExchangeClose)
    stream.on('error', onExchangeError)
    stream.on('response', onExchangeResponse)
    if (withTrailers) stream.on('wantTrailers', onExchangeWantsTrailers)
    if (bodiless) return
    if (request.body.kind === 'bytes') stream.end(request.body.bytes)
    else pipeBody(request.body.stream, stream)
  }

  private timedOut(): void {
    if (this.settled) return
    this.settled = true
    this.stream.close(constants.NGHTTP2_CANCEL)
    this.resolve(upstreamTimeout(this.upstream.where, this.deadlines.timeoutMs))
  }

  closed(): void {
    this.pooled.streams--
    this.deadlines.done(this.waiting)
    if (this.onAbort) this.request.signal?.removeEventListener('abort', this.onAbort)
    this.noTrailers?.()
    if (this.settled) return
    this.settled = true
    // Closed by our own cancel because the client went away: the client's doing, not the upstream's.
    if (this.request.signal?.aborted) return this.resolve(clientGone(this.upstream.where))
    const code = this.stream.rstCode
    this.resolve(
      upstreamFailure(
        Object.assign(new Error(`the upstream closed the stream (HTTP/2 error code ${code})`), {
          code: code === constants.NGHTTP2_REFUSED_STREAM ? 'ECONNREFUSED' : 'ECONNRESET',
        }),
        this.upstream.where,
      ),
    )
  }

  failed(error: Error): void {
    // A stream the upstream reset errors just before it closes: closed() names the reset by its code (REFUSED_STREAM is
    // a refusal, anything else a reset), as the HTTP/1.1 client names a refused or reset connection.
    if (errorCode(error) === 'ERR_HTTP2_STREAM_ERROR') return
    if (this.settled) return
    this.settled = true
    // A stream cancelled because its session failed (refused, reset, TLS) carries the session's error as its cause.
    const cause = errorCode(error) === 'ERR_HTTP2_STREAM_CANCEL' && error.cause instanceof Error ? error.cause : error
    this.resolve(upstreamFailure(cause, this.upstream.where))
  }

  response(headers: http2.IncomingHttpHeaders, flags: number, rawHeaders: string[] | undefined): void {
    const stream = this.stream
    // A settled exchange's stream is closed already (a timeout sends RST_STREAM, an error destroys it), and Node emits no
    // 'response' on a closed stream: this guard and its close are a second lock.
    // Stryker disable next-line ConditionalExpression,BlockStatement: unreachable, as said above
    if (this.settled) {
      // Stryker disable next-line CallExpression: unreachable, as said above
      stream.close(constants.NGHTTP2_CANCEL)
      return
    }
    this.settled = true
    this.deadlines.done(this.waiting)
    const raw = rawPairs(headers, rawHeaders)
    const status = Number(headers[constants.HTTP2_HEADER_STATUS] ?? 502)
    const responseHeaders = Object.freeze(regularHeaders(raw))
    const ended = (flags & constants.NGHTTP2_FLAG_END_STREAM) !== 0
    let trailers: Promise<Headers> | undefined
    if (!ended) {
      // Trailers come before the end of the body: an end (or a close) without them means there are none.
      const slot = settlingTrailers()
      trailers = slot.trailers
      this.noTrailers = () => slot.settle(NO_TRAILERS)
      stream.on('trailers', (t: http2.IncomingHttpHeaders, _f: number, rawT?: string[]) =>
        slot.settle(Object.freeze(regularHeaders(rawPairs(t, rawT)))),
      )
      stream.on('end', this.noTrailers)
    }
    this.resolve(
      Object.freeze({
        status,
        reason: reasonPhrase(status),
        version: '2',
        headers: responseHeaders,
        body: ended ? emptyBody : streamBody(stream, contentLength(responseHeaders)),
        ...(trailers ? { trailers } : {}),
      }),
    )
    if (ended) stream.resume()
  }

  wantsTrailers(): void {
    whenTrailersAtEnd(this.request.trailers!, (t) => sendTrailers(this.stream, t ?? NO_TRAILERS))
  }
}

function onExchangeClose(this: ExchangeStream): void {
  this[EXCHANGE]?.closed()
}

function onExchangeError(this: ExchangeStream, error: Error): void {
  this[EXCHANGE]?.failed(error)
}

function onExchangeResponse(
  this: ExchangeStream,
  headers: http2.IncomingHttpHeaders,
  flags: number,
  rawHeaders?: string[],
): void {
  this[EXCHANGE]?.response(headers, flags, rawHeaders)
}

function onExchangeWantsTrailers(this: ExchangeStream): void {
  this[EXCHANGE]?.wantsTrailers()
}

const NO_TRAILERS: Headers = Object.freeze([])

function hostOf(headers: Headers): string | undefined {
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i]!
    if (sameName(h[0], 'host')) return h[1]
  }
  return undefined
}
