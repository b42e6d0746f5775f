/**
 * Routing by method and path pattern (http4k `routes("/users/{id}" bind GET to handler)`).
 *
 * Patterns are literal text with `{name}` (one path segment) or `{name:regex}` (any regex, e.g. `{path:.*}`)
 * placeholders, matched against the whole path of the request as sent (origin-form, or the path of an
 * absolute-form target; the query is ignored). Literal text matches the path as sent, so it is compared before
 * percent-decoding; parameter values are percent-decoded (a malformed escape leaves the value as sent).
 *
 * Path parameters travel on the request object the route passes to its handler, under a private symbol key.
 * Because the message helpers copy with object spread, they survive `withHeader`, `withBody` and friends in
 * filters between the router and the handler. Read them with `pathParam(req, 'id')`.
 */
import type { HttpHandler } from './http.ts'
import { response, type Request } from './message.ts'
import { targetPath } from './wire/request-target.ts'

export interface Route {
  /** An upper-case method, or `*` for any. */
  readonly method: string
  readonly pattern: string
  readonly handler: HttpHandler
  /** One line, e.g. `GET /users/{id}`. */
  readonly description: string
  /** The decoded parameters when `path` matches the pattern, else undefined. Ignores the method. */
  match(path: string): Readonly<Record<string, string>> | undefined
}

export function route(method: string, pattern: string, handler: HttpHandler): Route {
  if (!pattern.startsWith('/'))
    throw new Error(`route patterns start with '/', such as '/users/{id}'; got ${JSON.stringify(pattern)}`)
  const { regex, names } = compile(pattern)
  const upper = method.toUpperCase()
  return Object.freeze({
    method: upper,
    pattern,
    handler,
    description: `${upper === '*' ? 'ANY' : upper} ${pattern}`,
    match(path: string) {
      const m = regex.exec(path)
      if (!m) return undefined
      return Object.freeze(Object.fromEntries(names.map((name) => [name, decode(m.groups?.[name] ?? '')])))
    },
  })
}

/**
 * One handler for many routes, tried in order: the first whose path and method match answers. A path that
 * matches only under other methods gets 405 with `Allow`; no match at all gets 404.
 */
export function routes(...all: Route[]): HttpHandler {
  return async function routeRequest(req) {
    const path = targetPath(req.target)
    const allowed: string[] = []
    if (path !== undefined) {
      for (const r of all) {
        const params = r.match(path)
        if (!params) continue
        if (r.method === '*' || r.method === req.method.toUpperCase()) return r.handler(withPathParams(req, params))
        if (!allowed.includes(r.method)) allowed.push(r.method)
      }
    }
    if (allowed.length > 0) {
      return response(405, {
        headers: [
          ['Allow', allowed.join(', ')],
          ['Content-Type', 'text/plain; charset=utf-8'],
        ],
        body: `${req.method} is not allowed on ${path}; try ${allowed.join(', ')}\n`,
      })
    }
    return response(404, {
      headers: [['Content-Type', 'text/plain; charset=utf-8']],
      body: `No route for ${req.method} ${path ?? req.target}\n`,
    })
  }
}

/** One line per route, in matching order: `GET /users/{id}`. */
export function describeRoutes(...all: Route[]): string[] {
  return all.map((r) => r.description)
}

const PATH_PARAMS = Symbol('nanoscope.pathParams')
type WithParams = Request & { readonly [PATH_PARAMS]?: Readonly<Record<string, string>> }

/** Every path parameter the matching route bound, decoded; empty when the request did not come through `routes`. */
export function pathParams(req: Request): Readonly<Record<string, string>> {
  return (req as WithParams)[PATH_PARAMS] ?? {}
}

/** One path parameter. Throws when the matching route declares no such name: that is a bug in the route table. */
export function pathParam(req: Request, name: string): string {
  const value = pathParams(req)[name]
  if (value === undefined) {
    throw new Error(
      `no path parameter '${name}' on this request: declare it in the route pattern, e.g. '/users/{${name}}'`,
    )
  }
  return value
}

function withPathParams(req: Request, params: Readonly<Record<string, string>>): Request {
  return Object.freeze({ ...req, [PATH_PARAMS]: params })
}

function compile(pattern: string): { regex: RegExp; names: string[] } {
  const names: string[] = []
  let source = ''
  let i = 0
  while (i < pattern.length) {
    const open = pattern.indexOf('{', i)
    if (open < 0) {
      source += escapeRegExp(pattern.slice(i))
      break
    }
    source += escapeRegExp(pattern.slice(i, open))
    const close = matchingBrace(pattern, open)
    const inner = pattern.slice(open + 1, close)
    const colon = inner.indexOf(':')
    const name = colon < 0 ? inner : inner.slice(0, colon)
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || names.includes(name)) {
      throw new Error(
        `route pattern ${JSON.stringify(pattern)} has a bad or repeated parameter name ${JSON.stringify(name)}: use {name} or {name:regex}`,
      )
    }
    names.push(name)
    source += `(?<${name}>${colon < 0 ? '[^/]+' : inner.slice(colon + 1)})`
    i = close + 1
  }
  try {
    return { regex: new RegExp(`^${source}$`), names }
  } catch (error) {
    throw new Error(`route pattern ${JSON.stringify(pattern)} has an invalid regex: ${(error as Error).message}`)
  }
}

function matchingBrace(pattern: string, open: number): number {
  let depth = 0
  // Stryker disable next-line EqualityOperator: one step past the end reads undefined, which neither branch matches, so the loop ends the same
  for (let i = open; i < pattern.length; i++) {
    if (pattern[i] === '{') depth++
    else if (pattern[i] === '}' && --depth === 0) return i
  }
  throw new Error(`route pattern ${JSON.stringify(pattern)} has an unclosed '{'`)
}

function escapeRegExp(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}
