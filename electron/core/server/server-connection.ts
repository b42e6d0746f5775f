/**
 * One client connection served by the wire server: requests are read by llhttp (node:http's own parser, in its
 * strict mode, so smuggling shapes such as Content-Length with Transfer-Encoding are refused), handed to the
 * handler one at a time in arrival order (pipelined requests wait their turn), and answered by
 * `writeWireResponse`. CONNECT and Upgrade requests hand the socket over (`takeOver`).
 *
 * States, for the server's timeout sweep: `head` (a request head is due or arriving: the headers timeout
 * applies), `busy` (an exchange is in progress), `idle` (kept alive between requests: the keep-alive timeout
 * applies).
 */
import { sameName } from '../message.ts'
import type { Socket } from 'node:net'
import { Readable } from 'node:stream'
import { methods, type Parser } from '../wire/llhttp.ts'
import { ownedParser, type ParserOwner } from '../wire/parser-owner.ts'
import type { HttpHandler } from '../http.ts'
import { emptyBody, streamBody, type Request, type Response } from '../message.ts'
import { contentLength, frozenPairs } from '../wire/raw-headers.ts'
import { httpVersion } from '../wire/http-version.ts'
import { writeWireResponse } from './wire-response.ts'
import { clientErrorAnswer, discardBody } from './write-response.ts'
import { respond, takeOver } from './take-over.ts'
import { startsLikePreface } from '../wire/h2-wire.ts'
import { acceptsTrailers, TrailerSlot } from '../wire/chunked-trailers.ts'

/** What the connection needs from its server. */
export interface ConnectionHost {
  readonly handler: HttpHandler
  /** The server is stopping: close after the exchange in progress. */
  readonly stopping: boolean
  /** The connection is done with (closed, or handed over to a tunnel). */
  forget(connection: ServerConnection): void
  /** The socket now belongs to a tunnel. */
  tunnelled(socket: Socket): void
  /** Takes a connection that began with the HTTP/2 preface (h2c with prior knowledge); `head` is what was read. */
  h2c?(socket: Socket, head: Buffer): void
}

/** One parsed request waiting for its turn, and how to answer it. */
interface Pending {
  readonly request: Request
  readonly body: RequestBody | undefined
  readonly keepAlive: boolean
  readonly expectsContinue: boolean
}

export class ServerConnection implements ParserOwner {
  state: 'head' | 'busy' | 'idle' = 'head'
  /** When the current state began (Date.now()). */
  since = Date.now()
  /** When the request being received began, until it has all arrived (for the request timeout). */
  receivingSince: number | undefined = this.since
  private readonly parser: Parser<ServerConnection>
  private readonly signal: AbortSignal
  private readonly peer: { readonly address: string; readonly port: number }
  private readonly queue: Pending[] = []
  private active: Pending | undefined
  /** The request whose body the parser is reading, if any. */
  private reading: RequestBody | undefined
  /** Bytes of that body arrived so far, and its Content-Length (undefined when chunked). */
  private arrived = 0
  private expected: number | undefined
  private partialHeaders: string[] = []
  private partialUrl = ''
  private upgrade: Request | undefined
  private clientEnded = false
  private closed = false
  /** A response head has gone out for the active exchange (a parse error can then only cut the connection). */
  private responding = false
  /** The connection was answered with an error and is closing: nothing more is written. */
  private refused = false
  /** Bytes that are not a request came behind complete ones: the 400 owed once those are answered (`code`). */
  private owed: { readonly code: string | undefined } | undefined
  /** No byte has arrived yet (the first chunk may be the HTTP/2 preface). */
  private first = true

