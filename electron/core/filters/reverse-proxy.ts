import { describe, type Filter } from '../http.ts'
import { generatedResponse, replacedHeaders } from '../message.ts'
import { targetPathAndQuery } from '../wire/request-target.ts'

/**
 * Forwards every request under one base URL, as a reverse proxy does: `reverseProxyTo('https://api.example.com/v1')`
 * sends `GET /users?page=2` to `https://api.example.com/v1/users?page=2` with `Host: api.example.com`.
 *
 * The path of an absolute-form target is used the same way (its own host is ignored). Path and query are kept
 * as sent. Requests with no path (CONNECT's authority-form, OPTIONS `*`) get a generated 400.
 * Throws at construction when `base` is not an absolute http(s) URL without query or fragment.
 */
export function reverseProxyTo(base: string): Filter {
  const url = parseBase(base)
  const basePath = url.pathname.replace(/\/+$/, '')
  const prefix = `${url.protocol}//${url.host}${basePath}`
  const host = url.host
  // Not an async function: it only rewrites the request, so it hands on next's own promise (no extra hop).
  return describe(`forwards every request under ${prefix}`, (next) =>
    function forwardUnderBase(req) {
      const pathAndQuery = targetPathAndQuery(req.target)
      if (pathAndQuery === undefined) {
        return Promise.resolve(
          generatedResponse(400, 'bad-request', `a reverse proxy to ${base} cannot forward the target ${req.target}`),
        )
      }
      // One copy of the request: the new target and the Host header together.
      return next(
        Object.freeze({ ...req, target: prefix + pathAndQuery, headers: replacedHeaders(req.headers, 'Host', host) }),
      )
    })
}

function parseBase(base: string): URL {
  const url = URL.canParse(base) ? new URL(base) : undefined
  if (
    !url ||
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    url.host === '' ||
    url.search ||
    url.hash ||
    url.username
  ) {
    throw new Error(
      `reverseProxyTo needs an absolute http or https URL with no query, fragment or user info, ` +
        `such as 'https://api.example.com/v1'; got ${JSON.stringify(base)}`,
    )
  }
  return url
}
