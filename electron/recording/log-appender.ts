/**
 * Appends records to an open log file, for the session writer.
 *
 * `add` encodes a record into a reusable slab (frame line, header JSON and bodies copied in; a body of
 * `referenceBytes` or more is written from its own buffer instead) and writes it straight away with one
 * synchronous `write`: a record written to the OS's cache takes microseconds (a large body longer), far less
 * than handing each write to the threadpool, and when `add` returns the record is in the file. So a crash or
 * `kill -9` loses at most the exchange in flight, never one that had finished, and can leave only that last
 * record torn (FORMAT.md). A write that fails is cut off again, so the log always ends with a whole record.
 */
import { crc32 } from 'node:zlib'
import { ftruncateSync, writeSync, writevSync } from 'node:fs'
import { FRAME_CRC_BYTES, framePrefix, headJson, NL, writeFrameCrc } from './record-log.ts'
import type { RecordedExchange } from './recorded-exchange.ts'

/** Hears once whether a record was written (undefined) or not (the error). */
export type Settled = (error: Error | undefined) => void

export interface LogAppenderOptions {
  /** Size of the buffer records are encoded into (a larger record gets a larger one). Default 256 KiB. */
  readonly slabBytes?: number
  /** Bodies at least this long are written from their own buffer, not copied. Default 64 KiB. */
  readonly referenceBytes?: number
}

export class LogAppender {
  /** Records written (the caller gives the count already in the file). */
  count: number
  /** Records whose write failed, and the last failure. */
  failures = 0
  lastError: string | undefined
  private readonly referenceBytes: number
  private slab: Buffer
  /** The record's write: slab bytes and referenced bodies, in order. */
  private parts: Buffer[] = []
  /** Bytes of the slab in use, and where the part not yet handed to `parts` starts. */
  private used = 0
  private sealed = 0

  /** `fd` is open for appending; `length` is its size, where a failed write is cut back to. */
  constructor(private readonly fd: number, private length: number, count: number, options: LogAppenderOptions = {}) {
    this.count = count
    this.referenceBytes = options.referenceBytes ?? 64 * 1024
    this.slab = Buffer.allocUnsafe(options.slabBytes ?? 256 * 1024)
  }

  /** Encodes the record and writes it; `settled` hears how that went before `add` returns. */
  add(x: RecordedExchange, settled?: Settled): void {
    const json = headJson(x)
    const j = Buffer.byteLength(json, 'utf8')
    const req = x.request.body, res = x.response.body
    // Checked before anything is written: a record half-encoded would corrupt the log.
    if (!(req instanceof Uint8Array) || !(res instanceof Uint8Array)) throw new TypeError('a recorded exchange needs both bodies as bytes (Uint8Array)')
    const q = req.byteLength, s = res.byteLength
    const prefix = framePrefix(j, q, s)
    const copyReq = q < this.referenceBytes, copyRes = s < this.referenceBytes
    const copied = prefix.length + FRAME_CRC_BYTES + j + 1 + (copyReq ? q : 0) + (copyRes ? s : 0) + 1
    if (this.slab.byteLength < copied) this.slab = Buffer.allocUnsafe(copied)
    const slab = this.slab
    const jsonAt = prefix.length + FRAME_CRC_BYTES
    let at = jsonAt + slab.write(json, jsonAt, 'utf8')
    let crc = j > 0 ? crc32(slab.subarray(jsonAt, at)) : 0
    slab[at++] = NL
    // The bodies: copied next to each other (one checksum call for both), or referenced as parts of the write.
    let bodiesAt = at
    if (copyReq) { slab.set(req, at); at += q }
    else { crc = this.crcOfSlab(crc, bodiesAt, at); this.reference(at, req); crc = crc32(req, crc); bodiesAt = at }
    if (copyRes) { slab.set(res, at); at += s }
    else { crc = this.crcOfSlab(crc, bodiesAt, at); this.reference(at, res); crc = crc32(res, crc); bodiesAt = at }
    crc = this.crcOfSlab(crc, bodiesAt, at)
    slab[at++] = NL
    slab.write(prefix, 0, 'latin1')
    writeFrameCrc(slab, prefix.length, crc)
    this.used = at
    this.write(at + (copyReq ? 0 : q) + (copyRes ? 0 : s), settled)
  }

  /** Writes the record's parts (`bytes` in all) with synchronous writes, then tells `settled`. */
  private write(bytes: number, settled: Settled | undefined): void {
    this.seal()
    const parts = this.parts
    this.parts = []
    this.used = 0
    this.sealed = 0
    let error: Error | undefined
    try {
      let done = 0
      while (done < bytes) {
        const rest = done === 0 ? parts : remainingParts(parts, done)
        const n = rest.length === 1 ? writeSync(this.fd, rest[0]!, 0, rest[0]!.byteLength, null) : writevSync(this.fd, rest)
        if (n <= 0) throw new Error('writing to the session log made no progress')
        done += n
      }
      this.length += bytes
      this.count++
    } catch (caught) {
      error = caught as Error
      this.failures++
      this.lastError = error.message
      try { ftruncateSync(this.fd, this.length) } catch { /* the next open reports a torn tail instead */ }
    }
    try { settled?.(error) } catch { /* a listener's failure is its own; the log carries on */ }
  }

  /** Continues `crc` over the slab bytes [from, to). */
  private crcOfSlab(crc: number, from: number, to: number): number {
    return to > from ? crc32(this.slab.subarray(from, to), crc) : crc
  }

  /** Hands the slab's bytes up to `at` to the write, then `body` by reference. */
  private reference(at: number, body: Uint8Array): void {
    this.used = at
    this.seal()
    if (body.byteLength > 0) this.parts.push(Buffer.from(body.buffer, body.byteOffset, body.byteLength))
  }

  private seal(): void {
    if (this.used > this.sealed) this.parts.push(this.slab.subarray(this.sealed, this.used))
    this.sealed = this.used
  }
}

/**
 * The parts after the first `done` bytes. A short write (a file size limit, a nearly full disk) is not an error
 * to the OS: the rest is written, so the next try meets the error instead of leaving a torn record that later
 * records would follow.
 */
function remainingParts(parts: Buffer[], done: number): Buffer[] {
  let skip = done
  let i = 0
  while (skip >= parts[i]!.byteLength) skip -= parts[i++]!.byteLength
  return [parts[i]!.subarray(skip), ...parts.slice(i + 1)]
}
