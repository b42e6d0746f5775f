/**
 * Mapping between the pipeline's header list and HTTP/2 header blocks (RFC 9113 §8.2–8.3).
 *
 * - In: pseudo-headers are taken out of the list (`:method`, `:path`, … become the request's method and target);
 *   `:authority` becomes a `host` header at the front when the block has none, so filters written for HTTP/1.1
 *   (proxyHost, reverseProxyTo) find the host where they look for it (§8.3.1 asks the same of an intermediary).
 * - Out: connection-specific headers are dropped (`Connection` and the names it lists, `Keep-Alive`,
 *   `Proxy-Connection`, `Transfer-Encoding`, `Upgrade`, `HTTP2-Settings`, and `TE` unless it is `trailers`), `Host`
 *   becomes `:authority`, names are lower-cased (§8.2.1); a repeated name is sent as repeated fields.
 */
import { constants, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http2'
import type { Header, Headers } from '../message.ts'

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

/** The header list turned into a Node header object for HTTP/2, without connection-specific fields. */
export function h2Fields(headers: Headers, pseudoFields: OutgoingHttpHeaders = {}): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = { ...pseudoFields }
  const listed = connectionListed(headers)
  for (const [name, value] of headers) {
    const lower = name.toLowerCase()
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
  for (const [name, value] of headers) {
    if (name.length !== 10 || name.toLowerCase() !== 'connection') continue
    listed ??= new Set()
    for (const token of value.split(',')) listed.add(token.trim().toLowerCase())
  }
  return listed
}

/** Trailers as a Node header object: the same rules, and no pseudo-headers. */
export function h2Trailers(trailers: Headers): OutgoingHttpHeaders {
  return h2Fields(trailers)
}

export const {
  HTTP2_HEADER_METHOD,
  HTTP2_HEADER_PATH,
  HTTP2_HEADER_AUTHORITY,
  HTTP2_HEADER_SCHEME,
  HTTP2_HEADER_STATUS,
} = constants
