/**
 * Decodes a record log as its bytes arrive (an S3 object's body, segment after segment), yielding each record
 * as soon as its last byte is in: the same rules as `decodeLog` (record-log.ts), without holding the log.
 *
 * Beware: a torn tail is only known at the end, so `torn` is set once the iteration has finished; damage
 * before the end throws `SessionError` naming the file and the record's offset, after the records before it
 * were yielded.
 */
import { decodeRecord, MAX_FRAME_LINE, NL, parseFrame, SessionError, type TornTail } from './record-log.ts'
import type { RecordedExchange } from './recorded-exchange.ts'

export interface LogStream extends AsyncIterable<RecordedExchange> {
  /** Set when the iteration ended inside a record (a crash mid-write); that record was skipped. */
  readonly torn: TornTail | undefined
}

/** Decodes the concatenation of `chunks` as one record log named `file`. Iterate it once. */
export function decodeLogStream(chunks: AsyncIterable<Uint8Array>, file: string): LogStream {
  let torn: TornTail | undefined
  async function* records(): AsyncGenerator<RecordedExchange> {
    let pending: Buffer = Buffer.alloc(0)
    let offset = 0 // of `pending`'s first byte in the log
    // Chunks of a record still incomplete are joined once it is whole, not on each arrival (a large body in
    // 64 KiB chunks would otherwise be copied over and over).
    let waiting: Buffer[] = []
    let waitingBytes = 0
    let need = 0
    for await (const chunk of chunks) {
      waiting.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength))
      waitingBytes += chunk.byteLength
      if (pending.byteLength + waitingBytes < need) continue
      pending = Buffer.concat([pending, ...waiting])
      waiting = []
      waitingBytes = 0
      need = 0
      let used = 0
      for (;;) {
        const rest = pending.subarray(used)
        if (rest.byteLength === 0) break
        const frame = parseFrame(rest)
        // Stryker disable next-line ConditionalExpression: its `false` mutant is equivalent (a short frame has no newline and is shorter than a frame line, so the check below breaks the same); `true` is caught by log-stream.test.ts and goes with it
        if (frame === 'short') break
        if (typeof frame === 'string') {
          // A frame line not yet whole is judged once it is (or the log ends), as a reader of the whole log would.
          if (rest.byteLength < MAX_FRAME_LINE && !rest.includes(NL)) break
          throw new SessionError(file, offset + used, frame)
        }
        if (frame.recordLength > rest.byteLength) {
          need = frame.recordLength // from the record's start, which is `pending`'s once cut below
          break
        }
        const decoded = decodeRecord(rest.subarray(0, frame.recordLength), frame)
        if ('problem' in decoded) {
          // A torn record is only a torn tail if nothing follows it; more bytes after it mean damage.
          if (decoded.torn && frame.recordLength === rest.byteLength) break
          throw new SessionError(file, offset + used, decoded.problem)
        }
        used += frame.recordLength
        yield decoded
      }
      // Stryker disable next-line EqualityOperator,ConditionalExpression: cutting nothing off (`used` 0) leaves `pending` and `offset` as they are, so `>= 0` and `true` are equivalent; `< 0`, `<= 0` and `false` are caught by log-stream.test.ts and go with them
      if (used > 0) {
        pending = pending.subarray(used)
        offset += used
      }
    }
    if (waiting.length > 0) pending = Buffer.concat([pending, ...waiting])
    if (pending.byteLength === 0) return
    const frame = parseFrame(pending)
    if (typeof frame === 'string' && frame !== 'short') throw new SessionError(file, offset, frame)
    const reason =
      frame === 'short'
        ? 'the frame line is incomplete'
        : frame.recordLength > pending.byteLength
          ? `the record needs ${frame.recordLength} bytes but the file ends after ${pending.byteLength}`
          : problemOf(pending, frame)
    torn = { file, offset, bytes: pending.byteLength, reason }
  }
  const iterable = records()
  return {
    [Symbol.asyncIterator]: () => iterable,
    get torn() {
      return torn
    },
  }
}

function problemOf(bytes: Buffer, frame: Exclude<ReturnType<typeof parseFrame>, string>): string {
  const decoded = decodeRecord(bytes.subarray(0, frame.recordLength), frame)
  return 'problem' in decoded ? decoded.problem : 'the record is followed by stray bytes'
}
