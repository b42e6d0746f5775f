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
  const target = req.target
  if (target.startsWith('/')) {
    const host = header(req, 'Host') ?? ''
    return { url: host === '' ? target : `http://${host}${target}`, host, path: target }
  }
  const absolute = ABSOLUTE.exec(target)
  if (absolute) {
    const [, host = '', rest = ''] = absolute
    return { url: target, host, path: rest === '' ? '/' : rest }
  }
  if (target === '*') {
    const host = header(req, 'Host') ?? ''
    return { url: host === '' ? '*' : `http://${host}`, host, path: '*' }
  }
  // authority-form (CONNECT host:port), or something unparseable: shown as sent.
  return { url: target, host: target, path: '' }
}
