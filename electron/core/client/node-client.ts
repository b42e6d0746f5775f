/**
 * The client adapter: an HttpHandler that sends a request to the upstream named in its absolute-form target,
 * with keep-alive pooling, over plain TCP or TLS.
 *
 * It is wire-faithful: headers go out in the request's order and case (plus Host, and framing headers only when the
 * request lacks them), redirects are never followed, and bodies are never decoded. Failures before the response head
 * come back as generated responses, marked as made by Nanoscope; a reset after the head makes the body stream error,
 * so the server adapter cuts its client off rather than pretend the body was complete.
 *
 * An HTTP/2 client's requests to one origin are held to `MAX_MULTIPLEXED_PER_ORIGIN` in flight (origin-slots.ts), so a
 * page's assets requested all at once share a bounded number of connections rather than open one each.
 *
 * Two paths: ordinary exchanges go over Nanoscope's own pooled HTTP/1.1 connections (`wire-exchange.ts`, with
 * Node's llhttp parser), which costs a proxy a fraction of node:http's client; requests that ask to upgrade
 * (websockets) go over node:http (`upgrade-attempt.ts`), which hands over the socket after a 101.
 */
import http from 'node:http'
import https from 'node:https'
import type net from 'node:net'
import { generatedResponse, type Request, type Response } from '../message.ts'
import { upstreamFailure } from './upstream-failure.ts'
import { sendUpgrade, type Pools } from './upgrade-attempt.ts'
import { WireExchange } from './wire-exchange.ts'
import { clientGone } from './client-failure.ts'
import { WirePool, type Origin } from './wire-pool.ts'
import { OriginSlots } from './origin-slots.ts'
import { isIdempotent, requestFacts, requestHead, type RequestFacts } from './wire-request.ts'

export interface ClientOptions {
  /** No response head within this many milliseconds → 504. Default 30000. */
  timeoutMs?: number
  /** Verify upstream certificates. Default true. */
  rejectUnauthorized?: boolean
  /** Extra certificate authorities to trust for https upstreams. */
  ca?: string | Buffer | Array<string | Buffer>
  /** DNS lookup, injectable for tests. */
  lookup?: net.LookupFunction
}

export interface Client {
  (request: Request): Promise<Response>
  /** Closes every pooled connection. */
  close(): void
  readonly description: string
}

/** The HTTP/1.1 client, which can also be given a request's upstream and facts already worked out (`mixedClient`). */
export interface H1Client extends Client {
  send(request: Request, upstream: Upstream, facts: RequestFacts): Promise<Response>
}

export function nodeClient(options: ClientOptions = {}): H1Client {
  const timeoutMs = options.timeoutMs ?? 30_000
  const rejectUnauthorized = options.rejectUnauthorized ?? true
  const tlsTrust = { rejectUnauthorized, ...(options.ca ? { ca: options.ca } : {}) }
  const httpAgent = new http.Agent({ keepAlive: true })
  const httpsAgent = new https.Agent({ keepAlive: true, ...tlsTrust })
  const pools: Pools = { http: httpAgent, https: httpsAgent, timeoutMs, lookup: options.lookup }
  const wire = new WirePool({ ...tlsTrust, ...(options.lookup ? { lookup: options.lookup } : {}) })
  const slots = new OriginSlots()

  function nodeClient(request: Request): Promise<Response> {
    const upstream = parseTarget(request.target)
    if (!upstream)
      return Promise.resolve(
        generatedResponse(502, 'bad-gateway', `no upstream URL: "${request.target}" is not an absolute http(s) URL`),
      )
    return send(request, upstream, requestFacts(request.headers))
  }

  function send(request: Request, upstream: Upstream, facts: RequestFacts): Promise<Response> {
    if (facts.viaHops > MAX_VIA_HOPS) return Promise.resolve(loopDetected(facts.viaHops))
    if (facts.upgrade) return sendUpgrade(pools, request, upstream, 1)
    // An HTTP/2 client multiplexes: its requests to one origin share a few upstream connections (origin-slots.ts).
    // (An HTTP/1.1 connection has one exchange in flight at a time, so it needs no cap.)
    const client = request.version === '2' ? request.peer : undefined
    if (client)
      return slots.run(
        client,
        upstream.key,
        () => sendOnWire(wire, request, upstream, facts, timeoutMs),
        request.signal,
      )
    return sendOnWire(wire, request, upstream, facts, timeoutMs)
  }

  return Object.assign(nodeClient, {
    send,
    close(): void {
      wire.close()
      httpAgent.destroy()
      httpsAgent.destroy()
    },
    description: `forwards to the upstream named in the request (keep-alive, head timeout ${timeoutMs} ms)`,
  })
}

