/**
 * Reading a request-target in its four forms (RFC 9112 §3.2): origin-form `/a?b`, absolute-form
 * `http://h:8080/a?b`, authority-form `h:443` (CONNECT only) and asterisk-form `*` (OPTIONS only).
 *
 * The path and query are kept exactly as sent (no WHATWG URL normalisation: `/a/../b` and `%7e` stay as they
 * are), because an inspector must forward and show what went over the wire. Only the authority is parsed, and
 * only to check it and to drop a port that is the scheme's default.
 */
export type RequestTarget =
  | { readonly form: 'origin'; readonly pathAndQuery: string }
  | { readonly form: 'absolute'; readonly scheme: string; readonly authority: string; readonly pathAndQuery: string }
  | { readonly form: 'authority'; readonly authority: string }
  | { readonly form: 'asterisk' }

const ABSOLUTE = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^#]*)/
const AUTHORITY = /^(?:\[[0-9A-Fa-f:.]+\]|[^\s/?#@[\]:]+):\d+$/

/** Which form a request-target is in, or undefined when it is none of them. */
export function parseTarget(target: string): RequestTarget | undefined {
  if (target.startsWith('/')) return { form: 'origin', pathAndQuery: target }
  if (target === '*') return { form: 'asterisk' }
  const absolute = ABSOLUTE.exec(target)
  if (absolute) {
    const [, scheme = '', authority = '', rest = ''] = absolute
    return { form: 'absolute', scheme: scheme.toLowerCase(), authority, pathAndQuery: withLeadingSlash(rest) }
  }
  if (AUTHORITY.test(target)) return { form: 'authority', authority: target }
  return undefined
}

/** The path (without query), as sent, of an origin- or absolute-form target; undefined for the other forms. */
export function targetPath(target: string): string | undefined {
  const parsed = parseTarget(target)
  if (!parsed || parsed.form === 'authority' || parsed.form === 'asterisk') return undefined
  const q = parsed.pathAndQuery.indexOf('?')
  return q < 0 ? parsed.pathAndQuery : parsed.pathAndQuery.slice(0, q)
}

/** The path and query, as sent, of an origin- or absolute-form target. */
export function targetPathAndQuery(target: string): string | undefined {
  const parsed = parseTarget(target)
  return parsed && (parsed.form === 'origin' || parsed.form === 'absolute') ? parsed.pathAndQuery : undefined
}

/**
 * Checks a `host[:port]` authority and writes it for `scheme`, leaving out the port when it is the scheme's
 * default (RFC 9110 §4.2). Undefined when it is empty, has user info, or is not a valid host.
 */
export function normaliseAuthority(scheme: string, authority: string): string | undefined {
  if (authority === '' || /[\s/?#@\\]/.test(authority)) return undefined
  let url: URL
  try {
    url = new URL(`http://${authority}/`)
  } catch {
    return undefined
  }
  if (url.hostname === '') return undefined
  const digits = /:(\d+)$/.exec(authority)?.[1]
  const port = digits === undefined ? undefined : String(Number(digits))
  return port === undefined || port === DEFAULT_PORTS[scheme] ? url.hostname : `${url.hostname}:${port}`
}

const DEFAULT_PORTS: Record<string, string> = { http: '80', https: '443', ws: '80', wss: '443' }

function withLeadingSlash(pathAndQuery: string): string {
  return pathAndQuery.startsWith('/') ? pathAndQuery : `/${pathAndQuery}`
}
