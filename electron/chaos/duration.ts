/**
 * ISO-8601 durations and instants as http4k's chaos JSON writes them (Java's `Duration` and `Instant`
 * `toString`): `PT0.1S`, `PT30S`, `PT1M30S`; `2030-01-01T00:00:00Z`.
 */

const DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/

/** Milliseconds in an ISO-8601 duration such as `PT0.5S`, or undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const upper = text.trim().toUpperCase()
  const m = DURATION.exec(upper)
  // The pattern alone would take `P` and `PT` (every part is optional): Java reads neither, in either case.
  if (!m || upper === 'P' || upper.endsWith('T')) return undefined
  // Stryker disable next-line StringLiteral: Number('') is 0 too, so an absent part reads the same either way
  const [, d = '0', h = '0', min = '0', s = '0'] = m
  return Math.round(((Number(d) * 24 + Number(h)) * 60 + Number(min)) * 60_000 + Number(s.replace(',', '.')) * 1000)
}

/** Writes milliseconds as Java does: `PT0.1S`, `PT1M`, `PT1H30M`, `PT0S`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return 'PT0S'
  const hours = Math.floor(ms / 3_600_000)
  const minutes = Math.floor((ms % 3_600_000) / 60_000)
  const seconds = (ms % 60_000) / 1000
  return `PT${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}${seconds ? `${Number(seconds.toFixed(3))}S` : ''}`
}

/** Epoch milliseconds of an ISO-8601 instant, or undefined. */
export function parseInstant(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return undefined
  const ms = Date.parse(text)
  return Number.isNaN(ms) ? undefined : ms
}

/** Writes an instant as Java does: milliseconds only when there are some. */
export function formatInstant(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z')
}
