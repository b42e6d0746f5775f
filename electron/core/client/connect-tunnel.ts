/**
 * The handler for CONNECT (RFC 9110 §9.3.6): opens a TCP connection to the authority-form target and, once
 * it is up, answers 200 with a tunnel that joins the client's socket to it. Failing to connect answers the
 * same generated 502/504 as the client adapter, and a client gone before the connection is up the same 499
 * `client-aborted` (`clientGone`). Beware: nothing here decrypts TLS; the tunnel moves bytes.
 */
import net from 'node:net'
import type { HttpHandler } from '../http.ts'
import { generatedResponse, response, type Request, type Response, type Tunnel } from '../message.ts'
import { pipeSockets } from './pipe-sockets.ts'
import { upstreamFailure, upstreamTimeout } from './upstream-failure.ts'
import { clientGone } from './client-failure.ts'

export interface ConnectTunnelOptions {
  /** DNS lookup, injectable for tests. */
  readonly lookup?: net.LookupFunction
  /** How long to wait for the TCP connection; default 30000 ms. */
  readonly timeoutMs?: number
}

export function connectTunnel(options: ConnectTunnelOptions = {}): HttpHandler {
  const timeoutMs = options.timeoutMs ?? 30_000
  return async function connectTunnel(request: Request): Promise<Response> {
    if (request.method !== 'CONNECT') {
      return generatedResponse(400, 'bad-request', `only CONNECT can open a tunnel, not ${request.method}`)
    }
    const authority = parseAuthority(request.target)
    if (!authority) {
      return generatedResponse(400, 'bad-request', `CONNECT needs a host:port target, got "${request.target}"`)
    }
    const outcome = await openSocket(authority, timeoutMs, options.lookup, request.signal)
    if (outcome.kind === 'failed') return outcome.response
    const upstream = outcome.socket
    const established = response(200, { reason: 'Connection Established', tags: ['tunnel'] })
    const tunnel: Tunnel = (client, head) => pipeSockets(client, upstream, { up: head })
    return Object.freeze({ ...established, tunnel })
  }
}

type Opened = { kind: 'open'; socket: net.Socket } | { kind: 'failed'; response: Response }

function openSocket(
  to: { host: string; port: number },
  timeoutMs: number,
  lookup: net.LookupFunction | undefined,
  signal: AbortSignal | undefined,
): Promise<Opened> {
  const where = `${to.host}:${to.port}`
  return new Promise((resolve) => {
    const socket = net.connect({ host: to.host, port: to.port, ...(lookup ? { lookup } : {}) })
    const settle = (outcome: Opened): void => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', abort)
      socket.removeListener('error', failed)
      if (outcome.kind === 'failed') socket.destroy()
      else socket.on('error', () => {}) // pipeSockets records errors once the tunnel starts
      resolve(outcome)
    }
    const failed = (error: Error): void => settle({ kind: 'failed', response: upstreamFailure(error, where) })
    const abort = (): void => settle({ kind: 'failed', response: clientGone(where) })
    const timer = setTimeout(() => settle({ kind: 'failed', response: upstreamTimeout(where, timeoutMs) }), timeoutMs)
    socket.once('connect', () => settle({ kind: 'open', socket }))
    socket.on('error', failed)
    if (signal?.aborted) abort()
    else signal?.addEventListener('abort', abort, { once: true })
  })
}

/** Parses `host:port` or `[v6]:port` (RFC 9112 §3.2.3); undefined when it is not one. */
export function parseAuthority(target: string): { host: string; port: number } | undefined {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:/?#@[\]]+)):(\d{1,5})$/.exec(target)
  if (!match) return undefined
  const port = Number(match[3])
  if (port < 1 || port > 65535) return undefined
  const host = match[1] ?? match[2]
  return host ? { host, port } : undefined
}
