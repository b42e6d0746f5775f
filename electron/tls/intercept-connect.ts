/**
 * The CONNECT handler that intercepts HTTPS (RFC 9110 §9.3.6): it answers 200 at once, then looks at the
 * first bytes the client sends through the tunnel.
 *
 * - A TLS handshake record (content type 0x16, RFC 8446 §5.1) is terminated with a leaf from our CA and the
 *   decrypted requests, given absolute `https://host:port/path` targets, go to `decrypted` (the proxy's whole
 *   pipeline, so they are captured, recorded and chaos-tested like any other exchange).
 * - Anything else, or silence (a protocol where the server speaks first), is tunnelled untouched.
 * - Hosts on the passthrough list are tunnelled untouched from the start, so their clients see the real
 *   certificate; a failure to reach them is the usual generated 502/504.
 *
 * Beware: because the 200 comes before any upstream connection, an unreachable upstream shows up on the
 * decrypted requests (a generated 502 each), not on the CONNECT itself.
 */
import type net from 'node:net'
import type { Duplex } from 'node:stream'
import type { HttpHandler } from '../core/http.ts'
import {
  generatedResponse,
  response,
  withTags,
  withTarget,
  type Request,
  type Response,
  type Tunnel,
  type TunnelStats,
} from '../core/message.ts'
import { connectTunnel, parseAuthority } from '../core/client/connect-tunnel.ts'
import { hostMatcher } from '../core/matching/host-patterns.ts'
import type { LeafMinter } from './leaf-minter.ts'
import { terminateTls } from './terminate-tls.ts'

/** How a proxy intercepts HTTPS. Absent from ProxyOptions: CONNECT is tunnelled raw. */
export interface TlsInterception {
  /** Mints and caches leaves signed by the Nanoscope CA; share one across listeners so the cache is shared. */
  readonly certificates: LeafMinter
  /** Hosts whose TLS is left alone: `example.com`, `*.example.com`, or `*`. */
  readonly passthrough?: readonly string[]
  /** How long a client may take over its handshake; default 10000 ms. */
  readonly handshakeTimeoutMs?: number
  /** How long to wait for the client's first bytes before assuming the server speaks first; default 2000 ms. */
  readonly clientFirstMs?: number
}

export interface InterceptOptions {
  readonly tls: TlsInterception
  /** Where decrypted requests go; called per request, so it may be bound late. */
  readonly decrypted: HttpHandler
  /**
   * Opens the CONNECT streams that are not decrypted (passthrough hosts, non-TLS streams); default a real TCP
   * tunnel. The stand-in gives one that refuses, since it never contacts a server.
   */
  readonly raw?: HttpHandler
  /** How long to wait for a TCP connection when tunnelling raw; default 30000 ms. */
  readonly timeoutMs?: number
  readonly lookup?: net.LookupFunction
}

const TLS_HANDSHAKE_RECORD = 0x16

export function interceptConnect(options: InterceptOptions): HttpHandler {
  const raw =
    options.raw ??
    connectTunnel({
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.lookup ? { lookup: options.lookup } : {}),
    })
  const passthrough = hostMatcher(options.tls.passthrough ?? [])
  const handshakeTimeoutMs = options.tls.handshakeTimeoutMs ?? 10_000
  const clientFirstMs = options.tls.clientFirstMs ?? 2000

  return async function interceptConnect(request: Request): Promise<Response> {
    if (request.method !== 'CONNECT') return raw(request)
    const authority = parseAuthority(request.target)
    if (!authority) return raw(request)
    if (passthrough(authority.host)) return withTags(await raw(request), 'passthrough')
    const origin = `https://${authority.host.includes(':') ? `[${authority.host}]` : authority.host}${authority.port === 443 ? '' : `:${authority.port}`}`
    const decrypted: HttpHandler = (req) =>
      options.decrypted(req.target.startsWith('/') ? withTarget(req, origin + req.target) : req)
    const tunnel: Tunnel = async (client, head) => {
      const first = head.length > 0 ? head : await firstBytes(client, clientFirstMs)
      if (first === 'closed') return { bytesUp: 0, bytesDown: 0 }
      if (first !== 'silent' && first[0] === TLS_HANDSHAKE_RECORD) {
        return terminateTls(client, first, {
          host: authority.host,
          certificates: options.tls.certificates,
          decrypted,
          handshakeTimeoutMs,
        })
      }
      return tunnelRaw(raw, request, client, first === 'silent' ? Buffer.alloc(0) : first)
    }
    const established = response(200, { reason: 'Connection Established', tags: ['tunnel', 'tls-intercept'] })
    return Object.freeze({ ...established, tunnel })
  }
}

/** Opens the TCP connection now that the stream turned out not to be TLS, and joins the two. */
async function tunnelRaw(raw: HttpHandler, request: Request, client: Duplex, first: Buffer): Promise<TunnelStats> {
  let opened: Response
  try {
    opened = await raw(request)
  } catch (error) {
    opened = generatedResponse(502, 'bad-gateway', error instanceof Error ? error.message : String(error))
  }
  if (!opened.tunnel) {
    client.destroy()
    return {
      bytesUp: first.length,
      bytesDown: 0,
      error: opened.generated?.message ?? `could not open the tunnel (${opened.status})`,
    }
  }
  return opened.tunnel(client, first)
}

/** The first chunk the client sends, 'closed' if it leaves first, 'silent' if it sends nothing in time. Leaves the socket paused. */
function firstBytes(socket: Duplex, waitMs: number): Promise<Buffer | 'closed' | 'silent'> {
  return new Promise((resolve) => {
    const done = (outcome: Buffer | 'closed' | 'silent'): void => {
      clearTimeout(timer)
      socket.pause()
      socket.off('data', onData)
      socket.off('end', onEnd)
      socket.off('close', onEnd)
      if (outcome === 'closed') socket.destroy()
      resolve(outcome)
    }
    const onData = (chunk: Buffer): void => done(chunk)
    const onEnd = (): void => done('closed')
    const timer = setTimeout(() => done('silent'), waitMs)
    if (socket.destroyed) {
      done('closed')
      return
    }
    socket.on('data', onData)
    socket.once('end', onEnd)
    socket.once('close', onEnd)
  })
}