  constructor(
    readonly socket: Socket,
    private readonly host: ConnectionHost,
  ) {
    this.parser = ownedParser('request', this)
    const aborter = new AbortController()
    this.signal = aborter.signal
    this.peer = Object.freeze({ address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 })
    socket.setNoDelay(true)
    socket.on('data', this.onData)
    // Stryker disable next-line StringLiteral: the socket is not half-open, so Node ends our side itself when the client ends its own; the flag only repeats that end
    socket.on('end', this.onEnd)
    socket.on('error', ignore)
    socket.once('close', () => {
      this.closed = true
      aborter.abort()
      this.reading?.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }))
      this.parser.close()
      this.host.forget(this)
    })
  }

  /** The server is stopping: an idle connection closes now, a busy one after its exchange. */
  closeIfIdle(): void {
    if (this.state !== 'busy') this.socket.destroy()
  }

  /** Past the headers (or request) timeout with the request still arriving: a 408, then close. */
  timedOut(): void {
    this.refuse('ERR_HTTP_REQUEST_TIMEOUT')
  }

  private readonly onData = (chunk: Buffer): void => {
    if (this.first) {
      this.first = false
      if (this.host.h2c && chunk.length >= 4 && startsLikePreface(chunk)) {
        this.socket.pause()
        this.socket.off('data', this.onData)
        this.socket.off('end', this.onEnd)
        this.host.forget(this)
        this.host.h2c(this.socket, chunk)
        return
      }
    }
    let rest = chunk
    for (;;) {
      const result = this.parser.execute(rest)
      if (result instanceof Error) {
        this.parseError(result)
        return
      }
      if (this.upgrade) {
        this.handOver(rest.subarray(result))
        return
      }
      // llhttp stops after a message with a body that offered an Upgrade (served as a plain request, see
      // headersComplete); what follows it is the next request.
      if (result <= 0) return
      // Stryker disable next-line ConditionalExpression,EqualityOperator: parsing on with nothing left returns 0 just above
      if (result >= rest.length) return
      rest = rest.subarray(result)
    }
  }

  /** The client closed its side: as with node:http, the connection closes (sockets here are not half-open). */
  // Stryker disable next-line BlockStatement: the socket is not half-open, so Node ends our side itself when the client ends its own; the flag only repeats that end
  private readonly onEnd = (): void => {
    this.clientEnded = true
  }

  // Parser events: the connection's parser (wire/parser-owner.ts's ownedParser) calls these as its ParserOwner.

  messageBegin(): void {
    const now = Date.now()
    this.receivingSince = now
    if (this.state === 'idle') {
      this.state = 'head'
      this.since = now
    }
  }

  headers(headers: string[], url: string): void {
    for (let i = 0; i < headers.length; i++) this.partialHeaders.push(headers[i]!)
    this.partialUrl += url
  }

  headersComplete(
    major: number,
    minor: number,
    raw: string[] | undefined,
    methodIndex: number,
    url: string | undefined,
    _status: number,
    _reason: string | undefined,
    upgrade: boolean,
    keepAlive: boolean,
  ): number {
    let flat = raw
    if (!flat) {
      flat = this.partialHeaders
      this.partialHeaders = []
    }
    if (!url) {
      url = this.partialUrl
      this.partialUrl = ''
    }
    const headers = frozenPairs(flat)
    let expectsContinue = false
    let chunked = false
    for (let i = 0; i < flat.length; i += 2) {
      const name = flat[i]!
      if (sameName(name, 'expect')) expectsContinue = flat[i + 1]!.trim().toLowerCase() === '100-continue'
      else if (sameName(name, 'transfer-encoding')) chunked = true
    }
    // Stryker disable next-line StringLiteral: llhttp only reports methods it knows, all of them in its own table
    const method = methods[methodIndex] ?? 'GET'
    const version = httpVersion(major, minor)
    const length = chunked ? undefined : contentLength(headers)
    // An Upgrade offered on a request with a body (curl --http2 -d offers h2c): llhttp reads the body before it would
    // switch, and the pipeline declines h2c (removeHopByHop), so it is served as a plain request with its body. Only a
    // bodiless upgrade (a websocket handshake) or a CONNECT hands the socket over.
    if (upgrade && (method === 'CONNECT' || (!chunked && !((length ?? 0) > 0)))) {
      this.upgrade = Object.freeze({
        method,
        target: url,
        version,
        headers,
        body: emptyBody,
        signal: this.signal,
        peer: this.peer,
      })
      return 0
    }
    const body = chunked || (length ?? 0) > 0 ? new RequestBody(this.socket) : undefined
    this.reading = body
    this.arrived = 0
    this.expected = length
    // A chunked body may end with trailers (RFC 9112 §7.1.2): they are known before the body ends.
    const trailers = chunked && body ? (body.trailers = new TrailerSlot()).fields : undefined
    const request: Request = Object.freeze({
      method,
      target: url,
      version,
      headers,
      body: body ? streamBody(body, length) : emptyBody,
      signal: this.signal,
      peer: this.peer,
      ...(trailers ? { trailers } : {}),
    })
    this.queue.push({ request, body, keepAlive, expectsContinue: expectsContinue && major === 1 && minor >= 1 })
    if (!this.active) this.next()
    else if (this.queue.length >= MAX_PIPELINED) this.socket.pause() // read on once the queue has room
    return 0
  }

  body(chunk: Buffer): void {
    const body = this.reading
    this.arrived += chunk.byteLength
    if (!body || body.destroyed) return // nobody will read it: dropped as it arrives
    if (!body.push(chunk)) this.socket.pause()
  }

  messageComplete(): void {
    this.receivingSince = undefined
    // Fields llhttp passed on after the head are the body's trailer section.
    const trailerFields = this.partialHeaders
    if (trailerFields.length > 0) {
      this.partialHeaders = []
      this.partialUrl = ''
    }
    const body = this.reading
    this.reading = undefined
    if (!body) return
    body.trailers?.came(trailerFields)
    body.push(null)
    this.socket.resume() // a pause for this body's backpressure no longer applies: it has all arrived
  }

  /** Starts the next queued exchange, if any. */
  private next(): void {
    const pending = this.queue.shift()
    if (!pending) {
      if (this.owed) {
        this.refuse(this.owed.code)
        return
      }
      if (this.clientEnded || this.host.stopping) {
        this.socket.end()
        return
      }
      this.state = 'idle'
      this.since = Date.now()
      return
    }
    this.active = pending
    this.state = 'busy'
    if (this.queue.length === MAX_PIPELINED - 1) this.socket.resume()
    if (pending.expectsContinue) this.socket.write('HTTP/1.1 100 Continue\r\n\r\n', 'latin1')
    respond(this.host.handler, pending.request).then((response) => this.answer(pending, response), ignore)
  }

  private answer(pending: Pending, response: Response): void {
    if (this.closed || this.refused || this.socket.destroyed) {
      discardBody(response.body)
      return
    }
    const request = pending.request
    this.responding = true
    writeWireResponse(
      this.socket,
      response,
      {
        method: request.method,
        chunkedOk: request.version === '1.1',
        keepAlive: pending.keepAlive && !this.host.stopping,
        sayKeepAlive: pending.keepAlive && request.version === '1.0',
        trailersOk: request.version === '1.1' && acceptsTrailers(request.headers),
      },
      (reusable) => this.answered(pending, reusable),
    )
  }

  private answered(pending: Pending, reusable: boolean): void {
    this.active = undefined
    this.responding = false
    const body = pending.body
    if (body && this.reading === body && !this.worthDraining()) {
      body.destroy()
      this.closeUnread()
      return
    }
    // A body the handler never read is read to its end and dropped, so the next request can be parsed.
    if (body && !body.readableEnded && !body.destroyed) {
      if (reusable) body.resume()
      else body.destroy()
    }
    if (!reusable) {
      if (!this.socket.destroyed) this.socket.end()
      return
    }
    this.socket.resume()
    this.next()
  }

  /** Whether the rest of a request body still arriving is small enough to read and drop, keeping the connection. */
  private worthDraining(): boolean {
    return this.expected !== undefined && this.expected - this.arrived <= MAX_DRAIN_BYTES
  }

  /**
   * The exchange was answered before its request body had arrived (an upstream's early 413 or 401), and the rest
   * is not wanted: close without reading it, cleanly (RFC 9112 §9.6). Our side ends after the answer, and what the
   * client still sends is read and dropped until it closes its side, so it is never reset before it has read the
   * answer (a reset can discard it); a client that goes on sending is cut off by the keep-alive sweep.
   */
  private closeUnread(): void {
    const socket = this.socket
    this.reading = undefined
    this.receivingSince = undefined
    this.queue.length = 0
    this.state = 'idle'
    this.since = Date.now()
    if (socket.destroyed) return
    socket.off('data', this.onData)
    // Stryker disable next-line StringLiteral: a resumed socket with no data listener drops what it reads all the same
    socket.on('data', ignore)
    socket.resume()
    socket.end()
  }

  private parseError(error: Error & { code?: string }): void {
    this.reading?.destroy(error)
    if (this.responding) {
      this.socket.destroy()
      return
    }
    if (!this.reading && (this.active || this.queue.length > 0)) {
      // As nginx does: the complete requests ahead of the bad bytes are answered in order, then the 400, then close.
      this.owed = { code: error.code }
      this.receivingSince = undefined
      this.socket.off('data', this.onData)
      this.socket.on('data', ignore)
      return
    }
    this.refuse(error.code)
  }

  /** Answers briefly and closes: the bytes were not a request this server will read. */
  private refuse(code: string | undefined): void {
    const socket = this.socket
    if (!socket.writable || this.responding || this.refused) {
      socket.destroy()
      return
    }
    this.refused = true
    socket.off('data', this.onData)
    socket.end(clientErrorAnswer(code))
  }

  /** CONNECT or Upgrade: the socket leaves this server's HTTP handling and goes to the handler's tunnel. */
  private handOver(head: Buffer): void {
    const request = this.upgrade!
    this.upgrade = undefined
    const socket = this.socket
    if (this.active || this.queue.length > 0) {
      socket.destroy()
      return
    } // an upgrade pipelined behind another request
    socket.off('data', this.onData)
    socket.off('end', this.onEnd)
    this.host.forget(this)
    this.host.tunnelled(socket)
    takeOver(this.host.handler, Object.freeze({ ...request, connection: { socket, head } }), socket, head)
  }
}

/**
 * Pipelined requests waiting behind the one being answered, at most: past it the connection stops reading until
 * one is answered, so a client that pipelines without reading answers cannot grow the queue without bound.
 */
export const MAX_PIPELINED = 64

/**
 * An exchange answered while more than this much of its request body is still to come closes its connection
 * rather than read the rest (Go's net/http draws the line at 256 KiB too); less is read and dropped, keeping
 * the connection for the next request.
 */
export const MAX_DRAIN_BYTES = 256 * 1024

/** A request body read off the connection: the parser pushes, a slow reader pauses the socket. */
class RequestBody extends Readable {
  /** A chunked body's trailers, settled when it completes (or, with none, when it goes away). */
  trailers: TrailerSlot | undefined

  constructor(private readonly socket: Socket) {
    super()
    this.on('error', ignore) // whoever reads the body sees the error; this only keeps an unread one quiet
  }

  override _read(): void {
    this.socket.resume()
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.trailers?.came(undefined)
    callback(error)
  }
}

function ignore(): void {}
