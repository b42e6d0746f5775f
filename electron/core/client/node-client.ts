/**
 * The client adapter: an HttpHandler that sends a request to the upstream named in its absolute-form target,
 * over node:http / node:https with keep-alive pooling.
 *
 * It is wire-faithful: headers go out in the request's order and case (plus Host, and framing headers only
 * when the request lacks them), redirects are never followed, and bodies are never decoded. Failures before
 * the response head come back as generated responses (STYLE.md §5); a reset after the head makes the body
 * stream error, so the server adapter cuts its client off rather than pretend the body was complete.
 */
import http from 'node:http'
import https from 'node:https'
import type net from 'node:net'
import { emptyBody, generatedResponse, header, response, streamBody, type Header, type Request, type Response, type Tunnel } from '../message.ts'
import { pipeBody } from '../stream-plumbing.ts'
import { pipeSockets } from './pipe-sockets.ts'
import { contentLength, flatHeaders, headerPairs } from './raw-headers.ts'
import { errorCode, upstreamFailure, upstreamTimeout } from './upstream-failure.ts'

export interface ClientOptions {
  /** No response head within this many milliseconds → 504. Default 30000. */
  timeoutMs?: number
  /** Verify upstream certificates. Default true. */
  rejectUnauthorized?: boolean
  /** Extra certificate authorities to trust for https upstreams. */
  ca?: string | Buffer | Array<string | Buffer>
  /** DNS lookup, injectable for tests. */
  lookup?: net.LookupFunction
  /** Per-host connection limit for the pools. Default unlimited. */
  maxSockets?: number
}

export interface Client {
  (request: Request): Promise<Response>
  /** Destroys the connection pools. */
  close(): void
  readonly description: string
}

export function nodeClient(options: ClientOptions = {}): Client {
  const timeoutMs = options.timeoutMs ?? 30_000
  const pool = { keepAlive: true, ...(options.maxSockets ? { maxSockets: options.maxSockets } : {}) }
  const httpAgent = new http.Agent(pool)
  const httpsAgent = new https.Agent({
    ...pool,
    rejectUnauthorized: options.rejectUnauthorized ?? true,
    ...(options.ca ? { ca: options.ca } : {}),
  })

  const pools: Pools = { http: httpAgent, https: httpsAgent, timeoutMs, lookup: options.lookup }

  function nodeClient(request: Request): Promise<Response> {
    const upstream = parseTarget(request.target)
    if (!upstream) return Promise.resolve(generatedResponse(502, 'bad-gateway', `no upstream URL: "${request.target}" is not an absolute http(s) URL`))
    const hops = viaHops(request)
    if (hops > MAX_VIA_HOPS) return Promise.resolve(loopDetected(hops))
    return send(pools, request, upstream, 1)
  }

  return Object.assign(nodeClient, {
    close(): void { httpAgent.destroy(); httpsAgent.destroy() },
    description: `forwards to the upstream named in the request (keep-alive, head timeout ${timeoutMs} ms)`,
  })
}

interface Pools {
  readonly http: http.Agent
  readonly https: https.Agent
  readonly timeoutMs: number
  readonly lookup: net.LookupFunction | undefined
}

function send(pools: Pools, request: Request, upstream: Upstream, retries: number): Promise<Response> {
  return new Promise<Response>((resolve) => new Attempt(pools, request, upstream, retries, resolve).start())
}

/**
 * One try at an exchange with the upstream. A class rather than closures, so a request makes no named functions
 * (each costs a defineProperty under `tsx`); it is also the `abort` listener on the request's signal.
 */
class Attempt {
  private settled = false
  private timer: NodeJS.Timeout | undefined
  private req: http.ClientRequest | undefined
  private readonly where: string

  constructor(
    private readonly pools: Pools,
    private readonly request: Request,
    private readonly upstream: Upstream,
    private readonly retries: number,
    private readonly resolve: (res: Response | Promise<Response>) => void,
  ) {
    this.where = `${upstream.host}:${upstream.port}`
  }

