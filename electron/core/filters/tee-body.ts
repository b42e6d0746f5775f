import { pipeline, Transform } from 'node:stream'
import { streamBody, type Body } from '../message.ts'

/** What a tee saw of a body: the first `cap` bytes, how many bytes went by in all, and how it ended. */
export interface CapturedBody {
  readonly bytes: Buffer
  readonly total: number
  /** `complete`: every byte went by. `streaming`: not finished yet. `aborted`: the stream failed or was destroyed. */
  readonly state: 'complete' | 'streaming' | 'aborted'
  readonly error?: string
}

export interface TeedBody {
  /** The body to pass on: the same bytes, or a stream that yields every byte of the original, unbuffered. */
  readonly body: Body
  /** Settles (never rejects) once the body has gone by or failed. */
  readonly captured: Promise<CapturedBody>
  /** What has gone by so far, for when the caller cannot wait. */
  current(): CapturedBody
}

/**
 * Copies up to `cap` bytes of a body aside as it goes by (STYLE.md §4). A bytes body is captured at once; a
 * stream body is wrapped in a Transform that passes every chunk on unchanged (keeping backpressure) and only
 * counts what is past the cap. Errors and early destruction propagate both ways through `stream.pipeline`.
 */
export function teeBody(body: Body, cap: number): TeedBody {
  if (body.kind === 'bytes') {
    const all = Buffer.from(body.bytes.buffer, body.bytes.byteOffset, body.bytes.byteLength)
    const captured: CapturedBody = { bytes: all.subarray(0, cap), total: all.byteLength, state: 'complete' }
    return { body, captured: Promise.resolve(captured), current: () => captured }
  }
  const kept: Buffer[] = []
  let keptBytes = 0
  let total = 0
  let state: CapturedBody['state'] = 'streaming'
  let error: string | undefined
  const current = (): CapturedBody => ({
    bytes: Buffer.concat(kept, keptBytes), total, state, ...(error === undefined ? {} : { error }),
  })
  let settle: (c: CapturedBody) => void = () => {}
  const captured = new Promise<CapturedBody>((resolve) => { settle = resolve })
  const tee = new Transform({
    transform(chunk: Buffer | string, _encoding, callback) {
      const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
      total += b.byteLength
      if (keptBytes < cap) {
        const part = Buffer.from(b.subarray(0, cap - keptBytes))
        kept.push(part)
        keptBytes += part.byteLength
      }
      callback(null, b)
    },
    flush(callback) {
      state = 'complete'
      settle(current())
      callback()
    },
  })
  pipeline(body.stream, tee, (err) => {
    if (state === 'complete') return
    state = 'aborted'
    error = err ? err.message : 'stream closed before its end'
    settle(current())
  })
  return { body: streamBody(tee, body.length), captured, current }
}
