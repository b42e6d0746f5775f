/**
 * What the HTTP/2 server and client adapters share (`server/h2-server.ts`, `client/h2-client.ts`): the mapping between
 * the pipeline's header list and HTTP/2 header blocks (RFC 9113 §8.2–8.3), the limits, the preface, body piping and
 * trailers.
 *
 * - In: pseudo-headers are taken out of the list (`:method`, `:path`, … become the request's method and target);
 *   `:authority` becomes a `host` header at the front when the block has none, so filters written for HTTP/1.1
 *   (proxyHost, reverseProxyTo) find the host where they look for it (§8.3.1 asks the same of an intermediary).
 * - Out: connection-specific headers are dropped (`Connection` and the names it lists, `Keep-Alive`,
 *   `Proxy-Connection`, `Transfer-Encoding`, `Upgrade`, `HTTP2-Settings`, and `TE` unless it is `trailers`), `Host`
 *   becomes `:authority`, names are lower-cased (§8.2.1); a repeated name is sent as repeated fields.
 */
import { sameName } from './same-name.ts'
import http2, { constants, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http2'
import type { Readable } from 'node:stream'
import type { Header, Headers } from '../message.ts'
import { mayTrail } from './chunked-trailers.ts'

const CONNECTION_SPECIFIC = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
  'host',
])

/** A header block as Node hands it over: the raw `[name, value, name, value, …]` list when it has one. */
export function rawPairs(headers: IncomingHttpHeaders, raw: readonly string[] | undefined): string[] {
  if (raw) return raw as string[]
  const flat: string[] = []
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue
    if (Array.isArray(value)) for (const v of value) flat.push(name, v)
    else flat.push(name, String(value))
  }
  return flat
}

/** The regular (non-pseudo) fields of a raw block, in order, frozen. */
export function regularHeaders(raw: readonly string[]): Header[] {
  const out: Header[] = []
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!
    if (name.charCodeAt(0) === 58 /* : */) continue
    out.push(Object.freeze([name, raw[i + 1]!] as const))
  }
  return out
}

/** The value of one pseudo-header in a raw block. */
export function pseudo(raw: readonly string[], name: string): string | undefined {
  for (let i = 0; i + 1 < raw.length; i += 2) if (raw[i] === name) return raw[i + 1]
  return undefined
}

/**
 * The header list turned into a Node header object for HTTP/2, without connection-specific fields. Beware: the
 * fields are added to `pseudoFields` itself (no copy per message), so pass a fresh object.
 */
export function h2Fields(headers: Headers, pseudoFields: OutgoingHttpHeaders = {}): OutgoingHttpHeaders {
  const out = pseudoFields
  const listed = connectionListed(headers)
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i]!
    const value = h[1]
    const lower = h[0].toLowerCase()
    if (CONNECTION_SPECIFIC.has(lower) || listed?.has(lower)) continue
    if (lower === 'te' && value.trim().toLowerCase() !== 'trailers') continue
    if (lower.charCodeAt(0) === 58) continue
    const had = out[lower]
    if (had === undefined) out[lower] = value
    else out[lower] = Array.isArray(had) ? [...had, value] : [String(had), value]
  }
  return out
}

/** Names a `Connection` header lists (they are hop-by-hop too, RFC 9110 §7.6.1). */
function connectionListed(headers: Headers): Set<string> | undefined {
  let listed: Set<string> | undefined
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i]!
    if (!sameName(h[0], 'connection')) continue
    listed ??= new Set()
    for (const token of h[1].split(',')) listed.add(token.trim().toLowerCase())
  }
  return listed
}

/**
 * Trailers as a Node header object: the same rules, no pseudo-headers, and none of the fields a trailer must not
 * carry (`mayTrail`, as in HTTP/1.1's): an h2 peer resets a stream whose trailers hold one (nghttp2: PROTOCOL_ERROR
 * for a `content-length` there), so one such field would cost the whole exchange.
 */
