/** Node's flat raw header arrays (`rawHeaders`, `writeHead(status, reason, flat)`) to and from header pairs. */
import { sameName } from './same-name.ts'
import type { Header, Headers } from '../message.ts'

export function headerPairs(raw: readonly string[]): Headers {
  const pairs: Header[] = []
  // Stryker disable next-line StringLiteral: the loop stops before a missing value, so the defaults only guard a sparse array, which Node never hands over
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i] ?? '', raw[i + 1] ?? ''])
  return pairs
}

/** Header pairs from a flat list, frozen as messages keep them (so building a message copies nothing). */
export function frozenPairs(raw: readonly string[]): Headers {
  const pairs: Header[] = new Array(raw.length >> 1)
  for (let i = 0, j = 0; i + 1 < raw.length; i += 2, j++) pairs[j] = Object.freeze([raw[i]!, raw[i + 1]!] as const)
  return Object.freeze(pairs)
}

export function flatHeaders(headers: Headers): string[] {
  const flat = new Array<string>(headers.length * 2)
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i]!
    flat[2 * i] = h[0]
    flat[2 * i + 1] = h[1]
  }
  return flat
}

/** The Content-Length as a number when it is a single valid value, else undefined. */
export function contentLength(headers: Headers): number | undefined {
  let first: string | undefined
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i]!
    if (!sameName(h[0], 'content-length')) continue
    const value = h[1].trim()
    if (first === undefined) first = value
    else if (value !== first) return undefined
  }
  if (first === undefined || !/^\d+$/.test(first)) return undefined
  return Number(first)
}
