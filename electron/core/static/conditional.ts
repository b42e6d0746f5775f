/**
 * Validators, conditional requests and single byte ranges for a file (RFC 9110 §8.8, §13, §14).
 */
import { header, type Request } from '../message.ts'

export interface FileFacts {
  readonly size: number
  readonly mtimeMs: number
}

/** A strong validator from size and modification time (as nginx does): it changes whenever either does. */
export function etagOf(file: FileFacts): string {
  return `"${Math.floor(file.mtimeMs).toString(16)}-${file.size.toString(16)}"`
}

export function lastModifiedOf(file: FileFacts): string {
  return new Date(Math.floor(file.mtimeMs / 1000) * 1000).toUTCString()
}

/**
 * Whether a GET or HEAD can be answered 304 (§13.2.2): If-None-Match decides when present (weak comparison,
 * §8.8.3.2); otherwise If-Modified-Since, at one-second resolution.
 */
export function notModified(req: Request, file: FileFacts): boolean {
  const ifNoneMatch = header(req, 'If-None-Match')
  if (ifNoneMatch !== undefined) {
    if (ifNoneMatch.trim() === '*') return true
    const ours = weak(etagOf(file))
    return ifNoneMatch.split(',').some((tag) => weak(tag.trim()) === ours)
  }
  const since = header(req, 'If-Modified-Since')
  if (since === undefined) return false
  const at = Date.parse(since)
  return !Number.isNaN(at) && Math.floor(file.mtimeMs / 1000) * 1000 <= at
}

export type RangeAnswer =
  | { readonly kind: 'full' }
  | { readonly kind: 'partial'; readonly start: number; readonly end: number }
  | { readonly kind: 'unsatisfiable' }

/**
 * What to send for a `Range` header (§14.2): one satisfiable `bytes` range → partial; a syntactically valid
 * set none of which overlaps the file → unsatisfiable (416); several ranges, other units, bad syntax, or an
 * `If-Range` that no longer matches (§13.1.5) → the full file, which the RFC always allows.
 */
export function rangeOf(req: Request, file: FileFacts): RangeAnswer {
  const range = header(req, 'Range')
  if (range === undefined) return { kind: 'full' }
  const ifRange = header(req, 'If-Range')?.trim()
  if (ifRange !== undefined && ifRange !== etagOf(file) && ifRange !== lastModifiedOf(file)) return { kind: 'full' }
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(range)
  if (!match) return { kind: 'full' }
  // Stryker disable next-line StringLiteral: both groups are (\d*), which always take part in a match, so these defaults never apply
  const [, first = '', last = ''] = match
  if (first === '' && last === '') return { kind: 'full' }
  const size = file.size
  if (first === '') {
    const suffix = Number(last)
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' }
    return { kind: 'partial', start: Math.max(0, size - suffix), end: size - 1 }
  }
  const start = Number(first)
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1)
  if (last !== '' && Number(last) < start) return { kind: 'full' }
  if (start >= size) return { kind: 'unsatisfiable' }
  return { kind: 'partial', start, end }
}

function weak(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag
}