export function h2Trailers(trailers: Headers): OutgoingHttpHeaders {
  return h2Fields(trailers.some((h) => !mayTrail(h[0])) ? trailers.filter((h) => mayTrail(h[0])) : trailers)
}

/** The limits every h2 session Nanoscope serves runs under (node:http2 enforces them; the abuse tests pin them). */
export const H2_LIMITS = Object.freeze({
  /** Invalid frames a session may send before it is closed. */
  maxSessionInvalidFrames: 100,
  /** Streams refused (over the concurrency limit, or reset at once) before the session is closed. */
  maxSessionRejectedStreams: 100,
  /** Header fields in one block, pseudo-headers included. */
  maxHeaderListPairs: 256,
  /** Entries in one SETTINGS frame. */
  maxSettings: 32,
  /** PINGs sent and not yet acknowledged. */
  maxOutstandingPings: 10,
  /** Megabytes a session may hold in nghttp2 (unsent frames, header tables): past it, new streams are refused. */
  maxSessionMemory: 10,
  /** Concurrent streams a client may open. */
  maxConcurrentStreams: 128,
  /** The largest decoded header block, in bytes. */
  maxHeaderListSize: 64 * 1024,
})

/** The connection preface of HTTP/2 (RFC 9113 §3.4): what an h2c client with prior knowledge sends first. */
export const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1')
const PREFACE_LINE = 'PRI * HTTP/2.0'.length

/**
 * Whether a connection's first bytes are HTTP/2's: they match the preface's request line (`PRI * HTTP/2.0`) as far as
 * they go. The rest of the preface is checked by node:http2, which closes a connection that gets it wrong (left to
 * the HTTP/1.1 parser, `PRI` would stall it).
 */
export function startsLikePreface(bytes: Buffer): boolean {
  const n = Math.min(bytes.length, PREFACE_LINE)
  return n > 0 && bytes.subarray(0, n).equals(H2_PREFACE.subarray(0, n))
}

/**
 * Pipes a body into an h2 stream with backpressure (a write the stream cannot take yet pauses the body until
 * 'drain'); a body that fails resets the stream (RST_STREAM, `resetUnfinished`), never ends it, and a stream that goes
 * away stops the body. By hand rather than `stream.pipeline`, which builds and aborts an AbortController (and a
 * DOMException) for every body (a tenth of the proxy's CPU time under h2load), and rather than `pipe`, which makes
 * eight closures per body. The listeners are module functions that find their other end through a symbol, added
 * with `on` (each event but 'data' and 'drain' comes once): nothing is allocated per body but the listeners' entries,
 * and nothing per chunk.
 *
 * `end`:
 * - `'after-body'`: the stream ends when the body does (for a request, or a response that waits for trailers,
 *   whose end rides on the trailers' HEADERS frame).
 * - `'with-last-data'`: the body's end rides on its last DATA frame (END_STREAM), as the upstream sent it, rather
 *   than on an empty DATA frame after it. node:http2 ends a stream on the frame of its last write only when `end()`
 *   is called before the tick after that write, and a body's `'end'` comes in a later callback than its last
 *   `'data'` even when both came in one frame from the upstream (node:http2 reports the data and the end of a
 *   stream separately, ticks and microtasks run between). So the latest chunk is held until the event loop's check
 *   phase, after every byte read in this turn's poll: when the end came with it, `'end'` writes the held chunk and
 *   the end together; otherwise it goes out then, a fraction of a loop turn late. A chunk arriving while one is held
 *   sends that one at once, so a body is never held back more than one chunk. One `setImmediate` per loop turn
 *   flushes every body holding a chunk (`flushHeld`), not one timer per chunk.
 */
export function pipeBody(
  body: Readable,
  stream: http2.Http2Stream,
  end: 'after-body' | 'with-last-data' = 'after-body',
): void {
  // A body already over has no events left to hear: ended, the stream ends; gone before its end, the stream resets.
  if (body.readableEnded) {
    stream.end()
    return
  }
  if (body.destroyed) {
    resetUnfinished(stream)
    return
  }
  ;(body as PipedBody)[PIPED_TO] = stream
  ;(stream as PipedStream)[PIPED_FROM] = body
  body.on('error', onPipedBodyError)
  body.on('close', onPipedBodyClose)
  body.on('end', onPipedBodyEnd)
  stream.on('close', onPipedStreamClose)
  stream.on('drain', onPipedStreamDrain)
  body.on('data', end === 'with-last-data' ? onHeldBodyData : onPipedBodyData)
}

