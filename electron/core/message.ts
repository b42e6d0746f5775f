/**
 * Immutable HTTP messages that keep what was on the wire.
 *
 * Headers are an ordered list of `[name, value]` pairs: order, case and duplicates are kept exactly as
 * received. Case-insensitive lookup is a helper (`header`), never the storage.
 *
 * A body is bytes, or a stream with a length that may be unknown. Beware: a stream body can be read once;
 * a filter that needs the bytes calls `bufferBody` and passes the buffered message on.
 */
import type { Duplex, Readable } from 'node:stream'
import { prematureClose } from './stream-plumbing.ts'

export type Header = readonly [name: string, value: string]
export type Headers = readonly Header[]

export type Body =
  | { readonly kind: 'bytes'; readonly bytes: Uint8Array }
  | { readonly kind: 'stream'; readonly stream: Readable; readonly length: number | undefined }

/** Why a response was made by Nanoscope rather than the upstream (http4k's "client generated" statuses). */
export type FailureCause =
  | 'refused'
  | 'unknown-host'
  | 'timeout'
  | 'reset'
  | 'tls'
  | 'bad-request'
  | 'bad-gateway'
  | 'internal'

/** Present on responses Nanoscope made itself, so the UI can say "upstream refused" instead of "502". */
export interface Generated {
  readonly cause: FailureCause
  readonly message: string
}

/** What a tunnel (CONNECT or an Upgrade) moved, reported when it closes. */
export interface TunnelStats {
  readonly bytesUp: number
  readonly bytesDown: number
  readonly error?: string
}

/** Takes over the client's socket after the response head is written (CONNECT, websocket upgrades). */
export type Tunnel = (client: Duplex, head: Buffer) => Promise<TunnelStats>

export interface Request {
  readonly method: string
  /** The request-target exactly as sent: origin-form `/a?b`, absolute-form `http://h/a`, or authority-form `h:443`. */
  readonly target: string
  readonly version: string
  readonly headers: Headers
  readonly body: Body
  /** Aborts when the client goes away before the exchange completes. */
  readonly signal?: AbortSignal
  /** For CONNECT and Upgrade requests: the client's raw socket and any bytes already read past the head. */
  readonly connection?: { readonly socket: Duplex; readonly head: Buffer }
  /** Who sent it (set by the server adapter). */
  readonly peer?: { readonly address: string; readonly port: number }
  /** Labels from whoever made the request inside Nanoscope ('replayed', 'resent'); never sent on the wire. */
  readonly tags?: readonly string[]
  /** The id capture gave this exchange (its Traffic row), so a block can name the row it acts on; never sent. */
  readonly exchangeId?: string
  /** Trailer fields, known once the body has ended (HTTP/2 and gRPC); resolves to [] when none came. Never rejects. */
  readonly trailers?: Promise<Headers>
}

export interface Response {
  readonly status: number
  readonly reason: string
  readonly version: string
  readonly headers: Headers
  readonly body: Body
  readonly generated?: Generated
  /** Labels for the inspector: 'chaos', 'recorded', 'replayed', 'websocket', … */
  readonly tags?: readonly string[]
  readonly tunnel?: Tunnel
  /** Trailer fields, known once the body has ended (HTTP/2 and gRPC); resolves to [] when none came. Never rejects. */
  readonly trailers?: Promise<Headers>
}

export const emptyBody: Body = Object.freeze({ kind: 'bytes', bytes: new Uint8Array(0) })

export function bytesBody(content: string | Uint8Array): Body {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content
  return Object.freeze({ kind: 'bytes', bytes })
}

export function streamBody(stream: Readable, length?: number): Body {
  return Object.freeze({ kind: 'stream', stream, length })
}

/** The body's length in bytes, or undefined for a stream of unknown length. */
export function bodyLength(body: Body): number | undefined {
  return body.kind === 'bytes' ? body.bytes.byteLength : body.length
}

/** Reads a body into memory. Beware: this consumes a stream body; use the returned bytes afterwards. */
export function bodyBytes(body: Body): Promise<Buffer> {
  if (body.kind === 'bytes')
    return Promise.resolve(Buffer.from(body.bytes.buffer, body.bytes.byteOffset, body.bytes.byteLength))
  return readAll(body.stream)
}

