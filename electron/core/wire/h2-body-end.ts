/**
 * A response body piped into an h2 stream so that its end rides on its last DATA frame (END_STREAM), as the upstream
 * sent it, rather than on an empty DATA frame after it.
 *
 * Why not `pipe`: node:http2 ends a stream on the frame of its last write only when `end()` is called before the
 * tick after that write (it then shuts the stream's writable side with that frame). With `pipe`, the body's `'end'`
 * is emitted in a later callback than its last `'data'`, even when both came in one DATA frame from the upstream
 * (node:http2 reports the data and the end of a stream separately, ticks and microtasks run between), so the end
 * went out alone. Here the latest chunk is held until the event loop's check phase (`setImmediate`), after every
 * byte read in this turn's poll: when the body's end came with it, the `'end'` handler writes the held chunk and the
 * end together; otherwise it goes out then, a fraction of a loop turn late. A chunk arriving while one is held sends
 * that one at once, so a large body is never held back more than one chunk. Backpressure, errors and resets are as
 * `pipeBody`'s (`h2-wire.ts`): a body that fails resets the stream, never ends it.
 */
import type { Http2Stream } from 'node:http2'
import type { Readable } from 'node:stream'
import { resetUnfinished } from './h2-wire.ts'

export function pipeBodyEndingWithLastData(body: Readable, stream: Http2Stream): void {
  let held: Buffer | string | undefined
  let scheduled = false
  const write = (chunk: Buffer | string): void => {
    if (!stream.write(chunk)) {
      body.pause()
      stream.once('drain', () => body.resume())
    }
  }
  const flush = (): void => {
    const chunk = held
    held = undefined
    if (chunk !== undefined && !stream.destroyed) write(chunk)
  }
  const onBodyError = (): void => {
    held = undefined
    resetUnfinished(stream)
  }
  if (body.readableEnded) {
    stream.end()
    return
  }
  if (body.destroyed) {
    onBodyError()
    return
  }
  const later = (): void => {
    scheduled = false
    flush()
  }
  body.on('data', (chunk: Buffer | string) => {
    if (held !== undefined) flush()
    held = chunk
    if (!scheduled) {
      scheduled = true
      setImmediate(later)
    }
  })
  body.once('end', () => {
    flush()
    if (!stream.destroyed) stream.end()
  })
  body.once('error', onBodyError)
  body.once('close', () => {
    if (!body.readableEnded) onBodyError()
  })
  stream.once('close', () => {
    if (!body.readableEnded) body.destroy()
  })
}
