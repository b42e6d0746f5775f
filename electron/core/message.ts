/**
 * Immutable HTTP messages that keep what was on the wire.
 *
 * Headers are an ordered list of `[name, value]` pairs: order, case and duplicates are kept exactly as
 * received. Case-insensitive lookup is a helper (`header`), never the storage.
 *
 * A body is bytes, or a stream with a length that may be unknown. Beware: a stream body can be read once;
 * a filter that needs the bytes calls `bufferBody` and passes the buffered message on.
 *
 * This file holds the messages and their immutable updates; the header list (message/headers.ts), the body
 * (message/body.ts) and the reason phrases (message/reason-phrases.ts) have files of their own, and every name
 * is imported from here.
 */
import type { Duplex } from 'node:stream'
import { bodyBytes, bytesBody, toBody, type Body } from './message/body.ts'
import { copyOf, freezeFresh, freezeHeaders, replacedHeaders, type Header, type Headers } from './message/headers.ts'
import { reasonPhrase } from './message/reason-phrases.ts'

export { bodyBytes, bodyLength, bodyText, bytesBody, emptyBody, streamBody, type Body } from './message/body.ts'
export {
  header,
  headerValues,
  replacedHeaders,
  sameName,
  sameNameAt,
  type Header,
  type Headers,
} from './message/headers.ts'
export { reasonPhrase } from './message/reason-phrases.ts'

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
  /** The client went away, or its request body failed, before the upstream answered. */
  | 'client-aborted'

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
  /**
   * HTTP/2 only: the request's pseudo-header fields (`:method`, `:scheme`, `:authority`, `:path`) as the wire had
   * them, in their order, for the inspector. Never sent as such: `method`, `target` and `host` are what the pipeline
   * reads and changes, and the h2 client builds the pseudo-headers it sends from them.
   */
  readonly pseudoHeaders?: Headers
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

/** Appends a header, keeping any existing ones. */
export function withHeader<M extends Request | Response>(message: M, name: string, value: string): M {
  const headers = copyOf(message.headers, message.headers.length, 1)
  headers[headers.length - 1] = [name, value]
  return freeze({ ...message, headers: freezeFresh(headers) })
}

/** Replaces every header of that name with one (placed where the first one was, else appended). */
export function replaceHeader<M extends Request | Response>(message: M, name: string, value: string): M {
  return freeze({ ...message, headers: replacedHeaders(message.headers, name, value) })
}

/** Removes every header whose lower-cased name is in the set. */
export function withoutHeaders<M extends Request | Response>(message: M, lowerNames: ReadonlySet<string>): M {
  return withoutHeadersWhere(message, (name) => lowerNames.has(name.toLowerCase()))
}

/** Removes every header whose name `drop` picks; the message comes back as it is when none is picked. */
export function withoutHeadersWhere<M extends Request | Response>(message: M, drop: (name: string) => boolean): M {
  const headers = message.headers
  // Made at its largest size once the first is dropped, filled, then cut to length (in place): a list grown by
  // `push` is copied into a larger store, and freezing one with room to spare copies it again.
  let kept: Header[] | undefined
  let n = 0
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i]!
    if (drop(h[0])) {
      if (!kept) {
        kept = copyOf(headers, i, headers.length - 1 - i)
        n = i
      }
    } else if (kept) kept[n++] = h
  }
  if (!kept) return message
  kept.length = n
  return freeze({ ...message, headers: freezeFresh(kept) })
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

function freeze<T extends object>(o: T): T {
  return Object.freeze(o)
}
