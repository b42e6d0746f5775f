/**
 * How a captured exchange keeps its header lists: packed into one string per message (a store holds up to 100,000
 * records, and one string costs far less to keep and to collect than a pair array and two strings per header).
 */
import { header, sameNameAt, type Header, type Headers } from '../core/message.ts'

/**
 * A header list as one string, `name LF value LF name LF value`: one flat string instead of a pair array and two
 * strings per header. Names and values cannot hold a line feed on the wire; a list built in code whose names or
 * values do is kept as a compact copy instead, so nothing is ever misread.
 */
export type PackedHeaders = string | Headers

export function packHeaders(headers: Headers): PackedHeaders {
  const n = headers.length
  // Stryker disable next-line ConditionalExpression: with no headers the loop below returns '' too
  if (n === 0) return ''
  let text = ''
  for (let i = 0; i < n; i++) {
    const h = headers[i]!
    const name = h[0]
    const value = h[1]
    if (name.includes('\n') || value.includes('\n')) return compact(headers)
    // Concatenated, not joined: a string built with + costs a third of an array and `join`.
    text = i === 0 ? `${name}\n${value}` : `${text}\n${name}\n${value}`
  }
  return text
}

/** How many characters `packHeaders` would make of a header list (when it makes text). */
export function packedLength(headers: Headers): number {
  const n = headers.length
  if (n === 0) return 0
  let length = 2 * n - 1
  for (let i = 0; i < n; i++) {
    const h = headers[i]!
    length += h[0].length + h[1].length
  }
  return length
}

/**
 * Writes what `packHeaders` makes of a header list straight into `bytes` from `at`, one byte per character, with no
 * string made on the way; returns how many bytes it wrote (`packedLength`). Only plain ASCII is written so (the
 * packed text reads back as latin1): at the first other character, or a line feed, it stops and returns -1, and the
 * bytes it wrote are to be taken as unwritten. `bytes` must have `packedLength(headers)` bytes from `at`.
 */
export function writePackedHeaders(headers: Headers, bytes: Uint8Array, at: number): number {
  const n = headers.length
  let to = at
  for (let i = 0; i < n; i++) {
    const h = headers[i]!
    if (i > 0) bytes[to++] = 0x0a
    to = writeAscii(h[0], bytes, to)
    if (to < 0) return -1
    bytes[to++] = 0x0a
    to = writeAscii(h[1], bytes, to)
    if (to < 0) return -1
  }
  return to - at
}

/** Writes plain ASCII text without line feeds from `to`; returns where it ended, or -1 at any other character. */
function writeAscii(text: string, bytes: Uint8Array, to: number): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c > 0x7f || c === 0x0a) return -1
    bytes[to++] = c
  }
  return to
}

/** The header pairs again, frozen (a packed copy is returned as it is). */
export function unpackHeaders(headers: PackedHeaders): Headers {
  if (typeof headers !== 'string') return headers
  // Stryker disable next-line ConditionalExpression,StringLiteral: '' split is one empty name and no pair, so the list below is empty too
  if (headers === '') return noHeaders
  const flat = headers.split('\n')
  const pairs = new Array<Header>(flat.length >>> 1)
  for (let i = 0; i < pairs.length; i++) pairs[i] = pair(flat[2 * i]!, flat[2 * i + 1]!)
  return Object.freeze(pairs)
}

/** The first value of a header by its lower-case name, read from the packed text without unpacking it. */
export function packedHeader(headers: PackedHeaders, lowerName: string): string | undefined {
  if (typeof headers !== 'string') return header({ headers }, lowerName)
  const n = lowerName.length
  let at = 0
  while (at < headers.length) {
    const nameEnd = headers.indexOf('\n', at)
    if (nameEnd < 0) return undefined
    const valueEnd = headers.indexOf('\n', nameEnd + 1)
    // Stryker disable next-line EqualityOperator: a value's end is after its name's, so never 0
    const end = valueEnd < 0 ? headers.length : valueEnd
    if (nameEnd - at === n && sameNameAt(headers, at, lowerName)) return headers.slice(nameEnd + 1, end)
    at = end + 1
  }
  return undefined
}

function pair(name: string, value: string): Header {
  return Object.freeze([name, value]) as Header
}

const noHeaders: Headers = Object.freeze([])

/**
 * A frozen copy of a header list with no room to spare (the pairs are shared, not copied). Copied by hand:
 * `slice()` of a frozen array takes V8's slow path (about a microsecond for a few headers).
 */
function compact(headers: Headers): Headers {
  const copy = new Array<Header>(headers.length)
  for (let i = 0; i < headers.length; i++) copy[i] = headers[i]!
  return Object.freeze(copy)
}
