/**
 * A record's header JSON (FORMAT.md) written straight into bytes: the UTF-8 of exactly the text `JSON.stringify`
 * gives for the head object, without building that text. It runs for every recorded exchange, so it builds no
 * head object, no copies of the header lists and no strings: keys and punctuation are copied from bytes made once, a
 * plain ASCII string (nearly every method, URL and header) is checked and copied one character at a time, numbers are
 * written by integer arithmetic; any other string, and any number off the fast paths, is written as the text
 * `JSON.stringify` / `String` gives. test/recording/record-head.test.ts pins the equality for
 * any input.
 */
import type { Headers } from '../core/message.ts'
import type { RecordedExchange } from './recorded-exchange.ts'

/**
 * The most bytes `writeHead` can write for `x`: the fixed text and numbers, and six bytes per UTF-16 unit of each
 * string (an escape such as `\u001f` is six; a character is at most three bytes of UTF-8). For a retry after
 * `writeHead` ran out of room: the usual record is written without measuring it first.
 */
export function maxHeadBytes(x: RecordedExchange): number {
  const q = x.request,
    s = x.response
  let units = q.method.length + q.url.length + q.version.length + s.reason.length + s.version.length
  for (const h of q.headers) units += h[0].length + h[1].length + 6
  for (const h of s.headers) units += h[0].length + h[1].length + 6
  if (q.trailers) for (const h of q.trailers) units += h[0].length + h[1].length + 6
  if (s.trailers) for (const h of s.trailers) units += h[0].length + h[1].length + 6
  if (x.tags) for (const t of x.tags) units += t.length + 3
  if (x.generated) units += x.generated.cause.length + x.generated.message.length
  if (x.note !== undefined) units += x.note.length
  return FIXED_BYTES + 6 * units
}

/** The keys, punctuation and up to nine numbers (a number's text is at most 24 characters), with room to spare. */
const FIXED_BYTES = 768

/**
 * Writes the header JSON of `x` at `at` and returns where it ends, or -1 when it would pass `end` (≤ the buffer's
 * length): then the bytes from `at` to the buffer's end are garbage. Nothing is measured beforehand; stores past
 * the buffer's end are dropped, as typed arrays do.
 */
export function writeHead(x: RecordedExchange, out: Buffer, at: number, end: number): number {
  const q = x.request,
    s = x.response
  at = numField(out, at, START, x.startedAt)
  at = numField(out, at, DURATION, x.durationMs)
  if (x.waitMs !== undefined) at = numField(out, at, WAIT, x.waitMs)
  at = strField(out, at, REQUEST, q.method)
  at = strField(out, at, URL_KEY, q.url)
  at = versionAndHeaders(out, at, q.version, q.headers)
  if (q.trailers && q.trailers.length > 0) at = headerList(out, put(out, at, TRAILERS), q.trailers)
  at = numField(out, at, RESPONSE, s.status)
  at = strField(out, at, REASON, s.reason)
  at = versionAndHeaders(out, at, s.version, s.headers)
  if (s.trailers && s.trailers.length > 0) at = headerList(out, put(out, at, TRAILERS), s.trailers)
  out[at++] = CLOSE_BRACE
  const t = x.truncated
  if (t) {
    at = put(out, at, TRUNCATED)
    if (t.request !== undefined) at = numField(out, at, TRUNCATED_REQUEST, t.request)
    if (t.response !== undefined)
      at = numField(out, at, t.request !== undefined ? COMMA_TRUNCATED_RESPONSE : TRUNCATED_RESPONSE, t.response)
    out[at++] = CLOSE_BRACE
  }
  const cut = x.incomplete
  if (cut) {
    at = put(out, at, INCOMPLETE)
    if (cut.request !== undefined) at = nullableField(out, at, TRUNCATED_REQUEST, cut.request)
    if (cut.response !== undefined)
      at = nullableField(
        out,
        at,
        cut.request !== undefined ? COMMA_TRUNCATED_RESPONSE : TRUNCATED_RESPONSE,
        cut.response,
      )
    out[at++] = CLOSE_BRACE
  }
  const made = x.generated
  if (made) {
    at = strField(out, at, GENERATED, made.cause)
    at = strField(out, at, MESSAGE, made.message)
    out[at++] = CLOSE_BRACE
  }
  if (x.tags && x.tags.length > 0) {
    at = put(out, at, TAGS)
    for (let i = 0; i < x.tags.length; i++) {
      if (i > 0) out[at++] = COMMA
      at = str(out, at, x.tags[i]!)
    }
    out[at++] = CLOSE_BRACKET
  }
  if (x.note !== undefined) at = strField(out, at, NOTE, x.note)
  out[at++] = CLOSE_BRACE
  return at <= end ? at : -1
}

