/** Case-insensitive lookup over wire-ordered header lists (the storage stays as on the wire). */
import type { RawHeaderList } from '../../../shared/exchange.ts'

export function headerValue(headers: RawHeaderList, name: string): string | undefined {
  const lower = name.toLowerCase()
  for (const [n, v] of headers) if (n.toLowerCase() === lower) return v
  return undefined
}
