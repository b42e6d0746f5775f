import { describe, type Filter } from '../http.ts'
import { headerValues, sameName, withoutHeadersWhere, type Request, type Response } from '../message.ts'

/**
 * Header fields that describe one connection, not the message (RFC 9110 §7.6.1): a proxy must not forward
 * them. `Proxy-Connection` is the non-standard field old clients still send. `Transfer-Encoding` goes too: the Node
 * adapters re-frame bodies on each side. `Trailer` stays (RFC 9110 §6.6.2 makes it an end-to-end field; RFC 2616's
 * list had it): Nanoscope relays trailers, so their announcement is true on the other side too, and the HTTP/2 server
 * reads it to know whether to hold a stream's end for trailers (`server/h2-server.ts`).
 */
export const HOP_BY_HOP_HEADERS: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'transfer-encoding',
  'upgrade',
])

/**
 * Removes hop-by-hop headers from the request going upstream and from the response coming back
 * (RFC 9110 §7.6.1): `Connection`, every field named in `Connection`'s values, and `HOP_BY_HOP_HEADERS`.
 *
 * Beware: websocket handshakes are left untouched, since `Connection: upgrade` and `Upgrade` are what make them
 * work: a GET with `Connection: upgrade` and an `Upgrade` header, and any 101 response. An `Upgrade: h2c` offer
 * (curl `--http2` on an http:// URL) is not: it is declined by dropping it (RFC 9110 §7.8 lets a server ignore
 * Upgrade), so the exchange goes on in HTTP/1.1 and stays visible to the pipeline. Answering it would mean serving
 * the upgraded request as stream 1 of a new h2 session, which node:http2 has no way to do, and RFC 9113 §3.1
 * deprecates the mechanism; passing it on would let an upstream that accepts it take the connection out of sight, as
 * a raw tunnel. Clients that want h2c send the HTTP/2 preface (prior knowledge), which the listeners serve.
 */
export function removeHopByHop(): Filter {
  return describe('removes hop-by-hop headers both ways', (next) =>
    async function removeHopByHopHeaders(req) {
      const forwarded = isUpgradeRequest(req) && !offersOnlyH2c(req) ? req : withoutHopByHop(req)
      const res = await next(forwarded)
      return res.status === 101 ? res : withoutHopByHop(res)
    })
}

/**
 * The message without `Connection`, the fields it names, and the other hop-by-hop fields. One pass looks for
 * them (names of no hop-by-hop length are not even lower-cased); the message comes back as it is when there
 * are none.
 */
export function withoutHopByHop<M extends Request | Response>(message: M): M {
  let found = false
  /** Fields `Connection` names that are not hop-by-hop anyway (most name only `keep-alive` or `close`: none). */
  let extra: string[] | undefined
  const headers = message.headers
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i]!
    const name = h[0]
    if (!isHopByHopName(name)) continue
    found = true
    if (sameName(name, 'connection')) {
      const named = tokens(h[1])
      for (let t = 0; t < named.length; t++) if (!HOP_BY_HOP_HEADERS.has(named[t]!)) (extra ??= []).push(named[t]!)
    }
  }
  if (!found) return message
  if (!extra) return withoutHeadersWhere(message, isHopByHopName)
  const named = extra
  return withoutHeadersWhere(message, (name) => isHopByHopName(name) || named.includes(name.toLowerCase()))
}

/** One of `HOP_BY_HOP_HEADERS`, in any case (compared by `sameName`, lower-casing nothing). */
function isHopByHopName(name: string): boolean {
  const candidates = HOP_BY_HOP_BY_LENGTH[name.length]
  if (candidates === undefined) return false
  for (let i = 0; i < candidates.length; i++) if (sameName(name, candidates[i]!)) return true
  return false
}

/** `HOP_BY_HOP_HEADERS` by the length of their names. */
const HOP_BY_HOP_BY_LENGTH: ReadonlyArray<readonly string[] | undefined> = [...HOP_BY_HOP_HEADERS].reduce<string[][]>(
  (byLength, name) => {
    byLength[name.length] = [...(byLength[name.length] ?? []), name]
    return byLength
  },
  [],
)

/**
 * An `Upgrade` offering h2c alone (RFC 7540 §3.2), which the proxy declines: every protocol in every `Upgrade` field
 * is h2c (`Upgrade: h2c, H2C` too). An offer naming any other protocol beside it is an upgrade like any other.
 */
function offersOnlyH2c(req: Request): boolean {
  let offers = 0
  for (const value of headerValues(req, 'Upgrade')) {
    for (const token of value.split(',')) {
      const protocol = token.trim()
      if (protocol === '') continue
      if (protocol.toLowerCase() !== 'h2c') return false
      offers++
    }
  }
  return offers > 0
}

/** A websocket (or other protocol) upgrade handshake: GET, `Connection` naming `upgrade`, and `Upgrade`. */
export function isUpgradeRequest(req: Request): boolean {
  return (
    (req.method === 'GET' || req.method.toUpperCase() === 'GET') &&
    hasUpgrade(req.headers) &&
    connectionTokens(req).includes('upgrade')
  )
}

function hasUpgrade(headers: Request['headers']): boolean {
  for (let i = 0; i < headers.length; i++) if (sameName(headers[i]![0], 'upgrade')) return true
  return false
}

function connectionTokens(message: Request | Response): string[] {
  const found: string[] = []
  const headers = message.headers
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i]!
    if (sameName(h[0], 'connection')) found.push(...tokens(h[1]))
  }
  return found
}

function tokens(value: string): string[] {
  if (!value.includes(',')) {
    // the usual `keep-alive` or `close`: no split, no intermediate arrays
    const token = value.trim().toLowerCase()
    return token === '' ? [] : [token]
  }
  return (
    // Stryker disable next-line MethodExpression: an empty token would name no field (none has an empty name), so it removes nothing
    value
      .split(',')
      .map((t) => t.trim().toLowerCase())
      // Stryker disable next-line StringLiteral: as above, an empty token kept removes nothing
      .filter((t) => t !== '')
  )
}
