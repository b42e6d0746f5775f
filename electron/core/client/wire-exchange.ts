/**
 * One request sent on a pooled `WireConnection` and its response read back, with the client adapter's rules: failures
 * before the response head become generated responses (refused, reset, timeout, TLS), so the UI can tell them from
 * the upstream's own answers, a failure after the head makes the body stream fail, the client going away closes the
 * upstream request, and a pooled connection the upstream had dropped while idle is retried once on a fresh one.
 */
import type { Socket } from 'node:net'
import { holdWritesIfBusy } from '../wire/turn-writes.ts'
import { bytesBody, emptyBody, response, streamBody, type Headers, type Request, type Response } from '../message.ts'
import { contentLength, frozenPairs } from '../wire/raw-headers.ts'
import { AnswersOnce } from './answers-once.ts'
import { errorCode, upstreamFailure, upstreamTimeout } from './upstream-failure.ts'
import { clientGone, requestBodyFailed } from './client-failure.ts'
import { LAST_CHUNK, isChunked, writeChunk } from '../wire/framing.ts'
import { lastChunkWith, TrailerSlot } from '../wire/chunked-trailers.ts'
import { whenTrailersAtEnd } from '../wire/trailers-at-end.ts'
import { isIdempotent, sendBodyStream } from './wire-request.ts'
import { UpstreamBody, type ExchangeOnWire, type WireConnection } from './wire-connection.ts'
import type { Origin, WirePool } from './wire-pool.ts'
import { watchOf, type AbortWatch, type AbortWatcher } from '../wire/abort-watch.ts'

/** Where the exchange goes and how long it may wait for the response head. */
export interface WireTarget {
  /** `host:port`, for messages. */
  readonly where: string
  readonly timeoutMs: number
}

export class WireExchange extends AnswersOnce implements ExchangeOnWire, AbortWatcher {
  private watch: AbortWatch | undefined
  private headSeen = false
  private responseDone = false
  private sentAll = false
  private keepAlive = false
  private body: UpstreamBody | undefined
  /**
   * A Content-Length response whose head came in the read being parsed: held until that read is parsed, so a body
   * that came whole with its head (most small responses, and up to 256 KiB on a plain connection, wire-pool.ts) is
   * handed on as bytes, without a stream; one still arriving streams from there (`readOver`).
   */
  private held: Held | undefined
  private stopSending: (() => void) | undefined
  /** A write to the upstream failed: the connection cannot carry another exchange. */
  private sendBroken = false
  /** Over (`over`): no timeout or abort watch is to be set from here. */
  private ended = false

  constructor(
    private readonly request: Request,
    private readonly target: WireTarget,
    private readonly connection: WireConnection,
    resolve: (res: Response | Promise<Response>) => void,
    /** How to send the request again on a fresh connection; present while a retry is still allowed. */
    private readonly again: Resend | undefined,
  ) {
    super(resolve)
  }

  /** Writes the request (head, then body) and waits for the answer. */
  start(head: string, chunked: boolean): void {
    const { request, connection } = this
    const signal = request.signal
    if (signal?.aborted) {
      this.clientWentAway()
      connection.release(false)
      return
    }
    connection.carry(this)
    const socket = connection.socket
    const body = request.body
    // The request goes out first; the timeout and the abort watch are set after it, off the way to the upstream.
    if (body.kind === 'bytes') this.sendBytes(socket, head, body.bytes, chunked)
    else {
      socket.write(head, 'latin1')
      if (!this.sendBroken)
        this.stopSending = sendBodyStream(
          body.stream,
          socket,
          chunked,
          (error) => this.bodySent(error),
          chunked ? request.trailers : undefined,
        )
    }
    if (this.ended) return
    connection.watchHead(this, this.target.timeoutMs)
    if (signal) (this.watch = watchOf(signal)).watchers.add(this)
  }

  private sendBytes(socket: Socket, head: string, bytes: Uint8Array, chunked: boolean): void {
    holdWritesIfBusy(socket)
    socket.write(head, 'latin1')
    if (bytes.byteLength === 0 && !chunked) {
      this.sentAll = true
      return
    }
    if (!chunked) {
      socket.write(bytes)
      this.sentAll = true
      return
    }
    writeChunk(socket, bytes)
    const trailers = this.request.trailers
    if (!trailers) {
      socket.write(LAST_CHUNK, 'latin1')
      this.sentAll = true
      return
    }
    // A replayed or made-up request's trailers: settled, so this waits a microtask at most.
    whenTrailersAtEnd(trailers, (t) => {
      if (!socket.destroyed) socket.write(lastChunkWith(t), 'latin1')
      this.sentAll = true
    })
  }

  head(status: number, reason: string, version: string, rawHeaders: string[], keepAlive: boolean): boolean {
    this.headSeen = true
    this.keepAlive = keepAlive
    const headers = frozenPairs(rawHeaders)
    const bodiless = this.request.method === 'HEAD' || status === 204 || status === 304
    if (bodiless) this.settle(response(status, { reason, version, headers, body: emptyBody }))
    else {
      const length = contentLength(headers)
      if (length !== undefined && !isChunked(headers))
        this.held = { status, reason, version, headers, length, chunks: [] }
      else this.streamBody(status, reason, version, headers, undefined, [])
    }
    return this.request.method === 'HEAD'
  }