/** The header JSON as text (for tools and tests; writers use `writeHead`). */
export function headJson(x: RecordedExchange): string {
  const out = Buffer.allocUnsafe(maxHeadBytes(x))
  return out.toString('utf8', 0, writeHead(x, out, 0, out.byteLength))
}

/** The keys and punctuation, as bytes. */
const START = ascii('{"v":1,"startedAt":')
const DURATION = ascii(',"durationMs":')
const WAIT = ascii(',"waitMs":')
const REQUEST = ascii(',"request":{"method":')
const URL_KEY = ascii(',"url":')
const VERSION = ascii(',"version":')
const HEADERS = ascii(',"headers":')
const TRAILERS = ascii(',"trailers":')
const RESPONSE = ascii('},"response":{"status":')
const REASON = ascii(',"reason":')
const TRUNCATED = ascii(',"truncated":{')
const TRUNCATED_REQUEST = ascii('"request":')
const TAGS = ascii(',"tags":[')
const INCOMPLETE = ascii(',"incomplete":{')
const GENERATED = ascii(',"generated":{"cause":')
const MESSAGE = ascii(',"message":')
const NULL = ascii('null')
const NOTE = ascii(',"note":')
const TRUNCATED_RESPONSE = ascii('"response":')
const COMMA_TRUNCATED_RESPONSE = ascii(',"response":')

function ascii(t: string): Uint8Array {
  return Uint8Array.from(t, (c) => c.charCodeAt(0))
}

/** A key and a number, or null. */
function nullableField(out: Buffer, at: number, key: Uint8Array, value: number | null): number {
  if (value !== null) return numField(out, at, key, value)
  return put(out, put(out, at, key), NULL)
}

/** Copies bytes known to fit (or past the buffer's end, where they are dropped: `writeHead` then answers -1). */
function put(out: Buffer, at: number, bytes: Uint8Array): number {
  if (at + bytes.length <= out.length) out.set(bytes, at)
  return at + bytes.length
}

const QUOTE = 0x22,
  COMMA = 0x2c,
  BACKSLASH = 0x5c,
  OPEN_BRACKET = 0x5b,
  CLOSE_BRACKET = 0x5d,
  CLOSE_BRACE = 0x7d,
  ZERO = 0x30,
  DOT = 0x2e

/** A key (with the punctuation before it) and a string value. */
function strField(out: Buffer, at: number, key: Uint8Array, value: string): number {
  return str(out, put(out, at, key), value)
}

/** A key (with the punctuation before it) and a number value. */
function numField(out: Buffer, at: number, key: Uint8Array, value: number): number {
  return num(out, put(out, at, key), value)
}

/** `,"version":…,"headers":[…]`, the end of the request and of the response. */
function versionAndHeaders(out: Buffer, at: number, version: string, headers: Headers): number {
  return headerList(out, put(out, strField(out, at, VERSION, version), HEADERS), headers)
}

function headerList(out: Buffer, at: number, headers: Headers): number {
  out[at++] = OPEN_BRACKET
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i]!
    if (i > 0) out[at++] = COMMA
    out[at++] = OPEN_BRACKET
    at = str(out, at, h[0])
    out[at++] = COMMA
    at = str(out, at, h[1])
    out[at++] = CLOSE_BRACKET
  }
  out[at++] = CLOSE_BRACKET
  return at
}

/** Text known to be ASCII (`String` of a number off the fast paths, or `null`). */
function text(out: Buffer, at: number, t: string): number {
  for (let i = 0; i < t.length; i++) out[at++] = t.charCodeAt(i)
  return at
}

/**
 * A JSON string. Printable ASCII without `"` or `\` is copied as it is; a string with anything else (what JSON
 * escapes, or what UTF-8 writes in more than one byte) is written as JSON.stringify's text, from where it began.
 */
function str(out: Buffer, at: number, s: string): number {
  const start = at
  out[at++] = QUOTE
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x20 || c > 0x7e || c === QUOTE || c === BACKSLASH) return escaped(out, start, s)
    out[at++] = c
  }
  out[at++] = QUOTE
  return at
}

