/**
 * The Traffic filter's `header:` and `body:` terms, answered in main, where headers and bodies are kept.
 * It runs in slices: after at most `sliceMs` of work it yields to the event loop (setImmediate), so the
 * proxies sharing this process keep serving while 100,000 exchanges are searched, and the window's thread
 * never searches at all (it gets the matching ids).
 *
 * Bodies are searched as the detail pane shows them: content-coded ones (gzip, deflate, br) decoded first
 * (bounded by `MAX_DECODED_BYTES`); text matches ignoring the case of ASCII letters.
 */
import { brotliDecompressSync, constants, gunzipSync, inflateSync } from 'node:zlib'
import type { ContentSearchTerm } from '../../shared/exchange.ts'
import type { Headers } from '../core/message.ts'
import type { CapturedExchange, StoredBody } from './captured-exchange.ts'

export interface SearchOptions {
  /** The longest stretch of work between yields, in milliseconds. Default 8. */
  readonly sliceMs?: number
  /** How to yield; default one turn of the event loop (setImmediate). */
  readonly yieldTo?: () => Promise<void>
}

export interface SearchResult {
  /** Per term, in order: the ids of the exchanges it matched, oldest first. */
  readonly matches: string[][]
  readonly searched: number
}

/** A body that decodes to more than this is searched as stored. */
export const MAX_DECODED_BYTES = 8 * 1024 * 1024

export async function searchExchanges(
  records: readonly CapturedExchange[],
  terms: readonly ContentSearchTerm[],
  options: SearchOptions = {},
): Promise<SearchResult> {
  const sliceMs = options.sliceMs ?? 8
  const yieldTo = options.yieldTo ?? (() => new Promise<void>((resolve) => setImmediate(resolve)))
  const tests = terms.map(compile)
  const matches: string[][] = terms.map(() => [])
  let sliceStart = performance.now()
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!
    const bodies = new BodyCache(record)
    for (let t = 0; t < tests.length; t++) if (tests[t]!(record, bodies)) matches[t]!.push(record.id)
    // Stryker disable next-line EqualityOperator: a slice that ran exactly sliceMs to the fraction of a millisecond cannot be told from one that ran past it
    if ((i & 15) === 15 && performance.now() - sliceStart > sliceMs) {
      await yieldTo()
      sliceStart = performance.now()
    }
  }
  return { matches, searched: records.length }
}

type Test = (record: CapturedExchange, bodies: BodyCache) => boolean

function compile(term: ContentSearchTerm): Test {
  if (term.kind === 'header') {
    const name = term.name.toLowerCase()
    const value = term.value?.toLowerCase()
    const has = (headers: Headers) =>
      headers.some(([n, v]) => n.toLowerCase() === name && (value === undefined || v.toLowerCase().includes(value)))
    return (record) => has(record.requestHeaders) || has(record.responseHeaders)
  }
  const exact = Buffer.from(term.text)
  const folded = foldAscii(Buffer.from(term.text), Buffer.alloc(exact.byteLength))
  const cased = /[A-Za-z]/.test(term.text)
  const contains = (bytes: Buffer | undefined) =>
    bytes !== undefined &&
    bytes.byteLength > 0 &&
    (bytes.indexOf(exact) >= 0 || (cased && foldAscii(bytes, scratchFor(bytes.byteLength)).indexOf(folded) >= 0))
  return (_record, bodies) => contains(bodies.request()) || contains(bodies.response())
}

/**
 * Case folding without making strings: A-Z become a-z, byte by byte, into `into` (ASCII letters only, so a
 * UTF-8 sequence is never changed). Strings of every body would be hundreds of megabytes of garbage at
 * 100,000 exchanges, and the collector's pauses would stall the proxies.
 */
function foldAscii(bytes: Uint8Array, into: Buffer): Buffer {
  const n = Math.min(bytes.byteLength, into.byteLength)
  // Stryker disable next-line EqualityOperator: one step more writes a zero past what is returned, or past the end, where a Buffer ignores it
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!
    into[i] = b >= 0x41 && b <= 0x5a ? b | 0x20 : b
  }
  return into.subarray(0, n)
}

let scratch = Buffer.alloc(64 * 1024)
function scratchFor(size: number): Buffer {
  // Stryker disable next-line ArithmeticOperator: the doubling only sizes the room to spare; what is allocated always fits `size`
  if (scratch.byteLength < size) scratch = Buffer.alloc(Math.max(size, scratch.byteLength * 2))
  return scratch
}

/** Each body decoded once per record, and only if a body term asks. */
class BodyCache {
  private req: Buffer | undefined | null = null
  private res: Buffer | undefined | null = null
  constructor(private readonly record: CapturedExchange) {}
  request(): Buffer | undefined {
    return this.req === null ? (this.req = decoded(this.record.requestBody, this.record.requestHeaders)) : this.req
  }
  response(): Buffer | undefined {
    return this.res === null ? (this.res = decoded(this.record.responseBody, this.record.responseHeaders)) : this.res
  }
}

function decoded(body: StoredBody | null, headers: Headers): Buffer | undefined {
  if (!body || body.bytes.byteLength === 0) return undefined
  const bytes = Buffer.from(body.bytes.buffer, body.bytes.byteOffset, body.bytes.byteLength)
  const coding = headers
    .find(([n]) => n.toLowerCase() === 'content-encoding')?.[1]
    .trim()
    .toLowerCase()
  // Z_SYNC_FLUSH: a body cut by the capture cap decodes as far as it goes.
  const zlib = { maxOutputLength: MAX_DECODED_BYTES, finishFlush: constants.Z_SYNC_FLUSH }
  try {
    if (coding === 'gzip' || coding === 'x-gzip') return gunzipSync(bytes, zlib)
    if (coding === 'deflate') return inflateSync(bytes, zlib)
    if (coding === 'br')
      return brotliDecompressSync(bytes, {
        maxOutputLength: MAX_DECODED_BYTES,
        finishFlush: constants.BROTLI_OPERATION_FLUSH,
      })
  } catch {
    // Not what its header says, or too large decoded: searched as stored.
  }
  return bytes
}
