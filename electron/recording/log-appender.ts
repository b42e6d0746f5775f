/**
 * Appends records to an open log file, for the session writer.
 *
 * `add` encodes a record at once into a slab shared by the records of the current turn of the event loop (frame
 * line, header JSON and bodies copied in; a body of `referenceBytes` or more is written from its own buffer
 * instead). At the end of the turn, before the turn's held socket writes leave (core/turn-writes.ts), the turn's
 * records go to the file in one synchronous write. A response's last bytes are held in the same turn as its
 * record is added, so **a record is in the file before its response has fully left the proxy**: a crash or
 * `kill -9` loses only exchanges whose clients had not received the whole answer, never one they had, and can
 * leave only the last record torn (FORMAT.md). One write per turn, not per record, costs the proxy a system call
 * per busy turn instead of per exchange.
 *
 * `flush()` writes what is pending at once (the writer calls it before closing). A write that fails is cut off
 * again, so the log always ends with a whole record; every record in it hears the error.
 */
import { crc32 } from 'node:zlib'
import { ftruncateSync, writeSync, writevSync } from 'node:fs'
import { beforeHeldWritesLeave } from '../core/wire/turn-writes.ts'
import { maxHeadBytes, writeHead } from './head-bytes.ts'
import { frameLineBytes, MAX_FRAME_LINE, NL, writeFrameLine } from './record-log.ts'
import type { RecordedExchange } from './recorded-exchange.ts'

/** Hears once whether a record was written (undefined) or not (the error). */
export type Settled = (error: Error | undefined) => void

export interface LogAppenderOptions {
  /** Size of the buffers records are encoded into (a larger record gets a larger one). Default 256 KiB. */
  readonly slabBytes?: number
  /** Bodies at least this long are written from their own buffer, not copied. Default 64 KiB. */
  readonly referenceBytes?: number
}

/** A header JSON longer than this may start a new slab before it is written (most are well under 1 KiB). */
const USUAL_HEAD_BYTES = 2048
/** How far the JSON can move for a frame line longer than guessed: a length has at most 16 digits. */
const MAX_JSON_SHIFT = 16

export class LogAppender {
  /** Records written (the caller gives the count already in the file). */
  count: number
  /** Records whose write failed, and the last failure. */
  failures = 0
  lastError: string | undefined
  private readonly slabBytes: number
  private readonly referenceBytes: number
  private slab: Buffer
  /** The pending write: slab bytes and referenced bodies, in order, and its length. */
  private parts: Buffer[] = []
  private pendingBytes = 0
  /** Who hears about each pending record (undefined for nobody). */
  private settlers: Array<Settled | undefined> = []
  /** Bytes of the slab in use, and where the part not yet handed to `parts` starts. */
  private used = 0
  private sealed = 0
  private flushScheduled = false
  /** The last record's header JSON length: where the next one's JSON is first written (see `add`). */
  private lastJsonBytes = 999
  private readonly flushAtTurnEnd = (): void => {
    this.flushScheduled = false
    this.flush()
  }

  /** `fd` is open for appending; `length` is its size, where a failed write is cut back to. */
  constructor(
    private readonly fd: number,
    private length: number,
    count: number,
    options: LogAppenderOptions = {},
  ) {
    this.count = count
    // Stryker disable next-line ArithmeticOperator: the slab size changes how many buffers a turn's write is made of, never a byte of the log (a record larger than the slab gets its own)
    this.slabBytes = options.slabBytes ?? 256 * 1024
    this.referenceBytes = options.referenceBytes ?? 64 * 1024
    this.slab = Buffer.allocUnsafe(this.slabBytes)
  }

  /** Records encoded and not yet written. */
  get pending(): number {
    return this.settlers.length
  }

