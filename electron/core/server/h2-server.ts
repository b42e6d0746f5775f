/**
 * The HTTP/2 server side: serves h2 sessions on connections that are already open (a TLS socket whose client
 * picked `h2` by ALPN inside a CONNECT tunnel, or a plain socket that began with the h2c connection preface), and
 * turns each stream into the same immutable request the HTTP/1.1 adapter makes, so the pipeline cannot tell them
 * apart except by `version: '2'`.
 *
 * - The request: `:method` and `:path` (`:authority` for CONNECT) become the method and target, `:authority` a `host`
 *   header (`wire/h2-wire.ts`); the body streams with HTTP/2 flow control (a slow upstream stops the client's window,
 *   nothing is buffered whole); trailers arrive on `request.trailers`.
 * - The response: connection-specific headers are dropped, `response.trailers` (when the response has them) go out
 *   as a trailing HEADERS frame; a body that fails half-way resets that stream only (RST_STREAM), never the session.
 * - Abuse is bounded by node:http2's own limits (`H2_LIMITS`): a peer that floods SETTINGS or PING, resets streams
 *   in a flood, sends endless CONTINUATION or too many headers, or an invalid preface loses its session; the others
 *   go on.
 */
import http2, { constants } from 'node:http2'
import type { Duplex } from 'node:stream'
import { PassThrough } from 'node:stream'
import type { HttpHandler } from '../http.ts'
import { emptyBody, generatedResponse, streamBody, type Headers, type Request, type Response } from '../message.ts'
import { H2_LIMITS, h2Fields, pipeBody, pseudo, rawPairs, regularHeaders, sendTrailers } from '../wire/h2-wire.ts'
import { holdsForTrailers } from '../wire/h2-trailers.ts'
import { pseudoHeaders } from '../wire/h2-pseudo.ts'
import { settlingTrailers, whenTrailersAtEnd } from '../wire/trailers-at-end.ts'

/** How long a session may carry no stream before it is closed (GOAWAY). */
export const H2_IDLE_MS = 120_000

export interface H2Sessions {
  /** Serves h2 on an open connection; `head` holds bytes already read from it (they are put back first). */
  accept(socket: Duplex, head?: Buffer): void
  /** Sessions open now. */
  readonly size: number
  /** Sends GOAWAY to every session and closes them; those still busy after `graceMs` are destroyed. */
  stop(graceMs?: number): Promise<void>
}

/** Serves HTTP/2 sessions with `handler`. Every request carries version '2'. */
export function h2Sessions(handler: HttpHandler): H2Sessions {
  const server = http2.createServer({
    maxSessionInvalidFrames: H2_LIMITS.maxSessionInvalidFrames,
    maxSessionRejectedStreams: H2_LIMITS.maxSessionRejectedStreams,
    maxHeaderListPairs: H2_LIMITS.maxHeaderListPairs,
    maxSettings: H2_LIMITS.maxSettings,
    maxOutstandingPings: H2_LIMITS.maxOutstandingPings,
    maxSessionMemory: H2_LIMITS.maxSessionMemory,
    settings: {
      maxConcurrentStreams: H2_LIMITS.maxConcurrentStreams,
      maxHeaderListSize: H2_LIMITS.maxHeaderListSize,
    },
  })
  const open = new Set<http2.ServerHttp2Session>()
  server.on('session', (session) => {
    open.add(session)
    session.once('close', () => open.delete(session))
    session.on('error', () => session.destroy())
    session.setTimeout(H2_IDLE_MS, () => session.close())
  })
  // A peer that breaks the protocol costs its own session only.
  server.on('sessionError', () => {})
  server.on(
    'stream',
    (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, flags: number, rawHeaders?: string[]) =>
      serveStream(handler, stream, headers, flags, rawHeaders),
  )

  return {
    accept(socket: Duplex, head?: Buffer): void {
      if (head?.length) socket.unshift(head)
      socket.on('error', () => socket.destroy())
      server.emit('connection', socket)
    },
    get size() {
      return open.size
    },
    stop(graceMs = 2000): Promise<void> {
      const sessions = [...open]
      if (sessions.length === 0) return Promise.resolve()
      return new Promise<void>((resolve) => {
        let left = sessions.length
        const grace = setTimeout(() => {
          for (const s of sessions) s.destroy()
        }, graceMs)
        for (const s of sessions) {
          s.once('close', () => {
            if (--left === 0) {
              clearTimeout(grace)
              resolve()
            }
          })
          if (s.closed || s.destroyed) s.destroy()
          else s.close()
        }
      })
    },
  }
}

