/**
 * Comparing a replayed response with the recorded one. Some headers change on every response and are left
 * out of the comparison (VOLATILE_HEADERS); Set-Cookie is compared without its expiry attributes.
 */
import type { BodyDifference, HeaderDifference } from '../../shared/exchange.ts'
import type { LatencyStatsData as LatencyStats } from '../../shared/exchange.ts'
import { sameName, type Headers } from '../core/message.ts'
import { HOP_BY_HOP_HEADERS } from '../core/filters/hop-by-hop.ts'

/**
 * Headers whose values are expected to differ between two answers to the same request: times (Date, Age,
 * Expires, Last-Modified), per-response ids and validators (X-Request-Id, X-Correlation-Id, ETag), timing
 * reports (Server-Timing), what a proxy adds (Via, X-Nanoscope-Generated) and hop-by-hop framing.
 * Content-Length is compared only when the bodies are the same (a different body already says it) and both
 * sides have one (chunked on one side and a length on the other is a framing change, not a difference).
 */
export const VOLATILE_HEADERS: ReadonlySet<string> = new Set([
  'date',
  'age',
  'expires',
  'last-modified',
  'x-request-id',
  'x-correlation-id',
  'etag',
  'server-timing',
  'via',
  'x-nanoscope-generated',
  ...HOP_BY_HOP_HEADERS,
])

export type { BodyDifference, HeaderDifference } from '../../shared/exchange.ts'

export function compareBodies(recorded: Uint8Array, replayed: Uint8Array): BodyDifference | undefined {
  const a = Buffer.from(recorded.buffer, recorded.byteOffset, recorded.byteLength)
  const b = Buffer.from(replayed.buffer, replayed.byteOffset, replayed.byteLength)
  if (a.equals(b)) return undefined
  const n = Math.min(a.byteLength, b.byteLength)
  let i = 0
  while (i < n && a[i] === b[i]) i++
  return { recordedSize: a.byteLength, size: b.byteLength, firstDifferenceAt: i }
}

export function compareHeaders(recorded: Headers, replayed: Headers, bodyDiffers: boolean): HeaderDifference[] {
  const framingOnly = !bodyDiffers && hasHeader(recorded, 'content-length') !== hasHeader(replayed, 'content-length')
  const skipLength = bodyDiffers || framingOnly
  // Most replies match: the compared headers are then the same pairs in the same order, seen in one pass.
  if (samePairs(recorded, replayed, skipLength)) return []
  const ignore = (name: string) => VOLATILE_HEADERS.has(name) || (skipLength && name === 'content-length')
  const a = grouped(recorded, ignore),
    b = grouped(replayed, ignore)
  const names = [...new Set([...a.keys(), ...b.keys()])]
  return names.flatMap((name) => {
    const x = a.get(name) ?? [],
      y = b.get(name) ?? []
    const norm = name === 'set-cookie' ? (v: string[]) => v.map(withoutExpiry) : (v: string[]) => v
    return JSON.stringify(norm(x)) === JSON.stringify(norm(y)) ? [] : [{ name, recorded: x, replayed: y }]
  })
}

/** Whether the compared headers (not ignored) are the same names (any case) and values in the same order. */
function samePairs(a: Headers, b: Headers, skipLength: boolean): boolean {
  let i = 0,
    j = 0
  for (;;) {
    while (i < a.length && ignored(a[i]![0], skipLength)) i++
    while (j < b.length && ignored(b[j]![0], skipLength)) j++
    if (i === a.length || j === b.length) return i === a.length && j === b.length
    const x = a[i++]!,
      y = b[j++]!
    if (x[1] !== y[1] || !sameName(x[0], y[0].toLowerCase())) return false
  }
}

function ignored(name: string, skipLength: boolean): boolean {
  const lower = name.toLowerCase()
  return VOLATILE_HEADERS.has(lower) || (skipLength && lower === 'content-length')
}

function hasHeader(headers: Headers, lower: string): boolean {
  for (let i = 0; i < headers.length; i++) if (sameName(headers[i]![0], lower)) return true
  return false
}

function grouped(headers: Headers, ignore: (name: string) => boolean): Map<string, string[]> {
  const map = new Map<string, string[]>()
  for (const [n, v] of headers) {
    const name = n.toLowerCase()
    if (!ignore(name)) map.set(name, [...(map.get(name) ?? []), v])
  }
  return map
}

/** A Set-Cookie value without Expires and Max-Age, which move with the clock. */
export function withoutExpiry(cookie: string): string {
  return cookie
    .split(';')
    .map((p) => p.trim())
    .filter((p) => !/^(expires|max-age)\s*=/i.test(p))
    .join('; ')
}

export type { LatencyStatsData as LatencyStats } from '../../shared/exchange.ts'

/** Nearest-rank percentiles, in milliseconds rounded to 0.1. */
export function latencyStats(values: readonly number[]): LatencyStats {
  const sorted = [...values].sort((a, b) => a - b)
  const rank = (p: number) =>
    sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!
  const r = (x: number) => Math.round(x * 10) / 10
  return { count: sorted.length, p50: r(rank(0.5)), p95: r(rank(0.95)), max: r(sorted[sorted.length - 1] ?? 0) }
}
