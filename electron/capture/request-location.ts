/**
 * Where a request was going, for the traffic table: an absolute URL, the host and the path, read from the
 * request-target as sent (RFC 9112 §3.2) and, for origin-form, the Host header (RFC 9112 §3.2.1). Nothing is
 * normalised: `/a/../b` stays as it is, because the inspector shows what went over the wire.
 */
import { header, type Request } from '../core/message.ts'

export interface RequestLocation {
  readonly url: string
  readonly host: string
  /** Path and query as sent; empty for authority-form (CONNECT). */
  readonly path: string
}

const ABSOLUTE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)([^#]*)/

export function locate(req: Request): RequestLocation {
  return locateTarget(req.target, hostOf, req)
}

function hostOf(req: Request): string | undefined {
  return header(req, 'Host')
}

/** `locate` for a target, reading the Host header through `hostHeader(from)` only when the target needs it. */
export function locateTarget<T>(target: string, hostHeader: (from: T) => string | undefined, from: T): RequestLocation {
  if (target.startsWith('/')) {
    const host = hostHeader(from) ?? ''
    return { url: host === '' ? target : `http://${host}${target}`, host, path: target }
  }
  const authority = target.startsWith('http://') ? 7 : target.startsWith('https://') ? 8 : -1
  if (authority > 0) return absoluteForm(target, authority)
  const absolute = ABSOLUTE.exec(target)
  if (absolute) {
    // Stryker disable next-line StringLiteral: both groups always take part in a match (each may match nothing), so the defaults are never used
    const [, host = '', rest = ''] = absolute
    return { url: target, host, path: rest === '' ? '/' : rest }
  }
  if (target === '*') {
    const host = hostHeader(from) ?? ''
    return { url: host === '' ? '*' : `http://${host}`, host, path: '*' }
  }
  // authority-form (CONNECT host:port), or something unparseable: shown as sent.
  return { url: target, host: target, path: '' }
}

/** `ABSOLUTE` for the usual schemes, by hand: the host runs to the first `/`, `?` or `#`, the path to the first `#`. */
function absoluteForm(target: string, authority: number): RequestLocation {
  let end = authority
  for (; end < target.length; end++) {
    const c = target.charCodeAt(end)
    if (c === 0x2f || c === 0x3f || c === 0x23) break
  }
  const hash = target.indexOf('#', end)
  const rest = hash < 0 ? target.slice(end) : target.slice(end, hash)
  return { url: target, host: target.slice(authority, end), path: rest === '' ? '/' : rest }
}
