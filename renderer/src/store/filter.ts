/**
 * The traffic filter language. Space-separated terms are ANDed; a leading `-` negates a term.
 *
 *   text            the URL contains it (case-insensitive)
 *   method:POST     the method is one of a comma list (case-insensitive)
 *   status:5xx      the status matches, `x` is any digit (status:404, status:30x, status:2xx,3xx)
 *   host:api.dev    the host contains it
 *   dur>500         duration in ms (also <, >=, <=, =; `s` suffix for seconds: dur>1.5s)
 *   size>10k        response size in bytes (k = KiB, m = MiB)
 *   header:x-id     a request or response header of that name is present
 *   header:x-id=abc ... and its value contains `abc` (ignoring case)
 *   body:"a text"   the request or response body (decoded as shown) contains it (ignoring ASCII case)
 *   is:pending      still in flight (also is:failed, is:aborted, is:chaos)
 *
 * A `key:value` with an unknown key, or a known key with a value that does not parse, is plain text.
 * Double quotes keep spaces inside one text term ("hello world") or one value (body:"hello world").
 *
 * `header:` and `body:` look at what only main holds: they are content terms, searched there
 * (`searchExchanges`); the predicate takes the ids each one matched. Until those arrive, a content term
 * matches nothing.
 */
import type { ContentSearchTerm, ExchangeSummary } from '../../../shared/exchange.ts'

export type ExchangePredicate = (e: ExchangeSummary) => boolean

export type FilterTerm =
  | { readonly kind: 'text'; readonly negated: boolean; readonly text: string }
  | { readonly kind: 'method'; readonly negated: boolean; readonly methods: readonly string[] }
  | { readonly kind: 'status'; readonly negated: boolean; readonly patterns: readonly RegExp[] }
  | { readonly kind: 'host'; readonly negated: boolean; readonly host: string }
  | { readonly kind: 'dur' | 'size'; readonly negated: boolean; readonly op: Comparison; readonly value: number }
  /** `index` is the term's place among the content terms: the ids it matched are `matches[index]`. */
  | { readonly kind: 'content'; readonly negated: boolean; readonly search: ContentSearchTerm; readonly index: number }
  | { readonly kind: 'is'; readonly negated: boolean; readonly state: IsState }

/** Per content term, in order: the ids of the exchanges main found it in. */
export type ContentMatches = readonly ReadonlySet<string>[]

const IS_STATES = ['pending', 'failed', 'aborted', 'chaos'] as const
type IsState = (typeof IS_STATES)[number]

/** Every term with an example, for the filter's help (the window shows these). */
export const FILTER_HELP: ReadonlyArray<{ readonly term: string; readonly example: string; readonly means: string }> = [
  { term: 'text', example: 'orders', means: 'the URL contains it (case does not matter); "two words" in quotes' },
  { term: 'method:', example: 'method:POST,PUT', means: 'the method is one of these' },
  { term: 'status:', example: 'status:5xx', means: 'the status matches; x is any digit (status:404, status:2xx,3xx)' },
  { term: 'host:', example: 'host:api', means: 'the host contains it' },
  { term: 'dur', example: 'dur>500', means: 'took more than 500 ms (also <, >=, <=, =; dur>1.5s)' },
  { term: 'size', example: 'size>10k', means: 'the response body is over 10 KiB (k, m)' },
  { term: 'is:', example: 'is:pending', means: 'still in flight (also is:failed, is:aborted, is:chaos)' },
  {
    term: 'header:',
    example: 'header:x-request-id=abc',
    means: 'a request or response header of that name (and value containing abc) is present',
  },
  { term: 'body:', example: 'body:"some text"', means: 'the request or response body, decoded as shown, contains it' },
  { term: '-', example: '-method:GET', means: 'a leading minus leaves out what the term matches' },
]

/**
 * What the filter did not understand: a known key whose value does not parse (it is then searched for as
 * text, which is rarely what was meant). One message per such term, naming it.
 */
export function filterProblems(text: string): string[] {
  const problems: string[] = []
  for (const token of tokenize(text)) {
    const body = token.startsWith('-') ? token.slice(1) : token
    if (body.startsWith('"') || /[:<>=]$/.test(body)) continue // quoted text, or a term still being typed
    const keyed = /^(dur|duration|size)(>=|<=|>|<|=|:)|^(method|status|host|is):/i.exec(body)
    if (!keyed || parseKeyed(body, false) !== undefined) continue
    const key = (keyed[1] ?? keyed[3])!.toLowerCase()
    problems.push(`"${token}": ${HINTS[key] ?? 'not understood'}; searched for as text`)
  }
  return problems
}

const HINTS: Record<string, string> = {
  dur: 'a duration is a number of ms, or seconds with s (dur>500, dur<1.5s)',
  duration: 'a duration is a number of ms, or seconds with s (dur>500, dur<1.5s)',
  size: 'a size is a number of bytes, or with k or m (size>10k)',
  status: 'a status is three digits, x for any (status:404, status:5xx)',
  method: 'a method is a word (method:POST)',
  host: 'a host is part of a name (host:api)',
  is: `is: takes ${IS_STATES.join(', ')}`,
}

type Comparison = '>' | '<' | '>=' | '<=' | '='

export const matchAll: ExchangePredicate = () => true

/**
 * Splits on spaces, keeping double-quoted runs together: a quoted text term keeps its opening quote as a
 * marker (`"a b` for `"a b"`), a quoted value loses its quotes (`body:a b` for `body:"a b"`).
 */
