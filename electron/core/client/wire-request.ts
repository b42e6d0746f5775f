/**
 * A request as the bytes that go upstream: the head exactly as the message has it (order, case, duplicates),
 * plus only what the wire strictly needs, and the body written with the framing the head promises.
 *
 * Node's ClientRequest checks names, values and the path before sending; so does this, with Node's own errors
 * (`ERR_INVALID_CHAR`, `ERR_INVALID_HTTP_TOKEN`, `ERR_UNESCAPED_CHARACTERS`), so a bad header is refused
 * rather than smuggled onto the wire.
 */
import { sameName } from '../message.ts'
import type { Readable, Writable } from 'node:stream'
import { bodyLength, type Header, type Headers, type Request } from '../message.ts'
import { prematureClose } from '../wire/stream-plumbing.ts'
import { LAST_CHUNK, TOKEN, headerLine, lastCodingIsChunked, writeChunk } from '../wire/framing.ts'
import { lastChunkWith } from '../wire/chunked-trailers.ts'
import { whenTrailersAtEnd } from '../wire/trailers-at-end.ts'

/** What the client needs to know of a request's headers, found in one pass. */
export interface RequestFacts {
  readonly host: boolean
  readonly contentLength: boolean
  /** The last Transfer-Encoding value, if any. */
  readonly transferEncoding: string | undefined
  /** Proxies the request has passed through, by its Via entries. */
  readonly viaHops: number
  /** It has an Upgrade header (a websocket or other protocol switch is asked for). */
  readonly upgrade: boolean
}

export function requestFacts(headers: readonly Header[]): RequestFacts {
  let host = false
  let contentLength = false
  let transferEncoding: string | undefined
  let viaHops = 0
  let upgrade = false
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i]!
    const name = h[0]
    const value = h[1]
    switch (name.length) {
      case 3:
        if (sameName(name, 'via')) viaHops += listEntries(value)
        break
      case 4:
        if (sameName(name, 'host')) host = true
        break
      case 7:
        if (sameName(name, 'upgrade')) upgrade = true
        break
      case 14:
        if (sameName(name, 'content-length')) contentLength = true
        break
      case 17:
        if (sameName(name, 'transfer-encoding')) transferEncoding = value
        break
    }
  }
  return { host, contentLength, transferEncoding, viaHops, upgrade }
}

/** The non-empty entries of a comma-separated field value (RFC 9110 §5.6.1), counted without splitting it. */
function listEntries(value: string): number {
  let entries = 0
  let inEntry = false
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    if (c === 44 /* , */) inEntry = false
    else if (!inEntry && c !== 32 && c !== 9) {
      inEntry = true
      entries++
    }
  }
  return entries
}

/**
 * The start line and header block, ready to write as latin1 (so header bytes round-trip): the request's headers
 * as sent, plus what the wire strictly needs: Host first when absent (RFC 9112 §3.2), and a framing header
 * (RFC 9112 §6) when the body has none; a bodiless request that needs no framing header gets none.
 * `chunked` says whether the body must be sent chunk-framed.
 */
export function requestHead(
  request: Request,
  path: string,
  authority: string,
  facts: RequestFacts,
): { text: string; chunked: boolean } {
  const method = request.method
  if (!TOKEN.test(method))
    throw Object.assign(new TypeError(`Method must be a valid HTTP token ["${method}"]`), {
      code: 'ERR_INVALID_HTTP_TOKEN',
    })
  if (UNESCAPED_PATH.test(path))
    throw Object.assign(new TypeError('Request path contains unescaped characters'), {
      code: 'ERR_UNESCAPED_CHARACTERS',
    })
  let text = `${method} ${path} HTTP/1.1\r\n`
  if (!facts.host) text += `Host: ${authority}\r\n`
  const headers = request.headers
  for (let i = 0; i < headers.length; i++) text += headerLine(headers[i]!)
  let chunked = facts.transferEncoding !== undefined && lastCodingIsChunked(facts.transferEncoding)
  if (!facts.contentLength && facts.transferEncoding === undefined) {
    const length = bodyLength(request.body)
    if (length === undefined) {
      text += 'Transfer-Encoding: chunked\r\n'
      chunked = true
    } else if (length > 0 || PAYLOAD_METHODS.has(method)) text += `Content-Length: ${length}\r\n`
  }
  return { text: `${text}\r\n`, chunked }
}