function serveStream(
  handler: HttpHandler,
  stream: http2.ServerHttp2Stream,
  headers: http2.IncomingHttpHeaders,
  flags: number,
  rawHeaders: readonly string[] | undefined,
): void {
  stream.on('error', () => {})
  const raw = rawPairs(headers, rawHeaders)
  const method =
    pseudo(raw, ':method') ??
    // Stryker disable next-line StringLiteral: node:http2 resets a request stream without :method before it is served
    'GET'
  const authority = pseudo(raw, ':authority')
  const target =
    method === 'CONNECT'
      ? (authority ?? '')
      : (pseudo(raw, ':path') ??
        // Stryker disable next-line StringLiteral: node:http2 resets a request stream without :path before it is served
        '/')
  const fields = regularHeaders(raw)
  if (authority !== undefined && !fields.some((h) => h[0].toLowerCase() === 'host'))
    fields.unshift(Object.freeze(['host', authority] as const))
  const aborter = new AbortController()
  let answered = false
  // `on`, not `once`, for events a stream emits once: no wrapper to make and remove per stream.
  stream.on('close', () => {
    if (!answered) aborter.abort()
  })
  const ended = (flags & constants.NGHTTP2_FLAG_END_STREAM) !== 0 || stream.readableEnded
  let body = emptyBody
  let trailers: Promise<Headers> | undefined
  // A request that ended with its head is still read to its end: node:http2 closes a stream nobody read from with
  // RST_STREAM (NO_ERROR) a turn after the response's last write, and when that DATA frame had not gone out yet (a
  // large body, a busy loop) the client saw a complete response followed by a reset.
  if (ended) stream.resume()
  else {
    // A stream of its own for the body, so a consumer that destroys it stops reading without resetting the
    // exchange (the response still has to go out on this stream).
    const piped = new PassThrough()
    stream.pipe(piped)
    stream.on('aborted', () => piped.destroy(new Error('the client reset the stream')))
    const length = contentLength(fields)
    body = streamBody(piped, length)
    const slot = settlingTrailers()
    trailers = slot.trailers
    stream.on('trailers', (t: http2.IncomingHttpHeaders, _f: number, rawT?: string[]) =>
      slot.settle(Object.freeze(regularHeaders(rawPairs(t, rawT)))),
    )
    // Trailers come before the end of the body; an end without them means there are none.
    const none = (): void => slot.settle(NO_TRAILERS)
    stream.on('end', none)
    stream.on('close', none)
  }
  const peer = peerOf(stream.session)
  const request: Request = Object.freeze({
    method,
    target,
    version: '2',
    headers: Object.freeze(fields),
    pseudoHeaders: pseudoHeaders(raw),
    body,
    signal: aborter.signal,
    ...(peer ? { peer } : {}),
    ...(trailers ? { trailers } : {}),
  })
  let answer: Promise<Response>
  try {
    answer = handler(request)
  } catch (error) {
    answer = Promise.reject(error)
  }
  // One reaction for both outcomes: `.catch().then()` costs a promise and a microtask more per stream.
  answer.then(
    (response) => {
      answered = true
      writeH2Response(stream, method, response, fields)
    },
    (error: unknown) => {
      answered = true
      writeH2Response(
        stream,
        method,
        generatedResponse(
          500,
          'internal',
          `Nanoscope failed: ${error instanceof Error ? error.message : String(error)}`,
        ),
        fields,
      )
    },
  )
}

/**
 * The session's peer, frozen once per session: `session.socket` is a Proxy in node:http2, and reading the address
 * through it for every stream was a measurable share of a small exchange's cost.
 */
/** The trailers of a body that ended without any, one frozen list for all. */
const NO_TRAILERS: Headers = Object.freeze([])

const peers = new WeakMap<http2.Http2Session, NonNullable<Request['peer']>>()
function peerOf(session: http2.Http2Session | undefined): Request['peer'] {
  if (!session) return undefined
  let peer = peers.get(session)
  if (peer === undefined) {
    const socket = session.socket
    if (!socket) return undefined
    peer = Object.freeze({ address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 })
    peers.set(session, peer)
  }
  return peer
}

/**
 * Writes a response on an h2 stream: head, body with backpressure, trailers when the response carries them and the
 * stream was held for them (`holdsForTrailers`: else the last DATA frame ends the stream).
 */
export function writeH2Response(
  stream: http2.ServerHttp2Stream,
  method: string,
  res: Response,
  requestHeaders: Headers = [],
): void {
  if (res.tunnel !== undefined || res.status === 101) {
    // CONNECT and Upgrade inside h2 (RFC 8441) are not carried; the response holds a socket nobody will use.
    res = generatedResponse(501, 'bad-request', 'Nanoscope does not carry tunnels (CONNECT, Upgrade) over HTTP/2')
  }
  if (stream.destroyed || stream.closed) {
    discard(res)
    return
  }
  const bodiless = method === 'HEAD' || res.status === 204 || res.status === 304 || res.status < 200
  const withTrailers = !bodiless && holdsForTrailers(res, requestHeaders)
  try {
    stream.respond(h2Fields(res.headers, { [constants.HTTP2_HEADER_STATUS]: res.status }), {
      endStream: bodiless,
      waitForTrailers: withTrailers,
    })
  } catch (error) {
    discard(res)
    if (stream.headersSent) {
      stream.close(constants.NGHTTP2_INTERNAL_ERROR)
      return
    }
    const failed = generatedResponse(
      502,
      'bad-gateway',
      `the upstream's response cannot be sent over HTTP/2: ${error instanceof Error ? error.message : String(error)}`,
    )
    writeH2Response(stream, method, failed, requestHeaders)
    return
  }
  if (bodiless) {
    discard(res)
    return
  }
  if (withTrailers) {
    stream.on('wantTrailers', () => {
      whenTrailersAtEnd(res.trailers!, (t) => sendTrailers(stream, t ?? []))
    })
  }
  if (res.body.kind === 'bytes') {
    stream.end(res.body.bytes)
    return
  }
  // Without trailers to wait for, the body's end rides on its last DATA frame.
  pipeBody(res.body.stream, stream, withTrailers ? 'after-body' : 'with-last-data')
}

function discard(res: Response): void {
  if (res.body.kind === 'stream') res.body.stream.resume()
}

function contentLength(headers: Headers): number | undefined {
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i]!
    if (h[0].length === 14 && h[0].toLowerCase() === 'content-length') {
      const n = Number(h[1])
      return Number.isSafeInteger(n) && n >= 0 ? n : undefined
    }
  }
  return undefined
}