  /** Settles the response with a body that streams, starting with the chunks already read. */
  private streamBody(
    status: number,
    reason: string,
    version: string,
    headers: Headers,
    length: number | undefined,
    chunks: readonly Buffer[],
  ): void {
    const body = (this.body = new UpstreamBody(this.connection, this))
    for (const chunk of chunks) body.push(chunk)
    const res = response(status, { reason, version, headers, body: streamBody(body, length ?? contentLength(headers)) })
    // A chunked body may end with trailers (RFC 9112 §7.1.2): they are known before the body ends.
    if (isChunked(headers)) this.settle(Object.freeze({ ...res, trailers: (body.trailers = new TrailerSlot()).fields }))
    else this.settle(res)
  }

  /** The read that brought the head is parsed and the body is still arriving: it streams from here. */
  readOver(): void {
    const held = this.held
    if (!held) return
    this.held = undefined
    this.streamBody(held.status, held.reason, held.version, held.headers, held.length, held.chunks)
  }

  data(chunk: Buffer): void {
    if (this.held) this.held.chunks.push(chunk)
    else if (this.body && !this.body.push(chunk)) this.connection.pause()
  }

  complete(trailers?: readonly string[]): void {
    this.responseDone = true
    const held = this.held
    if (held) {
      // The whole body came with its head: bytes (Node's parser hands each body chunk over as a copy of its own).
      this.held = undefined
      const chunks = held.chunks
      const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)
      this.settle(
        response(held.status, {
          reason: held.reason,
          version: held.version,
          headers: held.headers,
          body: bytesBody(bytes),
        }),
      )
    }
    this.body?.trailers?.came(trailers)
    this.body?.push(null)
    this.over()
    if (!this.sentAll) this.stopSending?.() // the upstream answered before taking the whole body
    this.connection.release(this.sentAll && this.keepAlive && !this.sendBroken)
  }

  failed(error: Error): void {
    this.readOver()
    this.over()
    this.stopSending?.()
    if (this.headSeen) {
      this.body?.destroy(error)
      return
    }
    if (this.settled) return
    // A pooled connection the upstream closed while idle fails on reuse; one fresh attempt is safe while
    // nothing came back, the body is in memory and the method is idempotent (RFC 9112 §9.3.1: a proxy must not
    // retry a POST by itself; that one is a 502 the client may choose to send again). A connection the client's own
    // close cut off is not stale: nothing is sent again once the pool is closed.
    const again = this.again
    if (
      again &&
      !again.pool.closed &&
      this.connection.completed > 0 &&
      this.request.body.kind === 'bytes' &&
      isIdempotent(this.request.method) &&
      // Stryker disable next-line StringLiteral: the fallback only stands for "no code", and no string it could become is a stale code
      STALE.has(errorCode(error) ?? '')
    ) {
      this.settle(
        new Promise<Response>((resolve) => {
          new WireExchange(this.request, this.target, again.pool.acquire(again.origin, true), resolve, undefined).start(
            again.head,
            again.chunked,
          )
        }),
      )
      return
    }
    this.settle(upstreamFailure(error, this.target.where))
  }

  sendFailed(): void {
    // The rest of the body is not wanted; what the upstream said, if it said anything, is still read.
    this.sendBroken = true
    this.stopSending?.()
  }

  /** The request's signal aborted: the client went away before the exchange was over. */
  clientWentAway(): void {
    this.settle(clientGone(this.target.where))
    this.over()
    this.stopSending?.()
    this.connection.destroy()
  }

  timedOut(): void {
    this.settle(upstreamTimeout(this.target.where, this.target.timeoutMs))
    this.over()
    this.stopSending?.()
    this.connection.destroy()
  }

  private bodySent(error: Error | undefined): void {
    if (error) {
      // The request body is the client's: its failure (the client left mid-upload) is the client's, not the upstream's.
      if (!this.headSeen) this.settle(requestBodyFailed(error, this.target.where))
      this.failed(error)
      this.connection.destroy()
      return
    }
    this.sentAll = true
  }

  /** The response body was destroyed before it ended: the upstream's bytes have nowhere to go. */
  abandoned(): void {
    if (!this.responseDone) this.connection.destroy()
  }

  /** No more timeouts or aborts apply. */
  private over(): void {
    this.ended = true
    this.stopTimer()
    this.watch?.watchers.delete(this)
  }

  /** The head's timeout is the connection's (`WireConnection.watchHead`), not a timer of this exchange's own. */
  protected override stopTimer(): void {
    this.connection.unwatchHead(this)
  }
}

/** A response head held until the read that brought it is parsed (`WireExchange.held`). */
interface Held {
  readonly status: number
  readonly reason: string
  readonly version: string
  readonly headers: Headers
  readonly length: number
  readonly chunks: Buffer[]
}

/** What a retry needs: where to get a fresh connection, and the request's head and framing. */
export interface Resend {
  readonly pool: WirePool
  readonly origin: Origin
  readonly head: string
  readonly chunked: boolean
}

/** Errors a stale pooled connection gives on reuse. */
const STALE = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED'])
