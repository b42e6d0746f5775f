/**
 * Keep-alive connections for the client adapter, one idle list per upstream origin, newest first (the warmest
 * connection is reused). An idle connection is unreferenced, so it never keeps the process alive, and is closed
 * after `IDLE_MS`: shorter than Node's default server keep-alive (5 s), so we usually close before the upstream
 * does; a connection the upstream closed first is caught by the exchange's one retry.
 */
import net from 'node:net'
import tls from 'node:tls'
import { WireConnection, type ConnectionOwner } from './wire-connection.ts'

export const IDLE_MS = 4000

export interface PoolOptions {
  readonly rejectUnauthorized: boolean
  readonly ca?: string | Buffer | Array<string | Buffer>
  readonly lookup?: net.LookupFunction
}

/** Where to connect: the parsed origin of a request target. */
export interface Origin {
  readonly secure: boolean
  readonly host: string
  readonly port: number
  /** `scheme://host:port`, the pool's key. */
  readonly key: string
}

export class WirePool implements ConnectionOwner {
  private readonly idleByKey = new Map<string, WireConnection[]>()
  private readonly open = new Set<WireConnection>()
  private sweeper: NodeJS.Timeout | undefined
  private closing = false

  constructor(private readonly options: PoolOptions) {}

  /** An idle connection to the origin, or a new one (`fresh` skips the idle ones). */
  acquire(origin: Origin, fresh = false): WireConnection {
    if (!fresh) {
      const idle = this.idleByKey.get(origin.key)
      const now = Date.now()
      while (idle && idle.length > 0) {
        const connection = idle.pop()!
        if (connection.closed) continue
        if (now - connection.idleSince > IDLE_MS) {
          connection.destroy()
          continue
        }
        connection.socket.ref()
        return connection
      }
    }
    const connection = new WireConnection(origin.key, this.connect(origin), this)
    this.open.add(connection)
    return connection
  }

  idle(connection: WireConnection): void {
    if (this.closing) {
      connection.destroy()
      return
    }
    connection.idleSince = Date.now()
    connection.socket.unref()
    let idle = this.idleByKey.get(connection.key)
    if (!idle) this.idleByKey.set(connection.key, (idle = []))
    idle.push(connection)
    this.sweeper ??= setInterval(() => this.sweep(), IDLE_MS).unref()
  }

  gone(connection: WireConnection): void {
    this.open.delete(connection)
    const idle = this.idleByKey.get(connection.key)
    const at = idle?.indexOf(connection) ?? -1
    if (at >= 0) idle!.splice(at, 1)
  }

  /** Closes every connection, idle or busy. */
  close(): void {
    this.closing = true
    clearInterval(this.sweeper)
    for (const connection of this.open) connection.destroy()
  }

  private connect(origin: Origin): net.Socket {
    const { lookup, rejectUnauthorized, ca } = this.options
    const where = { host: origin.host, port: origin.port, ...(lookup ? { lookup } : {}) }
    if (!origin.secure) return net.connect(where)
    return tls.connect({
      ...where,
      ...(net.isIP(origin.host) ? {} : { servername: origin.host }),
      rejectUnauthorized,
      ...(ca ? { ca } : {}),
      ALPNProtocols: ['http/1.1'],
    })
  }

  private sweep(): void {
    const now = Date.now()
    let left = 0
    for (const idle of this.idleByKey.values()) {
      for (const connection of idle.slice()) if (now - connection.idleSince > IDLE_MS) connection.destroy()
      left += idle.length
    }
    if (left === 0) {
      clearInterval(this.sweeper)
      this.sweeper = undefined
    }
  }
}
