import { header, type Headers, type Request } from '../core/message.ts'
import { parseTarget } from '../core/wire/request-target.ts'

/**
 * What a trigger may look at: the request as the proxy will send it upstream. Chaos runs after routing, so
 * the target is absolute-form and `host` is its authority (unlike http4k's chaos proxy, where it is empty).
 */
export interface ChaosRequest {
  readonly method: string
  /** The authority of an absolute-form target, else the Host header, else ''. */
  readonly host: string
  /** As sent, without the query. */
  readonly path: string
  /** Decoded name/value pairs, in order. */
  readonly query: ReadonlyArray<readonly [string, string]>
  readonly headers: Headers
  /** The body as UTF-8 text, present only when some trigger needs it (the engine buffers it then). */
  readonly body?: string
}

export function chaosRequest(req: Request, body?: string): ChaosRequest {
  const target = parseTarget(req.target)
  const host =
    target?.form === 'absolute'
      ? target.authority
      : target?.form === 'authority'
        ? target.authority
        : (header(req, 'Host') ?? '')
  const pathAndQuery = target?.form === 'absolute' || target?.form === 'origin' ? target.pathAndQuery : ''
  const q = pathAndQuery.indexOf('?')
  return {
    method: req.method,
    host,
    // Stryker disable next-line EqualityOperator: a path and query always starts with '/', so '?' is never at 0
    path: q < 0 ? pathAndQuery : pathAndQuery.slice(0, q),
    // Stryker disable next-line EqualityOperator: as above
    query: q < 0 ? [] : parseQuery(pathAndQuery.slice(q + 1)),
    headers: req.headers,
    ...(body !== undefined ? { body } : {}),
  }
}

function parseQuery(query: string): Array<[string, string]> {
  return query
    .split('&')
    .filter((p) => p !== '')
    .map((pair) => {
      const eq = pair.indexOf('=')
      return [decode(eq < 0 ? pair : pair.slice(0, eq)), eq < 0 ? '' : decode(pair.slice(eq + 1))]
    })
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '))
  } catch {
    return text
  }
}
