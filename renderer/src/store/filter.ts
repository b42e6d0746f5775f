/**
 * The traffic filter language. Space-separated terms are ANDed; a leading `-` negates a term.
 *
 *   text            the URL contains it (case-insensitive)
 *   method:POST     the method is one of a comma list (case-insensitive)
 *   status:5xx      the status matches, `x` is any digit (status:404, status:30x, status:2xx,3xx)
 *   host:api.dev    the host contains it
 *   dur>500         duration in ms (also <, >=, <=, =; `s` suffix for seconds: dur>1.5s)
 *   size>10k        response size in bytes (k = KiB, m = MiB)
 *
 * A `key:value` with an unknown key, or a known key with a value that does not parse, is plain text.
 * Double quotes keep spaces inside one text term: "hello world".
 */
import type { ExchangeSummary } from '../../../shared/exchange.ts'

export type ExchangePredicate = (e: ExchangeSummary) => boolean

export type FilterTerm =
  | { readonly kind: 'text'; readonly negated: boolean; readonly text: string }
  | { readonly kind: 'method'; readonly negated: boolean; readonly methods: readonly string[] }
  | { readonly kind: 'status'; readonly negated: boolean; readonly patterns: readonly RegExp[] }
  | { readonly kind: 'host'; readonly negated: boolean; readonly host: string }
  | { readonly kind: 'dur' | 'size'; readonly negated: boolean; readonly op: Comparison; readonly value: number }

type Comparison = '>' | '<' | '>=' | '<=' | '='

export const matchAll: ExchangePredicate = () => true

/** Splits on spaces, keeping double-quoted runs together (quotes removed). */
export function tokenize(text: string): string[] {
  const tokens: string[] = []
  const re = /(-?)"([^"]*)"?|(\S+)/g
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m[3] !== undefined) tokens.push(m[3])
    else if (m[2]) tokens.push(`${m[1] ?? ''}"${m[2]}`)
  }
  return tokens
}

export function parseTerms(text: string): FilterTerm[] {
  return tokenize(text).map(parseTerm).filter((t): t is FilterTerm => t !== undefined)
}

function parseTerm(token: string): FilterTerm | undefined {
  let negated = false
  let body = token
  if (body.startsWith('-') && body.length > 1) { negated = true; body = body.slice(1) }
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
    case 'method': return { kind: 'method', negated, methods: value.toUpperCase().split(',').filter(Boolean) }
    case 'host': return { kind: 'host', negated, host: value.toLowerCase() }
    case 'status': {
      const parts = value.toLowerCase().split(',').filter(Boolean)
      if (parts.length === 0 || !parts.every((p) => /^[1-5x][0-9x]{0,2}$/.test(p))) return undefined
      const patterns = parts.map((p) => new RegExp(`^${p.padEnd(3, 'x').replace(/x/g, '\\d')}$`))
      return { kind: 'status', negated, patterns }
    }
    default: return undefined
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
    case '>': return actual > value
    case '<': return actual < value
    case '>=': return actual >= value
    case '<=': return actual <= value
    case '=': return actual === value
  }
}

function termMatches(term: FilterTerm, e: ExchangeSummary): boolean {
  switch (term.kind) {
    case 'text': return e.url.toLowerCase().includes(term.text)
    case 'method': return term.methods.includes(e.method.toUpperCase())
    case 'host': return e.host.toLowerCase().includes(term.host)
    case 'status': {
      if (e.status === undefined) return false
      const s = String(e.status)
      return term.patterns.some((p) => p.test(s))
    }
    case 'dur': return compare(e.durationMs, term.op, term.value)
    case 'size': return compare(e.responseSize, term.op, term.value)
  }
}

/** Compiles filter text to a predicate; blank text gives `matchAll` (so callers can test identity). */
export function parseFilter(text: string): ExchangePredicate {
  const terms = parseTerms(text)
  if (terms.length === 0) return matchAll
  return function matchesFilter(e) {
    for (const t of terms) if (termMatches(t, e) === t.negated) return false
    return true
  }
}