/** What Node's ClientRequest refuses in a path: anything outside U+0021..U+00FF. */
const UNESCAPED_PATH = /[^\u0021-\u00ff]/

/**
 * The request's headers as sent plus Host and framing as `requestHead` adds them, as a list (for node:http,
 * which writes the head itself on the upgrade path).
 */
export function outgoingHeaders(request: Request, authority: string): Header[] {
  const facts = requestFacts(request.headers)
  const headers: Header[] = request.headers.slice()
  if (!facts.host) headers.unshift(['Host', authority])
  if (facts.contentLength || facts.transferEncoding !== undefined) return headers
  const length = bodyLength(request.body)
  if (length === undefined) headers.push(['Transfer-Encoding', 'chunked'])
  else if (length > 0 || PAYLOAD_METHODS.has(request.method)) headers.push(['Content-Length', String(length)])
  return headers
}

/** Methods a server expects a body framing for; Content-Length: 0 is the plainest framing of an empty one. */
const PAYLOAD_METHODS = new Set(['POST', 'PUT', 'PATCH'])

/**
 * Streams a request body onto the upstream socket with backpressure, chunk-framed when `chunked`, without
 * ending the socket (it is kept for the next exchange). `done` hears once: undefined when the body ended, else
 * why it failed. Returns a function that stops sending (the response came back before the body was all sent).
 */
export function sendBodyStream(
  source: Readable,
  socket: Writable,
  chunked: boolean,
  done: (error: Error | undefined) => void,
  /** Trailers to end a chunked body with (the request's, from h2 or a chunked HTTP/1.1 client). */
  trailers?: Promise<Headers>,
): () => void {
  const sender = new BodySender(source, socket, chunked, done, trailers)
  source.on('data', sender.data)
  source.once('end', sender.end)
  source.once('error', sender.fail)
  source.once('close', sender.closed)
  return sender.stop
}

class BodySender {
  private over = false
  constructor(
    private readonly source: Readable,
    private readonly socket: Writable,
    private readonly chunked: boolean,
    private readonly done: (error: Error | undefined) => void,
    private readonly trailers: Promise<Headers> | undefined,
  ) {}

  readonly data = (chunk: Buffer): void => {
    const ok = this.chunked ? writeChunk(this.socket, chunk) : this.socket.write(chunk)
    if (!ok) {
      this.source.pause()
      this.socket.once('drain', this.resume)
    }
  }

  private readonly resume = (): void => {
    if (!this.over) this.source.resume()
  }

  readonly end = (): void => {
    if (this.over) return
    // Trailers come before a body's end, so they are known now (or, unmarked, in a microtask).
    if (this.chunked && this.trailers) {
      whenTrailersAtEnd(this.trailers, (t) => {
        if (this.over) return
        this.socket.write(lastChunkWith(t), 'latin1')
        this.finish(undefined)
      })
      return
    }
    if (this.chunked) this.socket.write(LAST_CHUNK, 'latin1')
    this.finish(undefined)
  }

  readonly fail = (error: Error): void => this.finish(error)

  readonly closed = (): void => {
    if (!this.source.readableEnded) this.finish(this.source.errored ?? prematureClose())
  }

  readonly stop = (): void => {
    this.finish(undefined, false)
  }

  private finish(error: Error | undefined, tell = true): void {
    if (this.over) return
    this.over = true
    this.source.off('data', this.data)
    this.source.off('end', this.end)
    this.source.off('error', this.fail)
    this.source.off('close', this.closed)
    this.source.on('error', ignore) // an unread source that fails later must not crash the process
    this.socket.off('drain', this.resume)
    if (tell) this.done(error)
  }
}

function ignore(): void {}

/**
 * Whether a request may be sent twice with the effect of once (RFC 9110 §9.2.2): only those does a proxy send again
 * by itself, on a fresh connection, when a pooled one turns out stale (RFC 9112 §9.3.1).
 */
export function isIdempotent(method: string): boolean {
  return IDEMPOTENT.has(method)
}

const IDEMPOTENT: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE'])
