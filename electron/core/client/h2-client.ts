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
 */
import http2, { constants } from 'node:http2'
import net from 'node:net'
import tls from 'node:tls'
import { emptyBody, reasonPhrase, streamBody, type Headers, type Request, type Response } from '../message.ts'
import { contentLength } from '../wire/raw-headers.ts'
import { upstreamFailure, upstreamTimeout } from './upstream-failure.ts'
import type { Upstream } from './node-client.ts'
import { H2_LIMITS, h2Fields, pipeBody, rawPairs, regularHeaders, sendTrailers } from '../wire/h2-wire.ts'
import { trailersAtEnd } from '../wire/trailers-at-end.ts'

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
      return sendStream(sessionFor(upstream), request, upstream, timeoutMs)
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
      for (const list of pools.values()) for (const p of list) p.session.destroy()
      pools.clear()
    },
  }
}

function sendStream(pooled: Pooled, request: Request, upstream: Upstream, timeoutMs: number): Promise<Response> {
  const { session } = pooled
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
      stream = session.request(fields, { endStream: bodiless, waitForTrailers: withTrailers })
    } catch (error) {
      resolve(upstreamFailure(error, upstream.where))
      return
    }
    pooled.streams++
    let settled = false
    const timer = setTimeout(() => {
      if (settled) return
      settled = true
      stream.close(constants.NGHTTP2_CANCEL)
      resolve(upstreamTimeout(upstream.where, timeoutMs))
    }, timeoutMs)
    const onAbort = (): void => stream.close(constants.NGHTTP2_CANCEL)
    request.signal?.addEventListener('abort', onAbort, { once: true })
    stream.once('close', () => {
      pooled.streams--
      clearTimeout(timer)
      request.signal?.removeEventListener('abort', onAbort)
      if (!settled) {
        settled = true
        const code = stream.rstCode
        resolve(
          upstreamFailure(
            Object.assign(new Error(`the upstream closed the stream (HTTP/2 error code ${code})`), {
              code: code === constants.NGHTTP2_REFUSED_STREAM ? 'ECONNREFUSED' : 'ECONNRESET',
            }),
            upstream.where,
          ),
        )
      }
    })
    stream.on('error', (error) => {
      if (settled) return
      settled = true
      resolve(upstreamFailure(error, upstream.where))
    })
    stream.once('response', (headers, flags, rawHeaders?: string[]) => {
      if (settled) {
        stream.close(constants.NGHTTP2_CANCEL)
        return
      }
      settled = true
      clearTimeout(timer)
      const raw = rawPairs(headers, rawHeaders)
      const status = Number(headers[constants.HTTP2_HEADER_STATUS] ?? 502)
      const responseHeaders = Object.freeze(regularHeaders(raw))
      const ended = (flags & constants.NGHTTP2_FLAG_END_STREAM) !== 0
      let trailers: Promise<Headers> | undefined
      if (!ended) {
        trailers = new Promise<Headers>((done) => {
          stream.once('trailers', (t: http2.IncomingHttpHeaders, _f: number, rawT?: string[]) =>
            done(Object.freeze(regularHeaders(rawPairs(t, rawT)))),
          )
          stream.once('end', () => done(Object.freeze([])))
          stream.once('close', () => done(Object.freeze([])))
        })
      }
      resolve(
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
    })
    if (withTrailers) {
      stream.once('wantTrailers', () => {
        void trailersAtEnd(request.trailers!).then((t) => {
          sendTrailers(stream, t ?? [])
        })
      })
    }
    if (bodiless) return
    if (request.body.kind === 'bytes') stream.end(request.body.bytes)
    else pipeBody(request.body.stream, stream)
  })
}

function hostOf(headers: Headers): string | undefined {
  for (const [name, value] of headers) if (name.length === 4 && name.toLowerCase() === 'host') return value
  return undefined
}
