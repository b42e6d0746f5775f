/**
 * The in-process stand-in for bench/upstream.ts's `/1k` that the micro-benchmarks share: a 200 with the headers
 * node:http sends for it and a fresh 1 KiB body stream per answer.
 */
import { Readable } from 'node:stream'
import { response, streamBody, type Headers, type Response } from '../electron/core/message.ts'

export const ONE_KIB = Buffer.alloc(1024, 'abcdefghijklmnopqrstuvwxyz0123456789\n')

/** The headers, frozen once (as messages keep them), so building an answer copies nothing. */
const HEADERS: Headers = Object.freeze([
  Object.freeze(['Content-Type', 'text/plain; charset=utf-8'] as const),
  Object.freeze(['Content-Length', '1024'] as const),
  Object.freeze(['Date', 'Sat, 28 Nov 2026 03:40:00 GMT'] as const),
  Object.freeze(['Connection', 'keep-alive'] as const),
  Object.freeze(['Keep-Alive', 'timeout=60'] as const),
])

/** A Readable that yields one buffer (cheaper than Readable.from, so the stream itself weighs less). */
export class OneChunk extends Readable {
  constructor(private chunk: Buffer | null) {
    super()
  }
  override _read(): void {
    const c = this.chunk
    this.chunk = null
    this.push(c)
  }
}

/** One answer as the upstream's `/1k` gives it, with its own body stream. */
export function oneKiBAnswer(): Response {
  return response(200, { headers: HEADERS, body: streamBody(new OneChunk(ONE_KIB), ONE_KIB.byteLength) })
}
