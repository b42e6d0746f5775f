import { describe, type Filter } from '../http.ts'
import { generatedResponse, header, replacedHeaders } from '../message.ts'
import { normaliseAuthority, parseTarget } from '../wire/request-target.ts'

export interface ProxyHostOptions {
  /** Send upstream over https (and wss) whatever scheme the request came in with: http in, https out. */
  readonly https?: boolean
}

const NO_HOST = 'cannot tell where to send this request: no absolute URL and no Host header'

/**
 * Rebuilds the absolute URL a forward proxy sends upstream (http4k `ProxyHost`).
 *
 * - absolute-form targets (`curl -x`, `HTTP_PROXY` clients) are used as they are; their authority wins over any
 *   Host header, which is rewritten to match (RFC 9112 §3.2.2).
 * - origin-form targets become `http://<Host header><target>`.
 * - with `https: true` the scheme becomes https, and a default port follows the scheme (`:80` is dropped, so
 *   the request goes to 443); an explicit non-default port is kept.
 * - authority-form CONNECT requests pass through untouched.
 *
 * The Host header keeps the name's case and position it arrived with. With no host anywhere, or one that does
 * not parse, the answer is a generated 400 and `next` is not called. Path and query are forwarded as sent.
 */
export function proxyHost(options: ProxyHostOptions = {}): Filter {
  const https = options.https ?? false
  return describe(
    https
      ? 'rebuilds the upstream URL from the request and switches it to https'
      : 'rebuilds the upstream URL from the request',
    (next) =>
      async function rebuildUpstreamUrl(req) {
        if (req.method.toUpperCase() === 'CONNECT') return next(req)
        const target = parseTarget(req.target)
        let scheme: string
        let authority: string | undefined
        let pathAndQuery: string
        if (target?.form === 'absolute') {
          scheme = target.scheme
          authority = target.authority
          pathAndQuery = target.pathAndQuery
        } else if (target?.form === 'origin') {
          scheme = 'http'
          authority = header(req, 'Host')
          pathAndQuery = target.pathAndQuery
        } else {
          return generatedResponse(400, 'bad-request', NO_HOST)
        }
        let upstream = authority === undefined ? undefined : normaliseAuthority(scheme, authority.trim())
        if (upstream === undefined) return generatedResponse(400, 'bad-request', NO_HOST)
        if (https) {
          scheme = scheme === 'ws' || scheme === 'wss' ? 'wss' : 'https'
          upstream = normaliseAuthority(scheme, upstream) ?? upstream
        }
        return next(
          Object.freeze({
            ...req,
            target: `${scheme}://${upstream}${pathAndQuery}`,
            headers: replacedHeaders(req.headers, 'Host', upstream),
          }),
        )
      },
  )
}