  start(): void {
    const { pools, request, upstream } = this
    const options: http.RequestOptions = {
      host: upstream.host, port: upstream.port, path: upstream.path, method: request.method,
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
    request.signal?.addEventListener('abort', this, { once: true })
    req.on('error', (error) => this.failed(error))
    req.on('response', (res) => this.responded(res))
    req.on('upgrade', (res, socket, head) => this.upgraded(res, socket, head))

    if (request.signal?.aborted) { this.handleEvent(); return }
    const body = request.body
    if (body.kind === 'bytes') body.bytes.byteLength === 0 ? req.end() : req.end(body.bytes)
    else pipeBody(body.stream, req, (error) => req.destroy(error)) // req then reports through 'error'
  }

  /** The request's signal aborted: the client went away before the upstream answered. */
  handleEvent(): void {
    this.req?.destroy()
    this.settle(generatedResponse(502, 'reset', `the client went away before ${this.where} answered`))
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
    if (!this.settled && this.retries > 0 && this.req?.reusedSocket && errorCode(error) === 'ECONNRESET' && request.body.kind === 'bytes') {
      this.settled = true
      clearTimeout(this.timer)
      this.resolve(send(this.pools, request, this.upstream, this.retries - 1))
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
    this.settle(response(status, {
      reason: res.statusMessage ?? '',
      version: res.httpVersion,
      headers: raw,
      body: bodiless ? emptyBody : streamBody(res, contentLength(raw)),
    }))
  }

  private upgraded(res: http.IncomingMessage, socket: net.Socket, head: Buffer): void {
    this.release()
    socket.on('error', ignore) // pipeSockets records errors once the tunnel starts
    const tunnel: Tunnel = (client, clientHead) => pipeSockets(client, socket, { up: clientHead, down: head })
    const switched = response(res.statusCode ?? 101, { reason: res.statusMessage ?? '', version: res.httpVersion, headers: headerPairs(res.rawHeaders), tags: ['upgrade'] })
    this.settle(Object.freeze({ ...switched, tunnel }))
  }

  private release(): void {
    this.request.signal?.removeEventListener('abort', this)
  }

  private settle(res: Response): void {
    if (this.settled) return
    this.settled = true
    clearTimeout(this.timer)
    this.resolve(res)
  }
}

function attemptTimedOut(attempt: Attempt): void {
  attempt.timedOut()
}

function ignore(): void {}

interface Upstream { secure: boolean; host: string; port: number; authority: string; path: string }

/** Splits an absolute-form target (RFC 9112 §3.2.2) without normalising its path, which goes out as sent. */
export function parseTarget(target: string): Upstream | undefined {
  const match = ABSOLUTE_TARGET.exec(target)
  if (!match) return undefined
  const origin = match[1] ?? ''
  let where = origins.get(origin)
  if (where === undefined) {
    where = parseOrigin(origin)
    if (origins.size >= MAX_ORIGINS) origins.clear()
    origins.set(origin, where)
  }
  if (where === null) return undefined
  const rest = match[2] ?? ''
  return { ...where, path: rest === '' ? '/' : rest.startsWith('/') ? rest : `/${rest}` }
}

const ABSOLUTE_TARGET = /^(https?:\/\/[^/?#]*)([^#]*)/i

/** Parsed `scheme://authority` prefixes, so a proxy sending to a few upstreams parses each once. */
const origins = new Map<string, Omit<Upstream, 'path'> | null>()
const MAX_ORIGINS = 1024

function parseOrigin(origin: string): Omit<Upstream, 'path'> | null {
  const at = origin.indexOf('://')
  const scheme = origin.slice(0, at).toLowerCase()
  let url: URL
  try { url = new URL(`${scheme}://${origin.slice(at + 3)}/`) } catch { return null }
  if (!url.hostname) return null
  return Object.freeze({
    secure: scheme === 'https',
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : scheme === 'https' ? 443 : 80,
    authority: url.host,
  })
}

/**
 * The request's headers as sent, plus what the wire strictly needs: Host (RFC 9112 §3.2) when absent, and a
 * framing header (RFC 9112 §6) when the body has none. Node fixes framing when the request is created from a
 * raw header list, so this decides up front: a bodiless request that needs no framing header gets none.
 */
function outgoingHeaders(request: Request, authority: string): Header[] {
  const headers: Header[] = [...request.headers]
  if (header(request, 'host') === undefined) headers.unshift(['Host', authority])
  if (header(request, 'content-length') !== undefined || header(request, 'transfer-encoding') !== undefined) return headers
  const body = request.body
  const length = body.kind === 'bytes' ? body.bytes.byteLength : body.length
  if (length === undefined) headers.push(['Transfer-Encoding', 'chunked'])
  else if (length > 0 || PAYLOAD_METHODS.has(request.method)) headers.push(['Content-Length', String(length)])
  return headers
}

/**
 * More proxies than this in a request's `Via` chain means it is going round in circles: a proxy sent to its own
 * address (forward mode with the proxy as the target host, or a reverse proxy whose target is itself). Each lap
 * adds a `Via` entry (RFC 9110 §7.6.3 names loop detection as one of its uses), so refusing here bounds the
 * lap count, and the connections one request can open, to this number.
 */
export const MAX_VIA_HOPS = 16

function viaHops(request: Request): number {
  let hops = 0
  for (const [name, value] of request.headers) {
    if (name.length === 3 && name.toLowerCase() === 'via') hops += value.split(',').filter((entry) => entry.trim() !== '').length
  }
  return hops
}

function loopDetected(hops: number): Response {
  const generated = generatedResponse(508, 'bad-gateway',
    `refused to forward: the request has already passed through ${hops} proxies (its Via header), so it is ` +
    'probably going round in a loop; is the proxy sending requests to its own address?')
  return Object.freeze({ ...generated, reason: 'Loop Detected' })
}

/** Methods Node would otherwise send chunked with an empty body; Content-Length: 0 is the plainer framing. */
const PAYLOAD_METHODS = new Set(['POST', 'PUT', 'PATCH'])
