/**
 * Trailers of a chunked HTTP/1.1 body (RFC 9112 §7.1.2), read and written by both HTTP/1.1 adapters: the server for
 * requests and responses it answers, the client for requests it sends and responses it reads.
 *
 * - Read: llhttp hands the trailer section over as one more block of header fields just before the message completes
 *   (`parser-owner.ts`'s `headers`), so a body's `TrailerSlot` resolves before the body ends, as h2's trailers do.
 * - Written: after the last chunk, with the same checks as header lines, leaving out the fields a trailer must not
 *   carry (framing, routing and connection control, RFC 9110 §6.5.1).
 */
import { sameName } from './same-name.ts'
import type { Headers } from '../message.ts'
import { headerLine } from './framing.ts'
import { frozenPairs } from './raw-headers.ts'
import { markSettled } from './trailers-at-end.ts'

/**
 * The trailer fields of one chunked body: settled once, when the body completes or goes away (then with none), and
 * marked settled (`trailers-at-end.ts`), so the body's end reads them at once.
 */
export class TrailerSlot {
  readonly fields: Promise<Headers>
  private settle: ((fields: Headers) => void) | undefined

  constructor() {
    this.fields = new Promise<Headers>((resolve) => {
      this.settle = resolve
    })
  }

  /** The trailer section arrived (flat `[name, value, …]`, as llhttp gives it), or none did (undefined). */
  came(flat: readonly string[] | undefined): void {
    const settle = this.settle
    if (!settle) return
    this.settle = undefined
    const fields = flat && flat.length > 0 ? frozenPairs(flat) : NONE
    markSettled(this.fields, fields)
    settle(fields)
  }
}

const NONE: Headers = Object.freeze([])

/** Fields a sender must not put in a trailer section (RFC 9110 §6.5.1), by lower-cased name. */
const NOT_IN_TRAILERS = new Set([
  'content-length',
  'transfer-encoding',
  'trailer',
  'host',
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'upgrade',
  'content-type',
  'content-encoding',
  'content-range',
])

/** Whether a field may go in a trailer section when a proxy writes one (RFC 9110 §6.5.1), by name. */
export function mayTrail(name: string): boolean {
  return !NOT_IN_TRAILERS.has(name.toLowerCase())
}

/**
 * The last chunk with the trailer section (`0`, the fields, an empty line). Fields that cannot be written (a
 * name that is not a token, a value with CR or LF) or that a trailer must not carry are left out.
 */
export function lastChunkWith(trailers: Headers | undefined): string {
  if (!trailers || trailers.length === 0) return '0\r\n\r\n'
  let text = '0\r\n'
  for (const h of trailers) {
    if (!mayTrail(h[0])) continue
    try {
      text += headerLine(h)
    } catch {
      // A field that cannot be written as a line is dropped, never smuggled.
    }
  }
  return `${text}\r\n`
}

/** Whether a request's `TE` says the client accepts trailers in a chunked response (RFC 9110 §10.1.4). */
export function acceptsTrailers(headers: Headers): boolean {
  // Indexed: a for-of over the frozen list, destructuring each pair, allocates on every exchange's request.
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i]!
    if (!sameName(h[0], 'te')) continue
    for (const token of h[1].split(',')) if (token.split(';')[0]!.trim().toLowerCase() === 'trailers') return true
  }
  return false
}
