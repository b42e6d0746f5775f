/**
 * The match vocabulary every block shares: which exchanges a block acts on, decided from the request.
 *
 * Matching sees the request as it will go upstream (after routing), so `host` is the upstream's host in
 * forward and reverse mode alike. Everything but `body` is decided from the head alone; a match that names
 * `body` reads the request body into memory first (and hands the buffered request on).
 */
import { z } from 'zod'
import { bufferBody, bodyBytes, header, type Request } from '../core/message.ts'
import { parseTarget } from '../core/filters/request-target.ts'

const stringOrList = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)])

const matchShape = {
  method: stringOrList.optional().describe('one method or a list, any case: "GET", ["PUT", "PATCH"]'),
  host: z.string().min(1).optional().describe('host glob: "api.example.com", "*.example.com" (a port is ignored)'),
  path: z.string().startsWith('/').optional()
    .describe('path glob: "*" stays within one segment, "**" crosses segments: "/api/*/items", "/static/**"'),
  query: z.record(z.string(), z.string()).optional().describe('query parameter name → value or glob, all must hold'),
  header: z.record(z.string(), z.union([z.string(), z.literal(true)])).optional()
    .describe('header name (any case) → value or glob, or true for "present"; all must hold'),
  body: z.string().optional().describe('the request body contains this text (reads the body first)'),
}

export interface MatchSpec {
  readonly method?: string | readonly string[] | undefined
  readonly host?: string | undefined
  readonly path?: string | undefined
  readonly query?: Readonly<Record<string, string>> | undefined
  readonly header?: Readonly<Record<string, string | true>> | undefined
  readonly body?: string | undefined
  readonly not?: MatchSpec | undefined
}

export const matchSchema: z.ZodType<MatchSpec> = z.lazy(() =>
  z.strictObject({ ...matchShape, not: matchSchema.optional().describe('a match that must not hold') }),
).describe('which requests the block acts on; none: every request')

/** Decides a match; `buffered` is the request with its body in memory when the match had to read it. */
export type Matcher = (req: Request) => boolean | Promise<{ matched: boolean; buffered: Request }>

/** Turns a glob into a regular expression: `**` any characters, `*` any but `/` (or `.` for hosts' dots kept). */
export function globRegExp(glob: string, segment = '/'): RegExp {
  let out = ''
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!
    if (c === '*' && glob[i + 1] === '*') { out += '.*'; i++ }
    else if (c === '*') out += `[^${segment === '/' ? '/' : ''}]*`
    else if (c === '?') out += '.'
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^${out}$`, segment === '/' ? '' : 'i')
}

export interface RequestParts { readonly host: string; readonly path: string; readonly query: URLSearchParams }

/** Parsed once per request, however many blocks look at it (requests are immutable, so the parts cannot change). */
const partsOf = new WeakMap<Request, RequestParts>()

/** Where a request is going, as matching sees it. */
export function requestParts(req: Request): RequestParts {
  let parts = partsOf.get(req)
  if (!parts) { parts = parseParts(req); partsOf.set(req, parts) }
  return parts
}

function parseParts(req: Request): RequestParts {
  const target = parseTarget(req.target)
  let host = header(req, 'Host') ?? ''
  let pathAndQuery = '/'
  if (target?.form === 'absolute') { host = target.authority; pathAndQuery = target.pathAndQuery }
  else if (target?.form === 'origin') pathAndQuery = target.pathAndQuery
  else if (target?.form === 'authority') host = target.authority
  const q = pathAndQuery.indexOf('?')
  let query: URLSearchParams | undefined
  return {
    host: host.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1').toLowerCase(),
    path: q < 0 ? pathAndQuery : pathAndQuery.slice(0, q),
    // Most blocks never look at the query: parse it the first time one does.
    get query() { return (query ??= new URLSearchParams(q < 0 ? '' : pathAndQuery.slice(q + 1))) },
  }
}

/** Compiles a match once; the returned function is what runs per exchange. No match: every request. */
export function compileMatch(spec: MatchSpec | undefined): Matcher {
  if (!spec) return () => true
  const head = compileHead(spec)
  if (!needsBody(spec)) return head
  return async (req) => {
    const buffered = await bufferBody(req)
    const text = (await bodyBytes(buffered.body)).toString('latin1')
    return { matched: matchesWithBody(spec, buffered, text), buffered }
  }
}

function needsBody(spec: MatchSpec): boolean {
  return spec.body !== undefined || (spec.not !== undefined && needsBody(spec.not))
}

function matchesWithBody(spec: MatchSpec, req: Request, text: string): boolean {
  if (!compileHead(spec)(req)) return false
  if (spec.body !== undefined && !text.includes(Buffer.from(spec.body, 'utf8').toString('latin1'))) return false
  return !(spec.not && matchesWithBody(spec.not, req, text))
}

function compileHead(spec: MatchSpec): (req: Request) => boolean {
  const tests: ((req: Request, parts: RequestParts) => boolean)[] = []
  if (spec.method !== undefined) {
    const methods = new Set((typeof spec.method === 'string' ? [spec.method] : spec.method).map((m) => m.toUpperCase()))
    tests.push((req) => methods.has(req.method.toUpperCase()))
  }
  if (spec.host !== undefined) {
    const re = globRegExp(spec.host.toLowerCase(), '.')
    tests.push((_, p) => re.test(p.host))
  }
  if (spec.path !== undefined) {
    const re = globRegExp(spec.path)
    tests.push((_, p) => re.test(p.path))
  }
  for (const [name, value] of Object.entries(spec.query ?? {})) {
    const re = globRegExp(value, '')
    tests.push((_, p) => p.query.getAll(name).some((v) => re.test(v)))
  }
  for (const [name, value] of Object.entries(spec.header ?? {})) {
    const re = value === true ? undefined : globRegExp(value, '')
    tests.push((req) => {
      const lower = name.toLowerCase()
      return req.headers.some(([n, v]) => n.toLowerCase() === lower && (re === undefined || re.test(v)))
    })
  }
  const not = spec.not && !needsBody(spec.not) ? compileHead(spec.not) : undefined
  const needsParts = spec.host !== undefined || spec.path !== undefined || spec.query !== undefined
  return function matches(req) {
    const parts = needsParts ? requestParts(req) : (undefined as unknown as RequestParts)
    for (const t of tests) if (!t(req, parts)) return false
    return not ? !not(req) : true
  }
}

/** One English phrase for a match, for descriptions: `GET requests to api.example.com under /v1/**`. */
export function describeMatch(spec: MatchSpec | undefined): string {
  if (!spec) return 'every request'
  const parts: string[] = []
  const methods = spec.method === undefined ? undefined : typeof spec.method === 'string' ? [spec.method] : spec.method
  parts.push(methods ? `${methods.map((m) => m.toUpperCase()).join('/')} requests` : 'requests')
  if (spec.host) parts.push(`to ${spec.host}`)
  if (spec.path) parts.push(`for ${spec.path}`)
  for (const [k, v] of Object.entries(spec.query ?? {})) parts.push(`with ?${k}=${v}`)
  for (const [k, v] of Object.entries(spec.header ?? {})) parts.push(v === true ? `with a ${k} header` : `with ${k}: ${v}`)
  if (spec.body !== undefined) parts.push(`whose body contains ${JSON.stringify(spec.body)}`)
  if (spec.not) parts.push(`except ${describeMatch(spec.not)}`)
  return parts.join(' ')
}
