/**
 * One keep-alive connection to an upstream that speaks HTTP/1.1 itself: the request head goes out as written by
 * `wire-request.ts`, and the response is read by llhttp, the parser node:http itself uses (reached through
 * `_http_common`, as node:http's own client reaches it). What the upstream sent comes back as it was (raw header
 * names, values and order), without ClientRequest, IncomingMessage and Agent's per-exchange bookkeeping, which
 * is most of what node:http costs a proxy.
 *
 * The connection carries one exchange at a time (no pipelining) and hands the parser's events to it; the
 * exchange (`wire-exchange.ts`) decides what they mean for its request.
 */
import type net from 'node:net'
import { TLSSocket } from 'node:tls'
import { Readable } from 'node:stream'
import type { Parser } from '../wire/llhttp.ts'
import { ownedParser, type ParserOwner } from '../wire/parser-owner.ts'
import type { TrailerSlot } from '../wire/chunked-trailers.ts'
import { httpVersion } from '../wire/http-version.ts'

/** What a connection reports to the exchange it is carrying. */
export interface ExchangeOnWire {
  /** The final response head (1xx informational heads are skipped). Returns true to skip the body (HEAD). */
  head(status: number, reason: string, version: string, rawHeaders: string[], keepAlive: boolean): boolean
  /** A body chunk. */
  data(chunk: Buffer): void
  /** The response is complete; `trailers`: a chunked body's trailer section (flat), when it had one. */
  complete(trailers?: readonly string[]): void
  /** The connection failed (error, hang-up, parse error) before the response completed. */
  failed(error: Error): void
  /**
   * Writing the request failed (the upstream closed or reset its side): the rest of the request has nowhere to go,
   * but the connection is still read, since an upstream may answer before it has read the whole body and close.
   */
  sendFailed(error: Error): void
  /** The response body was destroyed before it ended. */
  abandoned(): void
  /** A read was parsed and the response is not complete: a head held for a body that came whole starts streaming. */
  readOver(): void
  /** No response head came within the time it was given (`WireConnection.watchHead`). */
  timedOut(): void
}

/** What the pool hears from its connections. */
export interface ConnectionOwner {
  /** The exchange is over and the connection can carry another. */
  idle(connection: WireConnection): void
  /** The connection is closed for good. */
  gone(connection: WireConnection): void
}

export class WireConnection implements ParserOwner {
  /** The exchange being carried, if any. */
  exchange: ExchangeOnWire | undefined
  /** Exchanges this connection has completed: a connection with none is fresh (a failure on it is not stale reuse). */
  completed = 0
  /** When it last became idle (Date.now()), for the pool's idle expiry. */
  idleSince = 0
  closed = false
  /** The pool reads this socket into its own buffer (wire-pool.ts) and hands the reads to `receivedOwnRead`. */
  private ownReads = false
  /** A body reader asked for a pause (see `pause`). */
  private holding = false
  private readonly parser: Parser<WireConnection>
  private partialHeaders: string[] | undefined
  /** The trailer section of the response just completed, if it had one. */
  private trailing: string[] | undefined
  private informational = false
  private done = false
  private headSeen = false
  /** The upstream sent another response after the one asked for. */
  private unsolicited = false
  private socketError: Error | undefined
  /** Writing to the upstream failed: what the exchange hears as the cause if no response comes. */
  private writeError: Error | undefined
  /** The timer for the response head (`watchHead`), its duration, and the exchange it is watching for. */
  private headTimer: NodeJS.Timeout | undefined
  private headTimerMs = 0
  private headWatcher: ExchangeOnWire | undefined

