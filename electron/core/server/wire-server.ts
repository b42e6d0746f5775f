/**
 * The wire server adapter: mounts an HttpHandler on a plain TCP listener and speaks HTTP/1.1 itself
 * (`server-connection.ts`, with node:http's own llhttp parser), so a proxied exchange costs no ServerResponse,
 * IncomingMessage or header bookkeeping. Same contract as `node-server.ts` (the server contract suite runs
 * against both): wire-faithful requests with a streamed body and an abort signal, CONNECT and Upgrade handed
 * over, errors answered instead of crashing, and a clean stop.
 *
 * Timeouts are enforced by one sweep per server rather than a timer per request: a head not complete within
 * `headersTimeoutMs` gets a 408 (no slowloris can hold a socket), and a connection idle between requests for
 * `keepAliveTimeoutMs` (default `KEEP_ALIVE_TIMEOUT_MS`) is closed.
 */
import net from 'node:net'
import type { Duplex } from 'node:stream'
import type { HttpHandler } from '../http.ts'
import { ServerConnection, type ConnectionHost } from './server-connection.ts'
import { h2Sessions, type H2Sessions } from './h2-server.ts'
import {
  DEFAULT_HEADERS_TIMEOUT_MS,
  KEEP_ALIVE_TIMEOUT_MS,
  STOP_GRACE_MS,
  listening,
  type RunningServer,
  type ServerOptions,
} from './node-server.ts'

export async function startWireServer(handler: HttpHandler, options: ServerOptions = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1'
  const connections = new WireConnections(handler, options)
  const server = net.createServer((socket) => connections.accept(socket))
  return listening(server, host, options.port ?? 0, () => connections.stop(server))
}

/**
 * Serves HTTP/1.1 on connections that are already open, such as a TLS socket Nanoscope terminated inside a
 * CONNECT tunnel. Call the returned function once per connection. Beware: nothing here stops those connections
 * on shutdown; whoever owns the underlying socket closes it.
 */
export function serveWireConnections(handler: HttpHandler, options: ServerOptions = {}): (socket: Duplex) => void {
  const connections = new WireConnections(handler, options)
  return function serveConnection(socket: Duplex): void {
    connections.accept(socket as net.Socket)
  }
}

class WireConnections implements ConnectionHost {
  stopping = false
  private readonly open = new Set<ServerConnection>()
  private readonly tunnels = new Set<Duplex>()
  private readonly headersTimeoutMs: number
  private readonly requestTimeoutMs: number | undefined
  private readonly keepAliveTimeoutMs: number
  private sweeper: NodeJS.Timeout | undefined
  private h2: H2Sessions | undefined

  constructor(
    readonly handler: HttpHandler,
    options: ServerOptions,
  ) {
    this.requestTimeoutMs = options.requestTimeoutMs
    this.keepAliveTimeoutMs = options.keepAliveTimeoutMs ?? KEEP_ALIVE_TIMEOUT_MS
    this.headersTimeoutMs =
      options.headersTimeoutMs ??
      (this.requestTimeoutMs ? Math.min(DEFAULT_HEADERS_TIMEOUT_MS, this.requestTimeoutMs) : DEFAULT_HEADERS_TIMEOUT_MS)
  }

  accept(socket: net.Socket): void {
    if (this.stopping) {
      // Stryker disable next-line CallExpression: unreachable from outside: stop() closes the listener first, so no socket is accepted while stopping (and serveWireConnections never stops)
      socket.destroy()
      return
    }
    this.open.add(new ServerConnection(socket, this))
    this.sweeper ??= setInterval(
      () => this.sweep(),
      sweepInterval(Math.min(this.headersTimeoutMs, this.requestTimeoutMs || Infinity), this.keepAliveTimeoutMs),
    ).unref()
  }

  forget(connection: ServerConnection): void {
    this.open.delete(connection)
  }

  /** Connections that began with the HTTP/2 preface are served as h2c on the same port. */
  h2c(socket: net.Socket, head: Buffer): void {
    // Stryker disable next-line BlockStatement: unreachable from outside: stop() destroys every connection that is not busy, and one that opens with the preface never is
    if (this.stopping) {
      // Stryker disable next-line CallExpression: unreachable from outside, as above
      socket.destroy()
      return
    }
    this.h2 ??= h2Sessions(this.handler)
    this.h2.accept(socket, head)
  }

  tunnelled(socket: net.Socket): void {
    this.tunnels.add(socket)
    socket.once('close', () => this.tunnels.delete(socket))
  }

  stop(server: net.Server): Promise<void> {
    this.stopping = true
    return new Promise((resolve) => {
      const grace = setTimeout(() => {
        for (const connection of this.open) connection.socket.destroy()
        for (const socket of this.tunnels) socket.destroy()
      }, STOP_GRACE_MS)
      server.close(() => {
        clearTimeout(grace)
        clearInterval(this.sweeper)
        resolve()
      })
      for (const connection of this.open) connection.closeIfIdle()
      void this.h2?.stop(STOP_GRACE_MS)
    })
  }

  private sweep(): void {
    const now = Date.now()
    for (const connection of this.open) {
      const age = now - connection.since
      const receiving = connection.receivingSince
      if (connection.state === 'head' && age > this.headersTimeoutMs) connection.timedOut()
      else if (connection.state === 'idle' && age > this.keepAliveTimeoutMs) connection.socket.destroy()
      else if (this.requestTimeoutMs && receiving !== undefined && now - receiving > this.requestTimeoutMs)
        connection.timedOut()
    }
    if (this.open.size === 0) {
      clearInterval(this.sweeper)
      this.sweeper = undefined
    }
  }
}

/**
 * Often enough to enforce the shortest timeout to within a quarter of it and the keep-alive timeout to within half of
 * it; never more often than every 50 ms.
 */
function sweepInterval(shortestMs: number, keepAliveMs: number): number {
  return Math.max(50, Math.min(keepAliveMs / 2, Math.floor(shortestMs / 4)))
}
