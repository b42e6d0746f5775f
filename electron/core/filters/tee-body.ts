import { Transform } from 'node:stream'
import { streamBody, type Body } from '../message.ts'
import { observeStream, pipeBody, prematureClose } from '../stream-plumbing.ts'

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

export interface TeeOptions {
  /**
   * `ahead` (the default): a pass-through stream reads the source ahead of its consumer (up to its buffer), so a
   * body nobody reads, such as a request a stand-in answers without forwarding, is still seen and can complete.
   * `as-read`: watches the original stream as its consumer reads it (`observeStream`), adding no stream; the
   * body passed on is the original one. Use it for bodies a consumer is certain to read or destroy (responses,
   * which the server sends or discards): a body nobody reads never settles.
   */
  readonly watch?: 'ahead' | 'as-read'
}

/**
 * Keeps up to `cap` bytes of a body aside as it goes by (STYLE.md §4). A bytes body is captured at once; a
 * stream body's chunks are passed on unchanged (keeping backpressure) and referenced, not copied, up to the cap;
 * the kept bytes are joined only when asked for. Errors and early destruction propagate both ways.
 * Beware: a consumer that mutates a chunk after reading it changes the kept bytes too.
 */
export function teeBody(body: Body, cap: number, options: TeeOptions = {}): TeedBody {
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
  const current = (): CapturedBody => {
    const bytes = kept.length === 1 ? kept[0]! : Buffer.concat(kept, keptBytes)
    return error === undefined ? { bytes, total, state } : { bytes, total, state, error }
  }
  let settle: (c: CapturedBody) => void = () => {}
  const captured = new Promise<CapturedBody>((resolve) => { settle = resolve })
  const keep = (chunk: Buffer | string): void => {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    total += b.byteLength
    if (keptBytes < cap) {
      const part = b.byteLength <= cap - keptBytes ? b : b.subarray(0, cap - keptBytes)
      kept.push(part)
      keptBytes += part.byteLength
    }
  }
  const complete = (): void => {
    if (state !== 'streaming') return
    state = 'complete'
    settle(current())
  }
  const fail = (err: Error | undefined): void => {
    if (state !== 'streaming') return
    state = 'aborted'
    error = err ? err.message : 'stream closed before its end'
    settle(current())
  }
  if (options.watch === 'as-read') {
    observeStream(body.stream, { data: keep, ended: (err) => (err ? fail(err) : complete()) })
    return { body, captured, current }
  }
  const tee = new Transform({
    transform(chunk: Buffer | string, _encoding, callback) {
      keep(chunk)
      callback(null, chunk)
    },
    flush(callback) {
      complete()
      callback()
    },
  })
  tee.on('error', fail)
  tee.once('close', () => fail(prematureClose()))
  pipeBody(body.stream, tee, (err) => tee.destroy(err))
  return { body: streamBody(tee, body.length), captured, current }
}