/** Reads a stream to its end with plain listeners (cheaper than `for await`); rejects if it fails or closes early. */
function readAll(stream: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let length = 0
    if (stream.readableEnded) {
      resolve(Buffer.alloc(0))
      return
    }
    if (stream.destroyed) {
      reject(stream.errored ?? prematureClose())
      return
    }
    stream.on('data', (chunk: Buffer | string) => {
      const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
      chunks.push(b)
      length += b.byteLength
    })
    stream.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length)))
    stream.once('error', reject)
    stream.once('close', () => {
      if (!stream.readableEnded) reject(stream.errored ?? prematureClose())
    })
    stream.resume() // in case it was paused: a 'data' listener alone does not restart a paused stream
  })
}

export async function bodyText(body: Body): Promise<string> {
  return (await bodyBytes(body)).toString('utf8')
}

/** Returns the message with its body held in memory, so it can be read more than once. */
export async function bufferBody<M extends Request | Response>(message: M): Promise<M> {
  if (message.body.kind === 'bytes') return message
  return freeze({ ...message, body: bytesBody(await bodyBytes(message.body)) })
}

export interface RequestInit {
  method?: string
  target: string
  version?: string
  headers?: Headers
  body?: Body | string | Uint8Array
}

export function request(init: RequestInit): Request {
  return freeze({
    method: init.method ?? 'GET',
    target: init.target,
    version: init.version ?? '1.1',
    headers: freezeHeaders(init.headers ?? []),
    body: toBody(init.body),
  })
}

export interface ResponseInit {
  reason?: string
  version?: string
  headers?: Headers
  body?: Body | string | Uint8Array
  generated?: Generated
  tags?: readonly string[]
}

export function response(status: number, init: ResponseInit = {}): Response {
  const r: Response = {
    status,
    reason: init.reason ?? reasonPhrase(status),
    version: init.version ?? '1.1',
    headers: freezeHeaders(init.headers ?? []),
    body: toBody(init.body),
    ...(init.generated ? { generated: init.generated } : {}),
    ...(init.tags ? { tags: init.tags } : {}),
  }
  return freeze(r)
}

/** A response made by Nanoscope itself: plain-text body naming the cause, and a header saying so. */
export function generatedResponse(status: number, cause: FailureCause, message: string): Response {
  return response(status, {
    headers: [
      ['Content-Type', 'text/plain; charset=utf-8'],
      [GENERATED_HEADER, cause],
    ],
    body: `${message}\n`,
    generated: { cause, message },
  })
}

/** Marks responses made by Nanoscope rather than an upstream. */
export const GENERATED_HEADER = 'X-Nanoscope-Generated'

/** First value of a header, by case-insensitive name. */
export function header(message: { readonly headers: Headers }, name: string): string | undefined {
  const lower = name.toLowerCase()
  const headers = message.headers
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i]!
    if (sameName(h[0], lower)) return h[1]
  }
  return undefined
}

/** Every value of a header, in order. */
export function headerValues(message: { readonly headers: Headers }, name: string): string[] {
  const lower = name.toLowerCase()
  const values: string[] = []
  for (const h of message.headers) if (sameName(h[0], lower)) values.push(h[1])
  return values
}

/**
 * Whether a header name is `lower` (already lower-cased), ignoring case. Header names are tokens (ASCII,
 * RFC 9110 §5.1), so names of another length are not compared at all: most lookups lower-case nothing.
 */
export function sameName(name: string, lower: string): boolean {
  return name.length === lower.length && (name === lower || name.toLowerCase() === lower)
}

/** Appends a header, keeping any existing ones. */
export function withHeader<M extends Request | Response>(message: M, name: string, value: string): M {
  const headers = copyOf(message.headers, message.headers.length, 1)
  headers[headers.length - 1] = [name, value]
  return freeze({ ...message, headers: freezeFresh(headers) })
}

/**
 * The first `count` pairs in a new array with `room` more slots. A loop, not `slice()`: slicing a frozen array
 * takes V8's slow path (about a microsecond for a dozen headers), and filters copy headers on every exchange.
 * The pairs are shared (`freezeFresh` makes sure they are frozen).
 */
function copyOf(headers: Headers, count: number, room = 0): Header[] {
  const copy = new Array<Header>(count + room)
  for (let i = 0; i < count; i++) copy[i] = headers[i]!
  return copy
}

