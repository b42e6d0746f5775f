/**
 * A Response written onto a client's socket by the wire server: the head exactly as the message has it, plus
 * only framing (Content-Length for a known length, chunked for an unknown one, or a close-delimited body for an
 * HTTP/1.0 client) and `Connection: close` when the connection ends after it.
 *
 * The head waits for the body's first chunk so both leave in one write, as node:http does, and every write is
 * held to the end of its event-loop turn (turn-writes.ts). A body stream that fails mid-way destroys the socket,
 * so the client sees a truncated response rather than a complete-looking one.
 */
import { sameName } from '../message.ts'
import type { Socket } from 'node:net'
import type { Readable } from 'node:stream'
import { bodyLength, generatedResponse, type Headers, type Response } from '../message.ts'
import { lastChunkWith } from '../wire/chunked-trailers.ts'
import { whenTrailersAtEnd } from '../wire/trailers-at-end.ts'
import { LAST_CHUNK, headerLine, isChunked, writeChunk } from '../wire/framing.ts'
import { holdWritesIfBusy } from '../wire/turn-writes.ts'
import { prematureClose } from '../wire/stream-plumbing.ts'
import { discardBody, mayHaveBody, messageOf } from './write-response.ts'

/** How the response goes out on this connection. */
export interface WireFraming {
  /** The request method (HEAD responses carry no body). */
  readonly method: string
  /** The client can be sent a chunked body (it spoke HTTP/1.1). */
  readonly chunkedOk: boolean
  /** The client and the server both want the connection kept open after this response. */
  readonly keepAlive: boolean
  /** The client spoke HTTP/1.0 and asked for keep-alive, so it must hear `Connection: keep-alive` back. */
  readonly sayKeepAlive: boolean
  /**
   * The client asked for trailers (`TE: trailers`), so an HTTP/2 response is sent chunked even when it has a length,
   * for its trailers to follow. A body chunked anyway ends with the response's trailers whatever the client said: a
   * proxy passes on what the upstream sent, and a client that did not ask may ignore them (RFC 9110 §6.5.1).
   */
  readonly trailersOk?: boolean
}

/**
 * Writes the response; `done(reusable)` hears once the last byte is handed to the socket (reusable: the
 * connection can carry the next exchange) or, with false, when the body failed and the socket was destroyed.
 */
export function writeWireResponse(
  socket: Socket,
  response: Response,
  framing: WireFraming,
  done: (reusable: boolean) => void,
): void {
  let head: WireHead
  try {
    head = wireHead(response, framing, rechunks(response, framing))
  } catch (error) {
    discardBody(response.body)
    const fallback = generatedResponse(500, 'internal', `the response could not be written: ${messageOf(error)}`)
    head = wireHead(fallback, framing)
    response = fallback
  }
  const body = response.body
  if (!head.withBody) {
    discardBody(body)
    holdWritesIfBusy(socket)
    socket.write(head.text, 'latin1')
    done(head.keepAlive)
    return
  }
  if (body.kind === 'bytes') {
    holdWritesIfBusy(socket)
    const bytes = body.bytes
    if (head.chunked) {
      socket.write(head.text, 'latin1')
      writeChunk(socket, bytes)
      socket.write(LAST_CHUNK, 'latin1')
    } else if (bytes.byteLength <= ONE_WRITE_BYTES) socket.write(headAndBody(head.text, bytes))
    else {
      socket.write(head.text, 'latin1')
      socket.write(bytes)
    }
    done(head.keepAlive)
    return
  }
  const trailers = head.chunked ? response.trailers : undefined
  new BodyWriter(socket, body.stream, head, done, trailers).start()
}

/**
 * A body up to this size goes out in one buffer with its head: one write whether or not the turn's writes are held
 * (turn-writes.ts), where head and body written apart are two system calls when they are not.
 */
export const ONE_WRITE_BYTES = 16 * 1024

function headAndBody(head: string, body: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(head.length + body.byteLength)
  const at = out.write(head, 0, 'latin1')
  out.set(body, at)
  return out
}

interface WireHead {
  readonly text: string
  readonly withBody: boolean
  readonly chunked: boolean
  readonly keepAlive: boolean
}

/**
 * Whether an HTTP/2 response goes out chunked whatever its length, so that its trailers can follow: the client asked
 * for them (`TE: trailers`) and can take chunked framing. An intermediary may change the framing (RFC 9112 §6.1);
 * the Content-Length the upstream sent is then left out of the head.
 */
function rechunks(response: Response, framing: WireFraming): boolean {
  return (
    framing.trailersOk === true &&
    framing.chunkedOk &&
    response.version === '2' &&
    response.trailers !== undefined &&
    response.body.kind === 'stream'
  )
}

