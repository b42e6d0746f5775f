/**
 * Keep-alive connections for the client adapter, one idle list per upstream origin, newest first (the warmest
 * connection is reused). An idle connection is unreferenced, so it never keeps the process alive. Any request may
 * take a connection idle for up to `IDLE_MS`: shorter than Node's default server keep-alive (5 s), so we usually
 * send before the upstream closes it. A request the exchange can send again (its body in memory: a GET, a page's
 * assets) may also take one idle for up to `RETRYABLE_IDLE_MS`: one the upstream closed while idle is gone from the
 * list already (its FIN closes it here), and one it closes as the request goes out is caught by the exchange's one
 * retry on a fresh connection (RFC 9112 §9.3.1), so a browser's next page, seconds later, finds the origin's
 * connections (and their TLS handshakes) warm instead of opening one per parallel request again. Past that, it is
 * closed.
 *
 * TLS: one secure context for the pool (built once: `tls.connect` otherwise builds one per connection, loading any
 * extra CA certificates again each time), and the last TLS session of each origin, so a new connection to an
 * origin resumes rather than repeating the full handshake (as `https.Agent` does). A session is kept only from a
 * connection whose certificate was verified (or when verification is off), per pool, so per trust settings.
 */
import net from 'node:net'
import tls from 'node:tls'
import { WireConnection, type ConnectionOwner } from './wire-connection.ts'
import { ownedParser } from '../wire/parser-owner.ts'

export const IDLE_MS = 4000

/**
 * What plain upstream connections read into, shared (a read is parsed before the next can happen): at
 * 256 KiB one read takes a 64 KiB response whole, head and body, where Node's own 64 KiB reads take two, and the
 * body then goes to the client in one write rather than two. Measured with `bench/syscall-count.ts`: see the README's
 * Performance section.
 */
const READ_BUFFER = Buffer.allocUnsafe(256 * 1024)

/**
 * Whether Node's parser hands body chunks over as copies of its own (Node 20 does: `Buffer::Copy` in `on_body`), so a
 * read can be parsed straight from the shared buffer: header fields come out as strings, the body as copies, and
 * nothing else of a read is kept. Asked once, of the parser itself; where it does not copy, each read is copied first.
 */
const PARSER_COPIES_BODIES = ((): boolean => {
  const read = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx')
  let body: Buffer | undefined
  const parser = ownedParser('response', {
    headers() {},
    headersComplete: () => 0,
    body(chunk: Buffer) {
      body = chunk
    },
    messageComplete() {},
  })
  parser.execute(read)
  parser.close()
  read.fill(0)
  return body?.toString('latin1') === 'x'
})()

function viewOf(buffer: Uint8Array, bytes: number): Buffer {
  return Buffer.from(buffer.buffer, buffer.byteOffset, bytes)
}

/** The first `bytes` of the shared read buffer, copied out into memory of their own (as Node's own reads are: a kept chunk holds no pool slab). */
function copyOf(buffer: Uint8Array, bytes: number): Buffer {
  const out = Buffer.allocUnsafeSlow(bytes)
  out.set(bytes === buffer.byteLength ? buffer : buffer.subarray(0, bytes))
  return out
}
/** How long a connection is kept idle for requests that can be sent again (see above). */
export const RETRYABLE_IDLE_MS = 30_000

/** TLS sessions kept for resumption, one per origin, at most. */
const MAX_SESSIONS = 256

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
  private secureContext: tls.SecureContext | undefined
  /** The newest TLS session per origin key, oldest origin first (bounded by `MAX_SESSIONS`). */
  private readonly sessions = new Map<string, Buffer>()

  constructor(private readonly options: PoolOptions) {}

  /**
   * An idle connection to the origin, or a new one (`fresh` skips the idle ones). `retryable`: the request can be
   * sent again should the connection turn out stale, so it may take one idle for up to `RETRYABLE_IDLE_MS`.
   */
  acquire(origin: Origin, fresh = false, retryable = false): WireConnection {
    if (!fresh) {
      const idle = this.idleByKey.get(origin.key)
      const now = Date.now()
      const maxIdle = retryable ? RETRYABLE_IDLE_MS : IDLE_MS
      while (idle && idle.length > 0) {
        const connection = idle[idle.length - 1]!
        const idleFor = now - connection.idleSince
        // The newest is the warmest: when it is too old for this request, every other one is too.
        if (!connection.closed && idleFor <= RETRYABLE_IDLE_MS && idleFor > maxIdle) break
        idle.pop()
        if (connection.closed) continue
        if (idleFor > RETRYABLE_IDLE_MS) {
          connection.destroy()
          continue
        }
        connection.socket.ref()
        return connection
      }
    }
    const reader: { connection?: WireConnection } = {}
    const connection = new WireConnection(origin.key, this.connect(origin, reader), this)
    reader.connection = connection
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

  /** Whether `close` was called: a request cut off by it is not sent again. */
  get closed(): boolean {
    return this.closing
  }

  /** Closes every connection, idle or busy. */
  close(): void {
    this.closing = true
    // Stryker disable next-line CallExpression: the sweep is unreferenced, and with every connection closed it finds none left and stops itself
    clearInterval(this.sweeper)
    for (const connection of this.open) connection.destroy()
  }

  private connect(origin: Origin, reader: { connection?: WireConnection }): net.Socket {
    const { lookup, rejectUnauthorized, ca } = this.options
    const where = { host: origin.host, port: origin.port, ...(lookup ? { lookup } : {}) }
    if (!origin.secure)
      return net.connect({
        ...where,
        onread: {
          buffer: READ_BUFFER,
          // False stops the socket reading: the connection's body reader fell behind (WireConnection.pause).
          callback: (bytes: number, buffer: Uint8Array): boolean =>
            reader.connection?.receivedOwnRead(PARSER_COPIES_BODIES ? viewOf(buffer, bytes) : copyOf(buffer, bytes)) ??
            true,
        },
      })
    this.secureContext ??= tls.createSecureContext(ca ? { ca } : {})
    const session = this.sessions.get(origin.key)
    const socket = tls.connect({
      ...where,
      ...(net.isIP(origin.host) ? {} : { servername: origin.host }),
      rejectUnauthorized,
      secureContext: this.secureContext,
      ...(session ? { session } : {}),
      ALPNProtocols: ['http/1.1'],
    })
    socket.on('session', (next: Buffer) => {
      // Stryker disable next-line ConditionalExpression: Node emits 'session' only once the certificate is verified or verification is off (_tls_wrap's kIsVerified), so this never returns; kept as a second lock should that change
      if (!socket.authorized && rejectUnauthorized) return
      this.sessions.delete(origin.key)
      this.sessions.set(origin.key, next)
      if (this.sessions.size > MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value!)
    })
    return socket
  }

  private sweep(): void {
    const now = Date.now()
    let left = 0
    for (const idle of this.idleByKey.values()) {
      for (const connection of idle.slice()) if (now - connection.idleSince > RETRYABLE_IDLE_MS) connection.destroy()
      left += idle.length
    }
    // Stryker disable next-line ConditionalExpression: stopping the unreferenced sweep once nothing is idle only saves wake-ups; idle() reuses a running one
    if (left === 0) {
      clearInterval(this.sweeper)
      this.sweeper = undefined
    }
  }
}
