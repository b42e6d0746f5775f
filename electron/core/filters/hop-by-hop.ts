import { describe, type Filter } from '../http.ts'
import { headerValues, withoutHeaders, type Request, type Response } from '../message.ts'

/**
 * Header fields that describe one connection, not the message (RFC 9110 §7.6.1): a proxy must not forward
 * them. `Trailer` comes from the older list in RFC 7230 §6.1; `Proxy-Connection` is the non-standard field old
 * clients still send. `Transfer-Encoding` goes too: the Node adapters re-frame bodies on each side.
 */
export const HOP_BY_HOP_HEADERS: ReadonlySet<string> = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade',
])

/**
 * Removes hop-by-hop headers from the request going upstream and from the response coming back
 * (RFC 9110 §7.6.1): `Connection`, every field named in `Connection`'s values, and `HOP_BY_HOP_HEADERS`.
 *
 * Beware: websocket handshakes are left untouched, since `Connection: upgrade` and `Upgrade` are what make them
 * work: a GET with `Connection: upgrade` and an `Upgrade` header, and any 101 response.
 */
export function removeHopByHop(): Filter {
  return describe('removes hop-by-hop headers both ways', (next) => async function removeHopByHopHeaders(req) {
    const forwarded = isUpgradeRequest(req) ? req : withoutHopByHop(req)
    const res = await next(forwarded)
    return res.status === 101 ? res : withoutHopByHop(res)
  })
}

/** The message without `Connection`, the fields it names, and the other hop-by-hop fields. */
export function withoutHopByHop<M extends Request | Response>(message: M): M {
  const named = connectionTokens(message)
  if (named.length === 0) return withoutHeaders(message, HOP_BY_HOP_HEADERS)
  return withoutHeaders(message, new Set([...HOP_BY_HOP_HEADERS, ...named]))
}

/** A websocket (or other protocol) upgrade handshake: GET, `Connection` naming `upgrade`, and `Upgrade`. */
export function isUpgradeRequest(req: Request): boolean {
  return req.method.toUpperCase() === 'GET' && connectionTokens(req).includes('upgrade') && headerValues(req, 'Upgrade').length > 0
}

function connectionTokens(message: Request | Response): string[] {
  return headerValues(message, 'Connection').flatMap((v) => v.split(',')).map((t) => t.trim().toLowerCase()).filter((t) => t !== '')
}
