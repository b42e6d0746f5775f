/**
 * Header lists: ordered `[name, value]` pairs, with order, case and duplicates kept exactly as received.
 * Case-insensitive lookup is a helper (`header`), never the storage. Lists in messages are frozen, pairs too.
 *
 * Beware, on hot paths: loop over a header list by index and read a pair as `h[0]`, `h[1]`. `for … of` and
 * destructuring (`const [name, value] = pair`) go through the iterator protocol, which V8 does not optimise away for
 * frozen arrays: under h2load they were 9% of the proxy's allocations, from the header helpers alone.
 */

import { sameName } from '../wire/same-name.ts'

export { sameName, sameNameAt } from '../wire/same-name.ts'

export type Header = readonly [name: string, value: string]
export type Headers = readonly Header[]

/** First value of a header, by case-insensitive name. */
export function header(message: { readonly headers: Headers }, name: string): string | undefined {
  const lower = name.toLowerCase()
  const headers = message.headers
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i]!
    if (sameName(h[0], lower)) return h[1]
  }
  return undefined
}

/** Every value of a header, in order. */
export function headerValues(message: { readonly headers: Headers }, name: string): string[] {
  const lower = name.toLowerCase()
  const values: string[] = []
  const headers = message.headers
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i]!
    if (sameName(h[0], lower)) values.push(h[1])
  }
  return values
}

/**
 * The first `count` pairs in a new array with `room` more slots. A loop, not `slice()`: slicing a frozen array
 * takes V8's slow path (about a microsecond for a dozen headers), and filters copy headers on every exchange.
 * The pairs are shared (`freezeFresh` makes sure they are frozen).
 */
export function copyOf(headers: Headers, count: number, room = 0): Header[] {
  const copy = new Array<Header>(count + room)
  for (let i = 0; i < count; i++) copy[i] = headers[i]!
  return copy
}

/** The header list with every `name` header replaced by one (where the first was, else appended), frozen. */
export function replacedHeaders(headers: Headers, name: string, value: string): Headers {
  const lower = name.toLowerCase()
  const out: Header[] = []
  let placed = false
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i]!
    if (!sameName(h[0], lower)) out.push(h)
    else if (!placed) {
      out.push(Object.freeze([h[0], value] as const))
      placed = true
    }
  }
  if (!placed) out.push(Object.freeze([name, value] as const))
  return freezeFresh(out)
}

/** The list as it is when frozen, else a frozen copy. */
export function freezeHeaders(headers: Headers): Headers {
  return Object.isFrozen(headers) ? headers : freezeFresh(headers.slice())
}

/** Freezes a header list nobody else holds, and each pair in it, in place. */
export function freezeFresh(headers: Header[]): Headers {
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i]!
    if (!Object.isFrozen(h)) Object.freeze(h)
  }
  return Object.freeze(headers)
}