function sendOnWire(
  pool: WirePool,
  request: Request,
  upstream: Upstream,
  facts: RequestFacts,
  timeoutMs: number,
): Promise<Response> {
  let head: { text: string; chunked: boolean }
  try {
    head = requestHead(request, upstream.path, upstream.authority, facts)
  } catch (error) {
    return Promise.resolve(upstreamFailure(error, upstream.where))
  }
  const target = { where: upstream.where, timeoutMs }
  // Gone already (a stream reset as it opened, a request that waited for a slot): no connection is taken for it.
  if (request.signal?.aborted) return Promise.resolve(clientGone(upstream.where))
  return new Promise<Response>((resolve) => {
    // An idempotent request with its body in memory (a page's GETs) is sent again on a fresh connection should its
    // pooled one turn out stale, so it may go out on one idle for longer (wire-pool.ts).
    const retryable = request.body.kind === 'bytes' && isIdempotent(request.method)
    new WireExchange(request, target, pool.acquire(upstream, false, retryable), resolve, {
      pool,
      origin: upstream,
      head: head.text,
      chunked: head.chunked,
    }).start(head.text, head.chunked)
  })
}

/** A request's upstream: its origin (the pool's key) and the path and query to send, as sent to us. */
export interface Upstream extends Origin {
  readonly authority: string
  readonly where: string
  readonly path: string
}

/** Splits an absolute-form target (RFC 9112 §3.2.2) without normalising its path, which goes out as sent. */
export function parseTarget(target: string): Upstream | undefined {
  const authorityAt = afterHttpScheme(target)
  if (authorityAt < 0) return undefined
  // The authority ends at the path, the query or the fragment; the path and query end at the fragment.
  let end = authorityAt
  while (end < target.length) {
    const c = target.charCodeAt(end)
    if (c === 47 /* / */ || c === 63 /* ? */ || c === 35 /* # */) break
    end++
  }
  const origin = target.slice(0, end)
  let where = origins.get(origin)
  if (where === undefined) {
    where = parseOrigin(origin)
    if (origins.size >= MAX_ORIGINS) origins.clear()
    origins.set(origin, where)
  }
  if (where === null) return undefined
  const fragment = target.indexOf('#', end)
  const rest = fragment < 0 ? target.slice(end) : target.slice(end, fragment)
  return { ...where, path: rest === '' ? '/' : rest.startsWith('/') ? rest : `/${rest}` }
}

/** Where the authority starts in a target that begins `http://` or `https://` (in any case), else -1. */
function afterHttpScheme(target: string): number {
  if (target.length < 7) return -1
  for (let i = 0; i < 4; i++) if ((target.charCodeAt(i) | 0x20) !== HTTP.charCodeAt(i)) return -1
  const at = (target.charCodeAt(4) | 0x20) === 115 /* s */ ? 5 : 4
  return target.startsWith('://', at) ? at + 3 : -1
}

const HTTP = 'http'

/** Parsed `scheme://authority` prefixes, so a proxy sending to a few upstreams parses each once. */
const origins = new Map<string, Omit<Upstream, 'path'> | null>()
const MAX_ORIGINS = 1024

function parseOrigin(origin: string): Omit<Upstream, 'path'> | null {
  const at = origin.indexOf('://')
  const scheme = origin.slice(0, at).toLowerCase()
  let url: URL
  try {
    url = new URL(`${scheme}://${origin.slice(at + 3)}/`)
  } catch {
    return null
  }
  if (!url.hostname) return null
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1')
  const port = url.port ? Number(url.port) : scheme === 'https' ? 443 : 80
  return Object.freeze({
    secure: scheme === 'https',
    host,
    port,
    authority: url.host,
    key: `${scheme}://${url.hostname}:${port}`,
    where: `${host}:${port}`,
  })
}

/**
 * More proxies than this in a request's `Via` chain means it is going round in circles: a proxy sent to its own
 * address (forward mode with the proxy as the target host, or a reverse proxy whose target is itself). Each lap
 * adds a `Via` entry (RFC 9110 §7.6.3 names loop detection as one of its uses), so refusing here bounds the
 * lap count, and the connections one request can open, to this number.
 */
export const MAX_VIA_HOPS = 16

function loopDetected(hops: number): Response {
  const generated = generatedResponse(
    508,
    'bad-gateway',
    `refused to forward: the request has already passed through ${hops} proxies (its Via header), so it is ` +
      'probably going round in a loop; is the proxy sending requests to its own address?',
  )
  return Object.freeze({ ...generated, reason: 'Loop Detected' })
}