/** JSON.stringify's text for `s` as UTF-8 at `at`, or, if it does not fit, where it would end. */
function escaped(out: Buffer, at: number, s: string): number {
  const t = JSON.stringify(s)
  const bytes = Buffer.byteLength(t, 'utf8')
  // Stryker disable next-line EqualityOperator: its `<` mutant is equivalent (a string that ends exactly at the buffer's end leaves no room for the head's closing brace, so writeHead says -1 either way); the others are caught by record-head.test.ts and go with it
  if (at + bytes <= out.byteLength) out.write(t, at, 'utf8')
  return at + bytes
}

/** A number as JSON.stringify writes it: integers and times held to the microsecond by arithmetic, the rest by `String`. */
function num(out: Buffer, at: number, v: number): number {
  if (v >= 0 && v < MAX_EXACT) {
    if (Number.isInteger(v)) return writeDigits(out, at, v)
    // Stryker disable next-line BlockStatement: without the thousandths fast path the number is written as String(v), the same digits
    if (v < MAX_THOUSANDTHS) {
      const i = Math.round(v * 1000)
      // Stryker disable next-line ConditionalExpression,ArithmeticOperator: `false` and `i * 1000` leave the number to String(v), the same digits (equivalent); `true` is caught by record-head.test.ts and goes with it
      if (i / 1000 === v) {
        const whole = Math.floor(i / 1000)
        return thousandths(out, writeDigits(out, at, whole), i - whole * 1000)
      }
    }
  }
  return text(out, at, Number.isFinite(v) ? String(v) : 'null')
}

const MAX_EXACT = 2 ** 53

/**
 * Below 2^42 (about 139 years of milliseconds) a double's spacing is under a thousandth, so when `v` is exactly
 * `i / 1000` no shorter decimal names the same double, and whole digits, a point and the thousandths without
 * trailing zeros are the digits `String(v)` writes.
 */
const MAX_THOUSANDTHS = 2 ** 42

/** `.001` … `.999` for 1 ≤ f ≤ 999 thousandths, without trailing zeros (`.12` for 120). */
function thousandths(out: Uint8Array, at: number, f: number): number {
  const d1 = (f / 100) | 0
  const rest = f - d1 * 100
  const d2 = (rest / 10) | 0
  const d3 = rest - d2 * 10
  out[at++] = DOT
  out[at++] = ZERO + d1
  if (d2 !== 0 || d3 !== 0) out[at++] = ZERO + d2
  if (d3 !== 0) out[at++] = ZERO + d3
  return at
}

/** Writes the decimal digits of an integer 0 ≤ v < 2^53 at `at`; returns where they end. */
export function writeDigits(out: Uint8Array, at: number, v: number): number {
  if (v < BILLION) return smallDigits(out, at, v)
  // Nine digits at a time in 32-bit arithmetic (a double's % is a slow library call). Every step here is exact.
  let high = Math.floor(v / BILLION)
  let low = v - high * BILLION
  // The two corrections below are never needed: for no integer below 2^53 does v / 1e9 round across an integer (the
  // nearest, n * 1e9 ± 1, are a billionth away; the doubles there are closer together), so they are kept as a guard
  // only, their mutants equivalent (digits-at-billions.test.ts pins the digits at every billion's edge).
  // Stryker disable next-line ConditionalExpression,EqualityOperator: `false` is equivalent (never true); `true`, `<= 0` and `>= 0` are caught by digits-at-billions.test.ts and go with it
  if (low < 0) {
    // Stryker disable next-line UpdateOperator: unreachable, see above
    high--
    // Stryker disable next-line AssignmentOperator: unreachable, see above
    low += BILLION
    // Stryker disable next-line ConditionalExpression,EqualityOperator: `false` and `> BILLION` are equivalent (never true); `true` and `<` are caught by digits-at-billions.test.ts and go with them
  } else if (low >= BILLION) {
    // Stryker disable next-line UpdateOperator: unreachable, see above
    high++
    // Stryker disable next-line AssignmentOperator: unreachable, see above
    low -= BILLION
  }
  at = writeDigits(out, at, high)
  for (let k = at + 8; k >= at; k--) {
    const q = (low / 10) | 0
    out[k] = ZERO + low - q * 10
    low = q
  }
  return at + 9
}

const BILLION = 1e9

function smallDigits(out: Uint8Array, at: number, v: number): number {
  const end = at + digitCount(v)
  let k = end
  do {
    const q = (v / 10) | 0
    out[--k] = ZERO + v - q * 10
    v = q
  } while (v > 0)
  return end
}

/** How many decimal digits an integer 0 ≤ v < 2^53 has. */
export function digitCount(v: number): number {
  let n = 1
  for (let p = 10; p <= v; p *= 10) n++
  return n
}
