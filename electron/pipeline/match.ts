/**
 * The match vocabulary every block shares: which exchanges a block acts on, decided from the request.
 *
 * Matching sees the request as it will go upstream (after routing), so `host` is the upstream's host in
 * forward and reverse mode alike. Everything but `body` is decided from the head alone; a match that names
 * `body` reads the request body into memory first (and hands the buffered request on).
 */
import { z } from 'zod'
import { bufferBody, bodyBytes, header, sameName, type Request } from '../core/message.ts'

const stringOrList = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)])

const matchShape = {
  method: stringOrList.optional().describe('one method or a list, any case: "GET", ["PUT", "PATCH"]'),
  host: z.string().min(1).optional().describe('host glob: "api.example.com", "*.example.com" (a port is ignored)'),
  path: z
    .string()
    .startsWith('/')
    .optional()
    .describe('path glob: "*" stays within one segment, "**" crosses segments: "/api/*/items", "/static/**"'),
  query: z.record(z.string(), z.string()).optional().describe('query parameter name → value or glob, all must hold'),
  header: z
    .record(z.string(), z.union([z.string(), z.literal(true)]))
    .optional()
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

export const matchSchema: z.ZodType<MatchSpec> = z
  .lazy(() => z.strictObject({ ...matchShape, not: matchSchema.optional().describe('a match that must not hold') }))
  .describe('which requests the block acts on; none: every request')

/** Decides a match; `buffered` is the request with its body in memory when the match had to read it. */
export type Matcher = (req: Request) => boolean | Promise<{ matched: boolean; buffered: Request }>

/** Turns a glob into a regular expression: `**` any characters, `*` any but `/` (or `.` for hosts' dots kept). */
export function globRegExp(glob: string, segment = '/'): RegExp {
  let out = ''
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!
    if (c === '*' && glob[i + 1] === '*') {
      out += '.*'
      i++
    } else if (c === '*') out += `[^${segment === '/' ? '/' : ''}]*`
    else if (c === '?') out += '.'
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^${out}$`, segment === '/' ? '' : 'i')
}

export interface RequestParts {
  readonly host: string
  readonly path: string
  readonly query: URLSearchParams
}

/**
 * The last request parsed and its parts: the blocks of a pipeline look at one request after another, each
 * synchronously, so remembering one is enough for "parsed once per request" (requests are immutable).
 */
let lastRequest: Request | undefined
let lastParts: RequestParts | undefined

/** Where a request is going, as matching sees it. */
export function requestParts(req: Request): RequestParts {
  if (req === lastRequest) return lastParts!
  lastParts = new TargetParts(req)
  lastRequest = req
  return lastParts
}

/** Reads host, path and query from the target by index (no regular expression), host and query only when asked. */
class TargetParts implements RequestParts {
  readonly path: string
  #rawHost: string
  #rawQuery: string
  #host: string | undefined
  #query: URLSearchParams | undefined

  constructor(req: Request) {
    const t = req.target
    let pathAndQuery: string
    const scheme = t.charCodeAt(0) === 47 /* "/" */ ? -1 : t.indexOf('://')
    if (scheme < 0 && t.charCodeAt(0) === 47) {
      this.#rawHost = header(req, 'Host') ?? ''
      pathAndQuery = t
    } else if (scheme > 0) {
      const slash = t.indexOf('/', scheme + 3)
      const question = t.indexOf('?', scheme + 3)
      const end = slash < 0 ? (question < 0 ? t.length : question) : question < 0 || slash < question ? slash : question
      this.#rawHost = t.slice(scheme + 3, end)
      pathAndQuery = end === t.length ? '/' : t[end] === '?' ? `/${t.slice(end)}` : t.slice(end)
    } else {
      this.#rawHost = t // authority-form (CONNECT host:port)
      pathAndQuery = '/'
    }
    const q = pathAndQuery.indexOf('?')
    this.path = q < 0 ? pathAndQuery : pathAndQuery.slice(0, q)
    this.#rawQuery = q < 0 ? '' : pathAndQuery.slice(q + 1)
  }

  get host(): string {
    return (this.#host ??= normaliseHost(this.#rawHost))
  }
  get query(): URLSearchParams {
    return (this.#query ??= new URLSearchParams(this.#rawQuery))
  }
}

/** `API.Example.com:8443` → `api.example.com`; `[::1]:80` → `::1`. */
function normaliseHost(authority: string): string {
  const at = authority.lastIndexOf('@')
  let host = at < 0 ? authority : authority.slice(at + 1)
  if (host.startsWith('[')) host = host.slice(1, host.indexOf(']') < 0 ? undefined : host.indexOf(']'))
  else {
    const colon = host.lastIndexOf(':')
    if (colon >= 0) host = host.slice(0, colon)
  }
  return host.toLowerCase()
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
    const lower = name.toLowerCase()
    tests.push((req) => {
      const headers = req.headers
      for (let i = 0; i < headers.length; i++) {
        const h = headers[i]!
        if (sameName(h[0], lower) && (re === undefined || re.test(h[1]))) return true
      }
      return false
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
  for (const [k, v] of Object.entries(spec.header ?? {}))
    parts.push(v === true ? `with a ${k} header` : `with ${k}: ${v}`)
  if (spec.body !== undefined) parts.push(`whose body contains ${JSON.stringify(spec.body)}`)
  if (spec.not) parts.push(`except ${describeMatch(spec.not)}`)
  return parts.join(' ')
}