  constructor(
    readonly key: string,
    readonly socket: net.Socket,
    private readonly owner: ConnectionOwner,
  ) {
    this.parser = ownedParser('response', this)
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => this.received(chunk)) // TLS; plain sockets hand reads to `received` (wire-pool.ts)
    socket.on('end', () => this.ended())
    socket.on('error', (error) => {
      this.socketError ??= error
    })
    socket.on('close', () => this.lost())
    keepReadingAfterWriteErrors(socket, this)
  }

  /** Starts carrying an exchange; its request is written by the caller. */
  carry(exchange: ExchangeOnWire): void {
    this.exchange = exchange
    this.done = false
    this.headSeen = false
    this.unsolicited = false
  }

  /** The exchange's body reader wants more: undo any pause its backpressure asked for. */
  resume(): void {
    this.holding = false
    if (!this.closed) this.socket.resume()
  }

  /**
   * The body reader fell behind. A socket the pool reads itself (`receivedOwnRead`) stops reading only if more comes
   * meanwhile: stopping and restarting it costs two epoll_ctl calls, and a response read whole in one read (most are)
   * needs neither.
   */
  pause(): void {
    if (this.ownReads) this.holding = true
    else this.socket.pause()
  }

  /** A read of a socket the pool reads into its own buffer (wire-pool.ts); false asks the socket to stop reading. */
  receivedOwnRead(chunk: Buffer): boolean {
    this.ownReads = true
    this.received(chunk)
    return !this.holding
  }

  /** Ends the connection now (the exchange is abandoned, or the connection cannot be reused). */
  destroy(): void {
    this.socket.destroy()
  }

  /** Bytes read from the upstream; the connection keeps them (its parser hands slices of them on). */
  received(chunk: Buffer): void {
    if (!this.exchange) {
      this.socket.destroy()
      return
    } // bytes nobody asked for: the connection is unusable
    const result = this.parser.execute(chunk)
    if (result instanceof Error && !this.done) {
      this.fail(result)
      return
    }
    if (result instanceof Error) this.unsolicited = true // garbage after a complete response
    if (this.done) {
      this.finishExchange()
      if (this.unsolicited) this.socket.destroy() // bytes after the response: the connection cannot be trusted
    } else this.exchange?.readOver()
  }

  private ended(): void {
    if (this.exchange && !this.done) {
      // A response delimited by the connection closing (RFC 9112 §6.3 rule 8) completes here.
      this.parser.finish()
      if (this.done) {
        this.finishExchange()
        return
      }
      // As node:http says it: a hang-up before the head, an aborted response after it.
      this.fail(
        this.headSeen ? Object.assign(new Error('aborted'), { code: 'ECONNRESET' }) : (this.writeError ?? hangUp()),
      )
    }
  }

  /**
   * Times `exchange` out after `ms` unless `unwatchHead` comes first. One timer per connection, moved on (`refresh`)
   * for each exchange rather than made and cleared for each: on a connection carrying one exchange after another,
   * a timer of each exchange's own was the only one of its duration, so Node made and dropped a timer list (and
   * rescheduled libuv's timer) for every exchange. Unreferenced: while it carries an exchange the connection's socket
   * keeps the process alive, and an idle connection must not.
   */
  watchHead(exchange: ExchangeOnWire, ms: number): void {
    this.headWatcher = exchange
    if (this.headTimer !== undefined && this.headTimerMs === ms) {
      this.headTimer.refresh()
      return
    }
    clearTimeout(this.headTimer)
    this.headTimerMs = ms
    this.headTimer = setTimeout(headTimedOut, ms, this).unref()
  }

  /** `exchange` no longer waits for a head (it came, or the exchange is over); a timer that fires later finds nobody. */
  unwatchHead(exchange: ExchangeOnWire): void {
    if (this.headWatcher === exchange) this.headWatcher = undefined
  }

  /** The head timer fired: the exchange still watching, if any, has timed out. */
  headTimedOut(): void {
    const watcher = this.headWatcher
    this.headWatcher = undefined
    watcher?.timedOut()
  }

  private lost(): void {
    clearTimeout(this.headTimer)
    this.closed = true
    if (this.exchange && !this.done)
      this.fail(this.headSeen ? (this.socketError ?? hangUp()) : (this.writeError ?? this.socketError ?? hangUp()))
    this.exchange = undefined
    this.parser.close()
    this.owner.gone(this)
  }

  private fail(error: Error): void {
    const exchange = this.exchange
    this.exchange = undefined
    this.socket.destroy()
    exchange?.failed(error)
  }

  private finishExchange(): void {
    const exchange = this.exchange
    if (!exchange) return
    this.exchange = undefined
    this.completed += 1
    const trailers = this.trailing
    this.trailing = undefined
    exchange.complete(trailers)
  }

  /** A write to the upstream failed (see `keepReadingAfterWriteErrors`): told to the exchange once. */
  writeFailed(error: Error): void {
    if (this.writeError) return
    this.writeError = error
    if (this.exchange && !this.done) this.exchange.sendFailed(error)
  }

  /** Called by the exchange once it knows whether the connection may carry another: back to the pool, or closed. */
  release(reusable: boolean): void {
    if (!reusable || this.closed) {
      this.socket.destroy()
      return
    }
    this.holding = false // a pause for the last body's backpressure no longer applies
    this.socket.resume()
    this.owner.idle(this)
  }

  // Parser events: the connection's parser (wire/parser-owner.ts's ownedParser) calls these as its ParserOwner.

  headers(chunk: string[]): void {
    this.partialHeaders = this.partialHeaders ? this.partialHeaders.concat(chunk) : chunk
  }

  headersComplete(
    major: number,
    minor: number,
    raw: string[] | undefined,
    _method: number,
    _url: string | undefined,
    status: number,
    reason: string | undefined,
    _upgrade: boolean,
    keepAlive: boolean,
  ): number {
    const headers = raw ?? this.partialHeaders ?? []
    this.partialHeaders = undefined
    if (status >= 100 && status < 200 && status !== 101) {
      this.informational = true
      return 0
    }
    const exchange = this.exchange
    if (!exchange || this.done) {
      this.unsolicited = true
      return 1
    }
    if (status === 101) {
      exchange.failed(
        Object.assign(new Error('the upstream switched protocols (101) though the request asked for no upgrade'), {
          code: 'HPE_UNEXPECTED_101',
        }),
      )
      this.exchange = undefined
      this.socket.destroy()
      return 1
    }
    this.headSeen = true
    return exchange.head(status, reason ?? '', httpVersion(major, minor), headers, keepAlive) ? 1 : 0
  }

  body(chunk: Buffer): void {
    // Stryker disable next-line ConditionalExpression: llhttp passes body bytes only before messageComplete, and a head after it (done) is told to skip its body
    if (!this.done) this.exchange?.data(chunk)
  }

  messageComplete(): void {
    if (this.informational) {
      this.informational = false
      return
    }
    // Fields llhttp passed on after the head are the body's trailer section.
    this.trailing = this.partialHeaders
    this.partialHeaders = undefined
    this.done = true
  }

  /** The exchange's body reader wants more: undo a pause its backpressure asked for, unless another exchange has the connection now. */
  readMore(exchange: ExchangeOnWire): void {
    if (this.exchange === exchange) this.resume()
  }
}

