/**
 * Appends records to an open log file, for the session writer.
 *
 * `add` encodes a record at once, into a slab shared by consecutive records (frame line, header JSON and bodies
 * copied in; a body of `referenceBytes` or more is written from its own buffer instead), then, by default
 * (`writeThrough`), writes it straight away with one synchronous `write`: a write of a record to the OS's cache
 * takes microseconds, far less than handing it to the threadpool, and when `add` returns the record is in the
 * file. So a crash or `kill -9` loses at most the exchange in flight, never one that had finished, and can leave
 * only that last record torn (FORMAT.md).
 *
 * With `writeThrough: false`, records are batched instead (group commit): the batch goes in one asynchronous
 * write FLUSH_DELAY_MS after its first record, or at the end of the event-loop turn for a record someone waits
 * for (`soon`) or a batch past MAX_BATCH_BYTES; a crash then loses the last few milliseconds' records. One write
 * at a time either way: what is added during an asynchronous write waits for it. A write that fails is cut off
 * again, so the log always ends with a whole record.
 */
import { crc32 } from 'node:zlib'
import { ftruncate, ftruncateSync, write, writeSync, writev, writevSync } from 'node:fs'
import { FRAME_CRC_BYTES, framePrefix, headJson, NL, writeFrameCrc } from './record-log.ts'
import type { RecordedExchange } from './recorded-exchange.ts'

/** Hears once whether a record was written (undefined) or not (the error). */
export type Settled = (error: Error | undefined) => void

/**
 * How long a batch collects records before it is written. Each write costs the main thread tens of µs (handing it
 * to the threadpool wakes a thread, which is dear in a VM): at 10 ms that is under 1 µs per exchange at 5,000/s.
 */
export const FLUSH_DELAY_MS = 10
/** A batch this large is written at the end of the turn, without waiting for the delay. */
export const MAX_BATCH_BYTES = 1024 * 1024

export interface LogAppenderOptions {
  /** Size of the buffers records are encoded into. Default 256 KiB. */
  readonly slabBytes?: number
  /** Bodies at least this long are written from their own buffer, not copied. Default 64 KiB. */
  readonly referenceBytes?: number
  /** Write each record as it is added, synchronously (the default), rather than in batches. */
  readonly writeThrough?: boolean
  /** For batches: default FLUSH_DELAY_MS; 0 writes at the end of each event-loop turn. */
  readonly flushDelayMs?: number
}

export class LogAppender {
  /** Records written (the caller gives the count already in the file). */
  count: number
  /** Records whose write failed, and the last failure. */
  failures = 0
  lastError: string | undefined
  private readonly slabBytes: number
  private readonly referenceBytes: number
  private readonly delayMs: number
  private readonly writeThrough: boolean
  private slab: Buffer
  /** Bytes of the slab in use, and where the part not yet handed to `parts` starts. */
  private used = 0
  private sealed = 0
  /** The next write, in order, and the records in it with whoever wants to hear how it went. */
  private parts: Buffer[] = []
  private records = 0
  private pendingBytes = 0
  private settlers: Settled[] = []
  /** The next write is due: on a timer, at the end of the turn, or (urgent) as soon as the one in progress ends. */
  private timer: NodeJS.Timeout | undefined
  private immediate = false
  private urgent = false
  /** The write in progress: its parts, bytes, records and listeners. */
  private inFlight: { parts: Buffer[]; bytes: number; done: number; records: number; settlers: Settled[] } | undefined
  private idle: Array<() => void> = []
  private readonly flushSoon = (): void => this.flush()
  private readonly onWritten = (error: Error | null, bytes: number): void => this.written(error, bytes)

  /** `fd` is open for appending; `length` is its size, where a failed write is cut back to. */
  constructor(private readonly fd: number, private length: number, count: number, options: LogAppenderOptions = {}) {
    this.count = count
    this.slabBytes = options.slabBytes ?? 256 * 1024
    this.referenceBytes = options.referenceBytes ?? 64 * 1024
    this.delayMs = options.flushDelayMs ?? FLUSH_DELAY_MS
    this.writeThrough = options.writeThrough ?? true
    this.slab = Buffer.allocUnsafe(this.slabBytes)
  }

  /**
   * Encodes the record now and queues it; `soon` writes it at the end of this event-loop turn rather than after
   * the delay (for a caller waiting on it). Beware: a body of `referenceBytes` or more is kept by reference until
   * written, so it must not be changed meanwhile.
   */
  add(x: RecordedExchange, settled?: Settled, soon = false): void {
    const json = headJson(x)
    const j = Buffer.byteLength(json, 'utf8')
    const req = x.request.body, res = x.response.body
    // Checked before anything is written: a record half-encoded into the batch would corrupt the log.
    if (!(req instanceof Uint8Array) || !(res instanceof Uint8Array)) throw new TypeError('a recorded exchange needs both bodies as bytes (Uint8Array)')
    const q = req.byteLength, s = res.byteLength
    const prefix = framePrefix(j, q, s)
    const copyReq = q < this.referenceBytes, copyRes = s < this.referenceBytes
    this.reserve(prefix.length + FRAME_CRC_BYTES + j + 1 + (copyReq ? q : 0) + (copyRes ? s : 0) + 1)
    const slab = this.slab
    const start = this.used
    const jsonAt = start + prefix.length + FRAME_CRC_BYTES
    let at = jsonAt + slab.write(json, jsonAt, 'utf8')
    let crc = j > 0 ? crc32(slab.subarray(jsonAt, at)) : 0
    slab[at++] = NL
    // The bodies: copied next to each other (one checksum call for both), or referenced as parts of the write.
    let bodiesAt = at
    if (copyReq) { slab.set(req, at); at += q }
    else { crc = this.flushCrc(crc, bodiesAt, at); this.reference(at, req); crc = crc32(req, crc); bodiesAt = at }
    if (copyRes) { slab.set(res, at); at += s }
    else { crc = this.flushCrc(crc, bodiesAt, at); this.reference(at, res); crc = crc32(res, crc); bodiesAt = at }
    crc = this.flushCrc(crc, bodiesAt, at)
    slab[at++] = NL
    slab.write(prefix, start, 'latin1')
    writeFrameCrc(slab, start + prefix.length, crc)
    this.pendingBytes += at - start + (copyReq ? 0 : q) + (copyRes ? 0 : s)
    this.used = at
    this.records++
    if (settled) this.settlers.push(settled)
    if (this.writeThrough && !this.inFlight) { this.writeNow(); return }
    if (soon) this.urgent = true
    this.schedule()
  }