  /**
   * Encodes the record and queues it for the write at the end of this turn; `settled` hears how that went. Throws
   * (having queued nothing) for a record that cannot be encoded.
   */
  add(x: RecordedExchange, settled?: Settled): void {
    const req = x.request.body,
      res = x.response.body
    // Checked before anything is written: a record half-encoded would corrupt the log.
    if (!(req instanceof Uint8Array) || !(res instanceof Uint8Array))
      throw new TypeError('a recorded exchange needs both bodies as bytes (Uint8Array)')
    const q = req.byteLength,
      s = res.byteLength
    // Stryker disable next-line ConditionalExpression,EqualityOperator: a body copied into the slab or written from its own buffer puts the same bytes in the log (recorded bodies are never changed once added)
    const copyReq = q < this.referenceBytes,
      // Stryker disable next-line ConditionalExpression,EqualityOperator: a body copied into the slab or written from its own buffer puts the same bytes in the log (recorded bodies are never changed once added)
      copyRes = s < this.referenceBytes
    // After the JSON: its newline, the bodies copied in and the record's newline.
    const tail = 1 + (copyReq ? q : 0) + (copyRes ? s : 0) + 1
    // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator: this early check only spares a failed writeHead; without it, or with any other bound, writeHead finds the slab too full and the record gets a fresh slab all the same (below)
    if (this.slab.byteLength - this.used < MAX_FRAME_LINE + USUAL_HEAD_BYTES + tail)
      // Stryker disable next-line ArithmeticOperator: a fresh slab too small for the record makes writeHead fail, and the record gets one sized by maxHeadBytes (below)
      this.freshSlab(MAX_FRAME_LINE + USUAL_HEAD_BYTES + tail)
    // The frame line comes first and says the JSON's length, known once it is written: the JSON goes where the line
    // would end if it were as long as the last record's, and moves in the rare case its length has other digits.
    let start = this.used
    let jsonAt = start + frameLineBytes(this.lastJsonBytes, q, s)
    let at = writeHead(x, this.slab, jsonAt, this.slab.byteLength - tail - MAX_JSON_SHIFT)
    // Stryker disable next-line EqualityOperator: its `<= 0` mutant is equivalent (writeHead returns -1 or the end of a JSON text, never 0); `>= 0` is caught by log-appender.test.ts and goes with it
    if (at < 0) {
      // Not enough room left in this slab (or a head larger than usual): a new one, with room for the largest it can be.
      this.freshSlab(MAX_FRAME_LINE + maxHeadBytes(x) + tail)
      start = 0
      jsonAt = frameLineBytes(this.lastJsonBytes, q, s)
      at = writeHead(x, this.slab, jsonAt, this.slab.byteLength - tail - MAX_JSON_SHIFT)
      // Stryker disable next-line ConditionalExpression: its `false` mutant is equivalent (maxHeadBytes bounds every head, head-bytes-bound.test.ts); `true` is caught by log-appender.test.ts and goes with it
      if (at < 0) throw new Error('a record header did not fit in its largest possible size') // never: maxHeadBytes bounds it
    }
    const slab = this.slab
    const j = at - jsonAt
    const lineEnd = start + frameLineBytes(j, q, s)
    if (lineEnd !== jsonAt) {
      slab.copyWithin(lineEnd, jsonAt, at)
      jsonAt = lineEnd
      at = lineEnd + j
    }
    this.lastJsonBytes = j
    let crc: number
    if (copyReq && copyRes) {
      // The usual case: the bodies go right after the JSON for one checksum call over all three, then move along a
      // byte for the newline between.
      slab.set(req, at)
      slab.set(res, at + q)
      crc = crc32(slab.subarray(jsonAt, at + q + s))
      // Stryker disable next-line EqualityOperator,ConditionalExpression: its `>= 0` and `true` mutants are equivalent (moving an empty range is nothing); `< 0`, `<= 0` and `false` are caught by log-appender.test.ts and go with them
      if (q + s > 0) slab.copyWithin(at + 1, at, at + q + s)
      slab[at] = NL
      at += 1 + q + s
    } else {
      crc = crc32(slab.subarray(jsonAt, at))
      slab[at++] = NL
      // A large body is referenced as a part of the write, not copied.
      let bodiesAt = at
      if (copyReq) {
        slab.set(req, at)
        at += q
      } else {
        crc = this.crcOfSlab(crc, bodiesAt, at)
        this.reference(at, req)
        crc = crc32(req, crc)
        bodiesAt = at
      }
      // Stryker disable next-line ConditionalExpression: a body copied into the slab or written from its own buffer puts the same bytes (and checksum) in the log
      if (copyRes) {
        slab.set(res, at)
        at += s
      } else {
        crc = this.crcOfSlab(crc, bodiesAt, at)
        this.reference(at, res)
        crc = crc32(res, crc)
        bodiesAt = at
      }
      crc = this.crcOfSlab(crc, bodiesAt, at)
    }
    slab[at++] = NL
    writeFrameLine(slab, start, j, q, s, crc)
    this.used = at
    this.pendingBytes += at - start + (copyReq ? 0 : q) + (copyRes ? 0 : s)
    this.settlers.push(settled)
    if (!this.flushScheduled) {
      this.flushScheduled = true
      beforeHeldWritesLeave(this.flushAtTurnEnd)
    }
  }

  /** Writes the pending records now, with synchronous writes, then tells each one's listener how it went. */
  flush(): void {
    this.seal()
    const parts = this.parts
    const bytes = this.pendingBytes
    const settlers = this.settlers
    this.parts = []
    this.pendingBytes = 0
    this.settlers = []
    this.used = 0
    this.sealed = 0
    if (settlers.length === 0) return
    let error: Error | undefined
    try {
      let done = 0
      while (done < bytes) {
        const rest = done === 0 ? parts : remainingParts(parts, done)
        const n =
          // Stryker disable next-line ConditionalExpression: writing only the first part loops to write the others, the same bytes in more system calls
          rest.length === 1 ? writeSync(this.fd, rest[0]!, 0, rest[0]!.byteLength, null) : writevSync(this.fd, rest)
        // Stryker disable next-line EqualityOperator: a write of one byte or more to a file writes at least one or throws; the check only stops a loop that cannot end
        if (n <= 0) throw new Error('writing to the session log made no progress')
        done += n
      }
      this.length += bytes
      this.count += settlers.length
    } catch (caught) {
      error = caught as Error
      this.failures += settlers.length
      this.lastError = error.message
      try {
        ftruncateSync(this.fd, this.length)
      } catch {
        /* the next open reports a torn tail instead */
      }
    }
    for (const settled of settlers) {
      try {
        settled?.(error)
      } catch {
        /* a listener's failure is its own; the log carries on */
      }
    }
  }

  /** Hands what is in the slab to the pending write and starts a new slab with room for `bytes`. */
  private freshSlab(bytes: number): void {
    this.seal()
    this.slab = Buffer.allocUnsafe(Math.max(this.slabBytes, bytes))
    this.used = 0
    this.sealed = 0
  }

  /** Continues `crc` over the slab bytes [from, to). */
  private crcOfSlab(crc: number, from: number, to: number): number {
    // Stryker disable next-line ConditionalExpression,EqualityOperator: `>=` and `true` are equivalent on the Node versions here (20, 22), whose crc32 of nothing returns the value it continues; the check is for those that return 0 (record-log.ts, checksum); `<` and `false` are caught by log-appender.test.ts and go with them
    return to > from ? crc32(this.slab.subarray(from, to), crc) : crc
  }

  /** Hands the slab's bytes up to `at` to the write, then `body` by reference. */
  private reference(at: number, body: Uint8Array): void {
    this.used = at
    this.seal()
    // Stryker disable next-line EqualityOperator: an empty part adds no byte to the write
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
