/**
 * Upgrade requests (websockets and other `Upgrade:` handshakes) sent over node:http, whose 'upgrade' event hands
 * over the upstream socket after a 101. Ordinary exchanges go over `wire-exchange.ts`; this path keeps Node's
 * handling of the one exchange that turns a connection into a tunnel.
 */
import http from 'node:http'
import https from 'node:https'
import type net from 'node:net'
import { emptyBody, response, streamBody, type Request, type Response, type Tunnel } from '../message.ts'
import { pipeBody } from '../wire/stream-plumbing.ts'
import { AnswersOnce } from './answers-once.ts'
import { pipeSockets } from './pipe-sockets.ts'
import { contentLength, flatHeaders, headerPairs } from '../wire/raw-headers.ts'
import { errorCode, upstreamFailure, upstreamTimeout } from './upstream-failure.ts'
import { outgoingHeaders } from './wire-request.ts'
import { clientGone, requestBodyFailed } from './client-failure.ts'
import type { Upstream } from './node-client.ts'

export interface Pools {
  readonly http: http.Agent
  readonly https: https.Agent
  readonly timeoutMs: number
  readonly lookup: net.LookupFunction | undefined
}

export function sendUpgrade(pools: Pools, request: Request, upstream: Upstream, retries: number): Promise<Response> {
  return new Promise<Response>((resolve) => new Attempt(pools, request, upstream, retries, resolve).start())
}

/**
 * One try at an exchange with the upstream. A class rather than closures, so a request makes no named functions
 * (each costs a defineProperty under `tsx`); it is also the `abort` listener on the request's signal.
 */
class Attempt extends AnswersOnce {
  private req: http.ClientRequest | undefined
  private readonly where: string

  constructor(
    private readonly pools: Pools,
    private readonly request: Request,
    private readonly upstream: Upstream,
    private readonly retries: number,
    resolve: (res: Response | Promise<Response>) => void,
  ) {
    super(resolve)
    this.where = upstream.where
  }

  start(): void {
    const { pools, request, upstream } = this
    const options: http.RequestOptions = {
      host: upstream.host,
      port: upstream.port,
      path: upstream.path,
      method: request.method,
      headers: flatHeaders(outgoingHeaders(request, upstream.authority)),
      agent: upstream.secure ? pools.https : pools.http,
      setHost: false,
    }
    if (pools.lookup) options.lookup = pools.lookup
    let req: http.ClientRequest
    try {
      req = (upstream.secure ? https : http).request(options)
    } catch (error) {
      this.settle(upstreamFailure(error, this.where))
      return
    }
    this.req = req
    this.timer = setTimeout(attemptTimedOut, pools.timeoutMs, this)
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: a signal fires 'abort' once; `once` only lets the listener go, as release() does
    request.signal?.addEventListener('abort', this, { once: true })
    req.on('error', (error) => this.failed(error))
    req.on('response', (res) => this.responded(res))
    req.on('upgrade', (res, socket, head) => this.upgraded(res, socket, head))

    if (request.signal?.aborted) {
      this.handleEvent()
      return
    }
    const body = request.body
    if (body.kind === 'bytes') body.bytes.byteLength === 0 ? req.end() : req.end(body.bytes)
    else
      pipeBody(body.stream, req, (error) => {
        this.settle(requestBodyFailed(error, this.where)) // the client's body failed, not the upstream
        req.destroy(error)
      })
  }

  /** The request's signal aborted: the client went away before the upstream answered. */
  handleEvent(): void {
    this.req?.destroy()
    this.settle(clientGone(this.where))
  }

  timedOut(): void {
    this.settle(upstreamTimeout(this.where, this.pools.timeoutMs))
    this.req?.destroy()
  }

  private failed(error: Error): void {
    this.release()
    // A pooled connection the upstream closed while idle fails on reuse; one fresh attempt is safe while
    // nothing came back and the body is in memory (RFC 9112 §9.3.1).
    const { request } = this
    if (
      !this.settled &&
      this.retries > 0 &&
      this.req?.reusedSocket &&
      errorCode(error) === 'ECONNRESET' &&
      request.body.kind === 'bytes'
    ) {
      this.settle(sendUpgrade(this.pools, request, this.upstream, this.retries - 1))
      return
    }
    this.settle(upstreamFailure(error, this.where))
  }

  private responded(res: http.IncomingMessage): void {
    // Consumers see a mid-body reset through the stream (pipe, for-await); this listener only keeps an unread
    // errored body from crashing the process.
    res.on('error', ignore)
    res.once('close', () => this.release())
    const raw = headerPairs(res.rawHeaders)
    const status = res.statusCode ?? 502
    const bodiless = this.request.method === 'HEAD' || status === 204 || status === 304
    if (bodiless) res.resume()
    this.settle(
      response(status, {
        // Stryker disable next-line StringLiteral: node:http sets statusMessage on every response it parses ('' at least), so the fallback is never used
        reason: res.statusMessage ?? '',
        version: res.httpVersion,
        headers: raw,
        body: bodiless ? emptyBody : streamBody(res, contentLength(raw)),
      }),
    )
  }

  private upgraded(res: http.IncomingMessage, socket: net.Socket, head: Buffer): void {
    this.release()
    socket.on('error', ignore) // pipeSockets records errors once the tunnel starts
    const tunnel: Tunnel = (client, clientHead) => pipeSockets(client, socket, { up: clientHead, down: head })
    const switched = response(res.statusCode ?? 101, {
      reason: res.statusMessage ?? '',
      version: res.httpVersion,
      headers: headerPairs(res.rawHeaders),
      tags: ['upgrade'],
    })
    this.settle(Object.freeze({ ...switched, tunnel }))
  }

  private release(): void {
    this.request.signal?.removeEventListener('abort', this)
  }
}

function attemptTimedOut(attempt: Attempt): void {
  attempt.timedOut()
}

function ignore(): void {}