/**
 * A net.Socket destroys itself when a write fails, and with it the bytes the upstream sent before it closed: a
 * server may answer a request before reading its body (a 413 for an upload too large, a 401) and close
 * (RFC 9112 §9.6), so the proxy's write of the rest of the body meets EPIPE or a reset while the answer waits,
 * unread, in the socket. Here a failed write is reported to the connection instead, and the socket goes on
 * reading until the upstream's side ends, so the answer is read and relayed. Later writes on it fail the same
 * way, quietly; the connection is never reused (the exchange stops sending and releases it as not reusable).
 * Beware: this wraps the socket's `_write` and `_writev`, the stream implementer's methods net.Socket defines.
 */
function keepReadingAfterWriteErrors(socket: net.Socket, connection: WireConnection): void {
  const writable = socket as unknown as WriteMethods
  const write = writable._write
  const writev = writable._writev
  const report = new WriteReport(connection)
  // Before a TLS handshake completes the server cannot have answered, and a failed write there is the handshake's
  // failure (a bad certificate), which the socket reports itself: such errors go to the stream as usual. (Node 22
  // fails the writes queued behind a refused handshake with EBADF before the certificate error is seen.)
  if (socket instanceof TLSSocket) {
    report.established = false
    socket.once('secureConnect', () => {
      report.established = true
    })
  }
  writable._write = function writeOrReport(chunk, encoding, callback) {
    write.call(this, chunk, encoding, report.around(callback))
  }
  if (writev) {
    writable._writev = function writevOrReport(chunks, callback) {
      writev.call(this, chunks, report.around(callback))
    }
  }
}

/**
 * Wraps a write's callback so an error goes to the connection and the stream hears success. Node's Writable passes
 * the same callback to every `_write` of a stream, so the wrapper is made once, not per write.
 */
class WriteReport {
  private given: WriteCallback | undefined
  private wrapped: WriteCallback = ignoreWrite
  /** False while a TLS handshake is under way: write errors then go to the stream unchanged. */
  established = true

  constructor(private readonly connection: WireConnection) {}

  around(callback: WriteCallback): WriteCallback {
    // Stryker disable next-line ConditionalExpression: a wrapper made again for the same callback does the same; reusing it only saves the allocation
    if (callback !== this.given) {
      const connection = this.connection
      this.given = callback
      this.wrapped = (error) => {
        if (error && !this.established) {
          callback(error)
          return
        }
        if (error) connection.writeFailed(error)
        callback()
      }
    }
    return this.wrapped
  }
}

function ignoreWrite(): void {}

type WriteCallback = (error?: Error | null) => void
interface WriteMethods {
  _write(this: unknown, chunk: unknown, encoding: BufferEncoding, callback: WriteCallback): void
  _writev?(this: unknown, chunks: unknown, callback: WriteCallback): void
}

/** What node:http reports when the upstream closes the connection before the response is complete. */
export function hangUp(): Error {
  return Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })
}

/**
 * A response body read off a connection: chunks are pushed as the parser finds them; when the reader falls
 * behind, the connection stops reading until it asks for more. Destroying it early closes the connection.
 */
export class UpstreamBody extends Readable {
  /** A chunked body's trailers, settled when it completes (or, with none, when it goes away). */
  trailers: TrailerSlot | undefined

  constructor(
    private readonly connection: WireConnection,
    private readonly exchange: ExchangeOnWire,
  ) {
    super()
    // Readers see a failure through their own listeners (pipe, for-await); this one only keeps a body that
    // failed before anyone read it from crashing the process.
    this.on('error', ignore)
  }

  override _read(): void {
    this.connection.readMore(this.exchange)
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.readableEnded) this.exchange.abandoned()
    this.trailers?.came(undefined)
    callback(error)
  }
}

function ignore(): void {}

function headTimedOut(connection: WireConnection): void {
  connection.headTimedOut()
}
