/** Node's flat raw header arrays (`rawHeaders`, `writeHead(status, reason, flat)`) to and from header pairs. */
import type { Header, Headers } from '../message.ts'

export function headerPairs(raw: readonly string[]): Headers {
  const pairs: Header[] = []
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i] ?? '', raw[i + 1] ?? ''])
  return pairs
}

export function flatHeaders(headers: Headers): string[] {
  return headers.flatMap(([name, value]) => [name, value])
}

/** The Content-Length as a number when it is a single valid value, else undefined. */
export function contentLength(headers: Headers): number | undefined {
  const values = headers.filter(([n]) => n.toLowerCase() === 'content-length').map(([, v]) => v.trim())
  const first = values[0]
  if (first === undefined || !/^\d+$/.test(first) || values.some((v) => v !== first)) return undefined
  return Number(first)
}