/** Replaces every header of that name with one (placed where the first one was, else appended). */
export function replaceHeader<M extends Request | Response>(message: M, name: string, value: string): M {
  return freeze({ ...message, headers: replacedHeaders(message.headers, name, value) })
}

/** The header list with every `name` header replaced by one (where the first was, else appended), frozen. */
export function replacedHeaders(headers: Headers, name: string, value: string): Headers {
  const lower = name.toLowerCase()
  const out: Header[] = []
  let placed = false
  for (const h of headers) {
    if (!sameName(h[0], lower)) out.push(h)
    else if (!placed) {
      out.push(Object.freeze([h[0], value] as const))
      placed = true
    }
  }
  if (!placed) out.push(Object.freeze([name, value] as const))
  return freezeFresh(out)
}

/** Removes every header whose lower-cased name is in the set. */
export function withoutHeaders<M extends Request | Response>(message: M, lowerNames: ReadonlySet<string>): M {
  return withoutHeadersWhere(message, (name) => lowerNames.has(name.toLowerCase()))
}

/** Removes every header whose name `drop` picks; the message comes back as it is when none is picked. */
export function withoutHeadersWhere<M extends Request | Response>(message: M, drop: (name: string) => boolean): M {
  const headers = message.headers
  let kept: Header[] | undefined
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i]!
    const dropped = drop(h[0])
    if (dropped && !kept) kept = copyOf(headers, i)
    else if (!dropped && kept) kept.push(h)
  }
  return kept ? freeze({ ...message, headers: freezeFresh(kept) }) : message
}

export function withHeaders<M extends Request | Response>(message: M, headers: Headers): M {
  return freeze({ ...message, headers: freezeHeaders(headers) })
}

export function withBody<M extends Request | Response>(message: M, body: Body | string | Uint8Array): M {
  return freeze({ ...message, body: toBody(body) })
}

export function withTarget(req: Request, target: string): Request {
  return freeze({ ...req, target })
}

export function withTags(res: Response, ...tags: string[]): Response {
  return withTagList(res, [...(res.tags ?? []), ...tags])
}

/**
 * The response with `tags` as its whole tag list. Built field by field when it has only the usual fields: a spread
 * of a frozen object takes V8's slow path, several times the cost, and the recorder tags every response.
 */
export function withTagList(res: Response, tags: readonly string[]): Response {
  if (res.generated !== undefined || res.tunnel !== undefined || res.trailers !== undefined)
    return freeze({ ...res, tags })
  return freeze({
    status: res.status,
    reason: res.reason,
    version: res.version,
    headers: res.headers,
    body: res.body,
    tags,
  })
}

/** Fails to compile when Response gains a field that `withTagList` does not know about. */
type ResponseFields =
  | 'status'
  | 'reason'
  | 'version'
  | 'headers'
  | 'body'
  | 'generated'
  | 'tags'
  | 'tunnel'
  | 'trailers'
const everyResponseField: [keyof Response] extends [ResponseFields]
  ? [ResponseFields] extends [keyof Response]
    ? true
    : never
  : never = true
void everyResponseField

function toBody(body: Body | string | Uint8Array | undefined): Body {
  if (body === undefined) return emptyBody
  if (typeof body === 'string' || body instanceof Uint8Array) return bytesBody(body)
  return body
}

function freezeHeaders(headers: Headers): Headers {
  return Object.isFrozen(headers) ? headers : freezeFresh(headers.slice())
}

/** Freezes a header list nobody else holds, and each pair in it, in place. */
function freezeFresh(headers: Header[]): Headers {
  for (const h of headers) if (!Object.isFrozen(h)) Object.freeze(h)
  return Object.freeze(headers)
}

function freeze<T extends object>(o: T): T {
  return Object.freeze(o)
}

const REASONS: Record<number, string> = {
  100: 'Continue',
  101: 'Switching Protocols',
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
  206: 'Partial Content',
  301: 'Moved Permanently',
  302: 'Found',
  303: 'See Other',
  304: 'Not Modified',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Content Too Large',
  416: 'Range Not Satisfiable',
  418: "I'm a teapot",
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
}

export function reasonPhrase(status: number): string {
  return REASONS[status] ?? ''
}