export function tokenize(text: string): string[] {
  const tokens: string[] = []
  const re = /(-?)"([^"]*)"?|(-?[A-Za-z]+:)"([^"]*)"?|(\S+)/g
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m[5] !== undefined) tokens.push(m[5])
    else if (m[3] !== undefined) tokens.push(`${m[3]}${m[4] ?? ''}`)
    else if (m[2]) tokens.push(`${m[1] ?? ''}"${m[2]}`)
  }
  return tokens
}

export function parseTerms(text: string): FilterTerm[] {
  let index = 0
  return tokenize(text)
    .map(parseTerm)
    .filter((t): t is FilterTerm => t !== undefined)
    .map((t) => (t.kind === 'content' ? { ...t, index: index++ } : t))
}

/** The content terms of a filter, in order, as `searchExchanges` takes them (none: no search needed). */
export function contentTerms(text: string): ContentSearchTerm[] {
  return parseTerms(text).flatMap((t) => (t.kind === 'content' ? [t.search] : []))
}

function parseTerm(token: string): FilterTerm | undefined {
  let negated = false
  let body = token
  if (body.startsWith('-') && body.length > 1) {
    negated = true
    body = body.slice(1)
  }
  if (body.startsWith('"')) return { kind: 'text', negated, text: body.slice(1).toLowerCase() }
  return parseKeyed(body, negated) ?? { kind: 'text', negated, text: body.toLowerCase() }
}

function parseKeyed(body: string, negated: boolean): FilterTerm | undefined {
  const numeric = /^(dur|duration|size)(>=|<=|>|<|=|:)(.+)$/i.exec(body)
  if (numeric) {
    const key = numeric[1]!.toLowerCase() === 'size' ? 'size' : 'dur'
    const op = (numeric[2] === ':' ? '=' : numeric[2]) as Comparison
    const value = key === 'size' ? parseSize(numeric[3]!) : parseDuration(numeric[3]!)
    return value === undefined ? undefined : { kind: key, negated, op, value }
  }
  const colon = body.indexOf(':')
  if (colon <= 0 || colon === body.length - 1) return undefined
  const key = body.slice(0, colon).toLowerCase()
  const value = body.slice(colon + 1)
  switch (key) {
    case 'header': {
      const eq = value.indexOf('=')
      const name = (eq < 0 ? value : value.slice(0, eq)).trim()
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) return undefined
      const wanted = eq < 0 ? undefined : value.slice(eq + 1)
      return {
        kind: 'content',
        negated,
        index: 0,
        search: wanted ? { kind: 'header', name, value: wanted } : { kind: 'header', name },
      }
    }
    case 'body':
      return { kind: 'content', negated, index: 0, search: { kind: 'body', text: value } }
    case 'method':
      return { kind: 'method', negated, methods: value.toUpperCase().split(',').filter(Boolean) }
    case 'host':
      return { kind: 'host', negated, host: value.toLowerCase() }
    case 'is': {
      const state = value.toLowerCase()
      return (IS_STATES as readonly string[]).includes(state)
        ? { kind: 'is', negated, state: state as IsState }
        : undefined
    }
    case 'status': {
      const parts = value.toLowerCase().split(',').filter(Boolean)
      if (parts.length === 0 || !parts.every((p) => /^[1-5x][0-9x]{0,2}$/.test(p))) return undefined
      const patterns = parts.map((p) => new RegExp(`^${p.padEnd(3, 'x').replace(/x/g, '\\d')}$`))
      return { kind: 'status', negated, patterns }
    }
    default:
      return undefined
  }
}

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2 }

export function parseSize(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([a-z]*)$/i.exec(text)
  const unit = m ? SIZE_UNITS[m[2]!.toLowerCase()] : undefined
  return m && unit !== undefined ? Number(m[1]) * unit : undefined
}

export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s)?$/i.exec(text)
  if (!m) return undefined
  return Number(m[1]) * (m[2]?.toLowerCase() === 's' ? 1000 : 1)
}

function compare(actual: number | undefined, op: Comparison, value: number): boolean {
  if (actual === undefined) return false
  switch (op) {
    case '>':
      return actual > value
    case '<':
      return actual < value
    case '>=':
      return actual >= value
    case '<=':
      return actual <= value
    case '=':
      return actual === value
  }
}

function termMatches(term: FilterTerm, e: ExchangeSummary, content: ContentMatches | undefined): boolean {
  switch (term.kind) {
    case 'content':
      return content?.[term.index]?.has(e.id) ?? false
    case 'text':
      return e.url.toLowerCase().includes(term.text)
    case 'method':
      return term.methods.includes(e.method.toUpperCase())
    case 'host':
      return e.host.toLowerCase().includes(term.host)
    case 'status': {
      if (e.status === undefined) return false
      const s = String(e.status)
      return term.patterns.some((p) => p.test(s))
    }
    case 'is':
      return term.state === 'chaos' ? e.tags.includes('chaos') : e.outcome.kind === term.state
    case 'dur':
      return compare(e.durationMs, term.op, term.value)
    case 'size':
      return compare(e.responseSize, term.op, term.value)
  }
}

/**
 * Compiles filter text to a predicate; blank text gives `matchAll` (so callers can test identity).
 * `content` holds what main found for the content terms (see `contentTerms`), once it has answered.
 */
export function parseFilter(text: string, content?: ContentMatches): ExchangePredicate {
  const terms = parseTerms(text)
  if (terms.length === 0) return matchAll
  return function matchesFilter(e) {
    for (const t of terms) if (termMatches(t, e, content) === t.negated) return false
    return true
  }
}
