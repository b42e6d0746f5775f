/**
 * How the stand-in recognises a request (REFERENCE.md §4.10, after mitmproxy's server playback): method,
 * scheme, host, path and query (a sorted multiset, minus an ignore list), optionally the body bytes and chosen
 * headers. A normalised key gives O(1) lookup; a second key without the scheme lets a request match a
 * recording made over the other scheme (recorded through HTTPS interception or `--https-upstream`, asked over
 * plain HTTP, or the reverse). Misses are explained by comparing against every recording, nearest first.
 */
import { createHash } from 'node:crypto'
import { headerValues, type Headers } from '../core/message.ts'
import { normaliseAuthority } from '../core/wire/request-target.ts'
import { editDistance } from '../core/matching/edit-distance.ts'

export interface MatchOptions {
  /** Also require the same body bytes. */
  readonly matchBody?: boolean
  /** Also require these headers' values (case-insensitive names). */
  readonly matchHeaders?: readonly string[]
  /** Query parameters to leave out of matching (cache-busters such as `_` or `ts`). */
  readonly ignoreQuery?: readonly string[]
}

/** The parts of a request matching looks at. */
export interface RequestShape {
  readonly method: string
  readonly scheme: string
  readonly host: string
  readonly path: string
  readonly query: ReadonlyArray<readonly [string, string]>
  readonly headers: Headers
  readonly body: Uint8Array
}

/** Splits an absolute URL without normalising its path; undefined when it is not absolute http(s). */
export function splitUrl(url: string): { scheme: string; host: string; path: string; query: string } | undefined {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?/.exec(url)
  if (!m) return undefined
  const scheme = m[1]!.toLowerCase()
  const host = normaliseAuthority(scheme, m[2] ?? '')?.toLowerCase()
  if (host === undefined) return undefined
  return { scheme, host, path: m[3] || '/', query: m[4] ?? '' }
}

/** Query pairs, decoded (`+` is a space), sorted by name then value so order does not matter. */
export function parseQuery(query: string, ignore: ReadonlySet<string> = new Set()): Array<[string, string]> {
  if (query === '') return []
  return (
    query
      .split('&')
      .filter((p) => p !== '')
      .map((p) => {
        const eq = p.indexOf('=')
        return [decode(eq < 0 ? p : p.slice(0, eq)), decode(eq < 0 ? '' : p.slice(eq + 1))] as [string, string]
      })
      .filter(([n]) => !ignore.has(n))
      // Stryker disable next-line ConditionalExpression,EqualityOperator: every mutant of the last test (`a[1] > b[1]`) and `a[1] <= b[1]` are equivalent (V8's sort asks only whether a comparison is below 0, and two pairs equal in both are the same pair); the others are caught by record-roundtrip.test.ts and go with them
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
  )
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '))
  } catch {
    return s
  }
}

/** The lookup key; `anyScheme` leaves the scheme out (the host keeps its port, default ports dropped). */
export function matchKey(shape: RequestShape, options: MatchOptions, anyScheme = false): string {
  const parts: unknown[] = [
    shape.method.toUpperCase(),
    anyScheme ? '*' : shape.scheme,
    shape.host,
    shape.path,
    shape.query,
  ]
  if (options.matchBody) parts.push(createHash('sha256').update(shape.body).digest('base64'))
  for (const name of options.matchHeaders ?? []) parts.push(headerValues({ headers: shape.headers }, name))
  return JSON.stringify(parts)
}

/**
 * What differs between a request and a recorded one, in words, in the order matching checks them. The scheme
 * is not among them: it never stops a match.
 */
export function differences(
  request: RequestShape,
  recorded: RequestShape,
  options: MatchOptions,
  compareHost: boolean,
): string[] {
  const found: string[] = []
  if (request.method.toUpperCase() !== recorded.method.toUpperCase())
    found.push(`method ${request.method} is not ${recorded.method}`)
  if (compareHost && request.host !== recorded.host) found.push(`host ${request.host} is not ${recorded.host}`)
  if (request.path !== recorded.path) found.push(`path ${request.path} is not ${recorded.path}`)
  found.push(...queryDifferences(request.query, recorded.query))
  if (options.matchBody && !Buffer.from(request.body).equals(Buffer.from(recorded.body))) {
    found.push(`body differs (${request.body.byteLength} bytes, recorded ${recorded.body.byteLength})`)
  }
  for (const name of options.matchHeaders ?? []) {
    const a = headerValues({ headers: request.headers }, name),
      b = headerValues({ headers: recorded.headers }, name)
    if (JSON.stringify(a) !== JSON.stringify(b))
      found.push(`header ${name} is ${JSON.stringify(a)}, recorded ${JSON.stringify(b)}`)
  }
  return found
}

/**
 * Orders recordings for a miss's "nearest" list: by how alike the path is (edit distance), then a matching
 * method, then how few query parameters differ, then the host, then anything else (body, headers). So a miss
 * on `/a.tx` names `/a.txt` before `/`.
 */
export function nearness(request: RequestShape, recorded: RequestShape, diff: readonly string[]): number[] {
  const count = (prefix: string) => diff.filter((d) => d.startsWith(prefix)).length
  return [
    request.path === recorded.path ? 0 : editDistance(request.path, recorded.path),
    count('method'),
    count('query'),
    count('host'),
    diff.length,
  ]
}

/** Lexicographic order of two `nearness` tuples. */
export function compareNearness(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!
  return 0
}

function queryDifferences(
  a: ReadonlyArray<readonly [string, string]>,
  b: ReadonlyArray<readonly [string, string]>,
): string[] {
  const left = a.map(([n, v]) => `${n}=${v}`),
    right = b.map(([n, v]) => `${n}=${v}`)
  const extra = multisetMinus(left, right),
    missing = multisetMinus(right, left)
  return [...extra.map((p) => `query has ${p}, not recorded`), ...missing.map((p) => `query lacks recorded ${p}`)]
}

function multisetMinus(a: string[], b: string[]): string[] {
  const rest = [...b]
  return a.filter((x) => {
    const i = rest.indexOf(x)
    if (i < 0) return true
    rest.splice(i, 1)
    return false
  })
}