function wireHead(response: Response, framing: WireFraming, rechunk = false): WireHead {
  const status = response.status
  if (!Number.isInteger(status) || status < 100 || status > 999) throw new RangeError(`invalid status code ${status}`)
  if (CR_OR_LF.test(response.reason)) throw new TypeError('the reason phrase contains CR or LF')
  const withBody = mayHaveBody(framing.method, status)
  let text = `HTTP/1.1 ${status} ${response.reason}\r\n`
  let length = false
  let encoded = false
  let connectionClose = false
  const headers = response.headers
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i]!
    const name = h[0]
    const value = h[1]
    if (rechunk && sameName(name, 'content-length')) continue
    text += headerLine(h)
    if (sameName(name, 'content-length')) length = true
    else if (sameName(name, 'transfer-encoding')) encoded = true
    else if (sameName(name, 'connection') && /(?:^|,)\s*close\s*(?:,|$)/i.test(value)) connectionClose = true
  }
  let chunked = false
  let delimitedByClose = false
  if (withBody) {
    if (encoded) {
      chunked = isChunked(headers)
      delimitedByClose = !chunked
    } else if (rechunk) {
      text += 'Transfer-Encoding: chunked\r\n'
      chunked = true
    } else if (!length) {
      const known = bodyLength(response.body)
      if (known !== undefined) text += `Content-Length: ${known}\r\n`
      else if (framing.chunkedOk) {
        text += 'Transfer-Encoding: chunked\r\n'
        chunked = true
      } else delimitedByClose = true
    }
  }
  const keepAlive = framing.keepAlive && !connectionClose && !delimitedByClose
  if (!keepAlive && !connectionClose) text += 'Connection: close\r\n'
  else if (keepAlive && framing.sayKeepAlive) text += 'Connection: keep-alive\r\n'
  return { text: `${text}\r\n`, withBody, chunked, keepAlive }
}

const CR_OR_LF = /[\r\n]/

/** Streams a body after its head, framed, with backpressure; the head goes out with the first chunk. */
class BodyWriter {
  private headSent = false
  private over = false

  constructor(
    private readonly socket: Socket,
    private readonly source: Readable,
    private readonly head: WireHead,
    private readonly done: (reusable: boolean) => void,
    /** The response's trailers, to end a chunked body with (the client asked for them). */
    private readonly trailers?: Promise<Headers>,
  ) {}

  // Listeners made in start() as unnamed arrows: a named per-response closure costs a defineProperty under tsx.
  private onData: (chunk: Buffer) => void = ignore
  private onEnd: () => void = ignore
  private onClose: () => void = ignore
  private onSocketClose: () => void = ignore
  private onDrain: () => void = ignore
  private onError: () => void = ignore

  start(): void {
    const { source, socket } = this
    this.onData = (chunk) => this.data(chunk)
    this.onEnd = () => this.end()
    this.onClose = () => {
      if (!this.source.readableEnded) this.fail()
    }
    this.onSocketClose = () => this.socketClosed()
    this.onDrain = () => {
      if (!this.over) this.source.resume()
    }
    this.onError = () => this.fail()
    source.on('data', this.onData)
    source.once('end', this.onEnd)
    source.on('error', this.onError)
    source.once('close', this.onClose)
    socket.once('close', this.onSocketClose)
  }

  private data(chunk: Buffer): void {
    const socket = this.socket
    // Every chunk is held to the end of the turn, not only the first with the head: so whatever must happen before
    // a response's last bytes leave (its record written, turn-writes.ts) happens in the turn they are written.
    holdWritesIfBusy(socket)
    if (!this.headSent) {
      this.headSent = true
      socket.write(this.head.text, 'latin1')
    }
    const ok = this.head.chunked ? writeChunk(socket, chunk) : socket.write(chunk)
    if (!ok) {
      this.source.pause()
      socket.once('drain', this.onDrain)
    }
  }

  private end(): void {
    if (this.over) return
    // Trailers come before a body's end, so they are known now (or, unmarked, in a microtask).
    if (this.trailers) whenTrailersAtEnd(this.trailers, (t) => this.ended(t))
    else this.ended(undefined)
  }

  private ended(trailers: Headers | undefined): void {
    if (this.over) return
    const socket = this.socket
    if (!this.headSent || this.head.chunked) holdWritesIfBusy(socket)
    if (!this.headSent) {
      this.headSent = true
      socket.write(this.head.text, 'latin1')
    }
    if (this.head.chunked) socket.write(trailers ? lastChunkWith(trailers) : LAST_CHUNK, 'latin1')
    this.finish()
    this.done(this.head.keepAlive)
  }

  private fail(): void {
    if (this.over) return
    this.finish()
    this.socket.destroy()
    this.done(false)
  }

  /** The client went away: the body's producer is freed. */
  private socketClosed(): void {
    if (this.over) return
    this.finish()
    if (!this.source.destroyed) this.source.destroy(prematureClose())
    this.done(false)
  }

  private finish(): void {
    this.over = true
    const { source, socket } = this
    source.off('data', this.onData)
    source.off('end', this.onEnd)
    // Stryker disable next-line StringLiteral: a close listener left behind finds the writer over (or the body ended) and does nothing
    source.off('close', this.onClose)
    socket.off('close', this.onSocketClose)
    socket.off('drain', this.onDrain)
    // A source that fails after this must not crash the process, so a listener stays, but one that holds nothing:
    // a finished stream still pointing at this writer kept the whole exchange alive when the stream had been
    // allocated in the old generation (electron/proxy/gc-tuning.ts).
    source.on('error', ignore)
    source.off('error', this.onError)
  }
}

function ignore(): void {}