const PIPED_TO = Symbol('nanoscope.pipedTo')
const PIPED_FROM = Symbol('nanoscope.pipedFrom')
/** The chunk a `'with-last-data'` body holds until the check phase or its end. */
const HELD = Symbol('nanoscope.heldChunk')
type Chunk = Buffer | string
type PipedBody = Readable & { [PIPED_TO]?: http2.Http2Stream; [HELD]?: Chunk | undefined }
type PipedStream = http2.Http2Stream & { [PIPED_FROM]?: Readable }

/** Bodies that held a chunk in this loop turn; `flushHeld` writes what they still hold in the check phase. */
let holding: PipedBody[] = []
let flushScheduled = false

function onPipedBodyData(this: PipedBody, chunk: Chunk): void {
  writeChunk(this, chunk)
}

function onHeldBodyData(this: PipedBody, chunk: Chunk): void {
  const held = this[HELD]
  this[HELD] = chunk
  if (held !== undefined) writeChunk(this, held)
  else holding.push(this) // not held before, so not queued in this turn (a flushed body's slot is left behind empty)
  if (!flushScheduled) {
    flushScheduled = true
    setImmediate(flushHeld)
  }
}

function flushHeld(): void {
  flushScheduled = false
  const bodies = holding
  holding = []
  for (let i = 0; i < bodies.length; i++) writeHeld(bodies[i]!)
}

/** Writes the chunk a body holds, if any. */
function writeHeld(body: PipedBody): void {
  const held = body[HELD]
  if (held === undefined) return
  body[HELD] = undefined
  writeChunk(body, held)
}

function writeChunk(body: PipedBody, chunk: Chunk): void {
  const stream = body[PIPED_TO]
  if (!stream || stream.destroyed) return
  if (!stream.write(chunk)) body.pause()
}

function onPipedStreamDrain(this: PipedStream): void {
  const body = this[PIPED_FROM]
  if (body && !body.destroyed) body.resume()
}

function onPipedBodyEnd(this: PipedBody): void {
  writeHeld(this)
  const stream = this[PIPED_TO]
  if (stream && !stream.destroyed) stream.end()
}

/** Resets the stream: the body failed before its end (`resetUnfinished`). */
function onPipedBodyError(this: PipedBody): void {
  this[HELD] = undefined
  const stream = this[PIPED_TO]
  if (stream) resetUnfinished(stream)
}

function onPipedBodyClose(this: PipedBody): void {
  if (!this.readableEnded) onPipedBodyError.call(this)
}

function onPipedStreamClose(this: PipedStream): void {
  const body = this[PIPED_FROM]
  if (body && !body.readableEnded) body.destroy()
}

/**
 * Resets a stream whose body failed (RST_STREAM INTERNAL_ERROR), so the peer knows the message is incomplete. Not
 * `close(code)`: with the stream's writable side still open it first ends it (`end()`), and unless the stream waits
 * for trailers that sends END_STREAM, so the peer takes the cut body as whole and the reset after it is ignored.
 * `destroy` with an error resets without ending (node:http2 sends RST_STREAM with INTERNAL_ERROR for it).
 */
export function resetUnfinished(stream: http2.Http2Stream): void {
  if (!stream.destroyed && !stream.closed) stream.destroy(new Error('the body failed before its end'))
}

/** Sends trailers unless the stream went away meanwhile (then there is no one to send them to). */
export function sendTrailers(stream: http2.Http2Stream, trailers: Headers): void {
  if (stream.destroyed || stream.closed) return
  try {
    stream.sendTrailers(h2Trailers(trailers))
  } catch {
    stream.close(constants.NGHTTP2_INTERNAL_ERROR)
  }
}