  /** Writes everything added so far with synchronous writes (write-through), then tells its settlers. */
  private writeNow(): void {
    this.seal()
    const parts = this.parts
    const bytes = this.pendingBytes
    const records = this.records
    const settlers = this.settlers
    this.parts = []
    this.pendingBytes = 0
    this.records = 0
    this.settlers = []
    // The slab's written bytes are spent; reuse it from the start (nothing refers to it once written).
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
    } catch (caught) {
      error = caught as Error
      try { ftruncateSync(this.fd, this.length) } catch { /* the next open reports a torn tail instead */ }
    }
    this.finish({ parts, bytes, done: bytes, records, settlers }, error)
  }

  /** Writes everything added so far without waiting for the delay; resolves once it is written or has failed. */
  flushAll(): Promise<void> {
    if (this.records > 0) {
      this.urgent = true
      this.schedule()
    }
    if (!this.inFlight && this.records === 0) return Promise.resolve()
    return new Promise((resolve) => this.idle.push(resolve))
  }

  /** Arranges the next write, unless one is in progress (its end arranges the next). */
  private schedule(): void {
    if (this.inFlight) return
    if (this.urgent || this.pendingBytes >= MAX_BATCH_BYTES || this.delayMs <= 0) {
      if (this.immediate) return
      if (this.timer) { clearTimeout(this.timer); this.timer = undefined }
      this.immediate = true
      setImmediate(this.flushSoon)
    } else if (!this.timer && !this.immediate) {
      this.timer = setTimeout(this.flushSoon, this.delayMs)
    }
  }

  /** Continues `crc` over the slab bytes [from, to). */
  private flushCrc(crc: number, from: number, to: number): number {
    return to > from ? crc32(this.slab.subarray(from, to), crc) : crc
  }

  /** Makes `bytes` contiguous room at the end of the slab, starting a new slab if needed. */
  private reserve(bytes: number): void {
    if (this.slabBytes - this.used >= bytes) return
    this.seal()
    this.slab = Buffer.allocUnsafe(Math.max(this.slabBytes, bytes))
    this.used = 0
    this.sealed = 0
  }

  /** Hands the slab's bytes up to `at` to the next write, then `body` by reference. */
  private reference(at: number, body: Uint8Array): void {
    this.used = at
    this.seal()
    if (body.byteLength > 0) this.parts.push(Buffer.from(body.buffer, body.byteOffset, body.byteLength))
  }

  private seal(): void {
    if (this.used > this.sealed) this.parts.push(this.slab.subarray(this.sealed, this.used))
    this.sealed = this.used
  }

  private flush(): void {
    this.immediate = false
    if (this.timer) { clearTimeout(this.timer); this.timer = undefined }
    if (this.inFlight || this.records === 0) return
    this.seal()
    const parts = this.parts
    this.inFlight = { parts, bytes: this.pendingBytes, done: 0, records: this.records, settlers: this.settlers }
    this.parts = []
    this.records = 0
    this.pendingBytes = 0
    this.settlers = []
    this.urgent = false
    this.writeRest()
  }

  /** Writes what is left of the write in progress (all of it, unless an earlier write was short). */
  private writeRest(): void {
    const w = this.inFlight!
    let parts = w.parts
    if (w.done > 0) parts = remainingParts(parts, w.done)
    if (parts.length === 1) write(this.fd, parts[0]!, 0, parts[0]!.byteLength, null, this.onWritten)
    else writev(this.fd, parts, null, this.onWritten)
  }

  private written(error: Error | null, bytes: number): void {
    const w = this.inFlight!
    if (!error && bytes <= 0) error = new Error('writing to the session log made no progress')
    if (error) {
      ftruncate(this.fd, this.length, () => this.finish(w, error))
      return
    }
    w.done += bytes
    if (w.done < w.bytes) { this.writeRest(); return }
    this.length += w.bytes
    this.finish(w, undefined)
  }

  private finish(w: NonNullable<LogAppender['inFlight']>, error: Error | undefined): void {
    this.inFlight = undefined
    if (error) {
      this.failures += w.records
      this.lastError = error.message
    } else {
      this.count += w.records
    }
    for (const settle of w.settlers) {
      try { settle(error) } catch { /* a listener's failure is its own; the log carries on */ }
    }
    // Records added during the write go after the delay (at once if someone is waiting for them).
    if (this.records > 0) { this.schedule(); return }
    const idle = this.idle
    this.idle = []
    for (const resolve of idle) resolve()
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
