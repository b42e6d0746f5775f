/**
 * Cheap plumbing for body streams on the hot path, which streams bodies rather than buffer them.
 *
 * `stream.pipeline()` costs an AbortController, an abort (a DOMException with a stack) and end-of-stream
 * listeners per call, and every pass-through Transform adds a stream, its buffers and its ticks. A proxy moves a
 * body per exchange, so these two do it by hand: `pipeBody` pipes with explicit failure handling both ways,
 * and `observeStream` watches a stream go by without putting another stream in its way.
 */
import type { Readable, Writable } from 'node:stream'

/** What `observeStream` reports. */
export interface StreamObserver {
  /** Each chunk, as the stream hands it to its consumer, in order. */
  data(chunk: Buffer | string): void
  /** Once: undefined after 'end'; the error on 'error'; a premature-close error on 'close' before 'end'. */
  ended(error: Error | undefined): void
}

/**
 * Watches what a stream hands its consumer (every 'data' chunk, whether read by `pipe`, a 'data' listener or an
 * async iterator) and how it ends, by wrapping the stream's own `emit`: no listener, no extra stream, so the
 * consumer keeps the very same stream and its backpressure. Several observers can watch one stream.
 *
 * Beware: it sees only what is read from now on, and only what the consumer reads: a stream nobody reads never
 * reports. Use it where a consumer is certain (a response body, which the server sends or destroys); where the
 * body may go unread, a pass-through stream that reads ahead is the right tool (`teeBody`'s default).
 */
export function observeStream(stream: Readable, observer: StreamObserver): void {
  const watch = new Watch(observer)
  if (stream.readableEnded) {
    process.nextTick(() => watch.end(undefined))
    return
  }
  if (stream.destroyed) {
    process.nextTick(() => watch.end(stream.errored ?? prematureClose()))
    return
  }
  const emit = stream.emit
  // Anonymous on purpose: a named per-stream closure costs a defineProperty under `tsx` (keepNames).
  stream.emit = function (this: Readable, event: string | symbol, arg?: unknown): boolean {
    if (!watch.done) watch.saw(event, arg)
    // biome-ignore lint/complexity/noArguments: passing `arguments` on avoids a rest array per event on the hot path
    return emit.apply(this, arguments as unknown as [string | symbol, ...unknown[]])
  }
}

/** One observed stream's state (a class, so the hot path creates no named closures). */
class Watch {
  done = false
  constructor(private readonly observer: StreamObserver) {}

  saw(event: string | symbol, arg: unknown): void {
    if (event === 'data') this.observer.data(arg as Buffer | string)
    else if (event === 'end') this.end(undefined)
    else if (event === 'error') this.end(arg as Error)
    else if (event === 'close' && !this.done) this.end(prematureClose())
  }

  end(error: Error | undefined): void {
    if (this.done) return
    this.done = true
    this.observer.ended(error)
  }
}

/**
 * Pipes `source` into `destination` (backpressure by `pipe`) and handles what `pipe` leaves alone: when the
 * source fails or closes before its end, `failed` hears why (it should destroy the destination); when the
 * destination closes or fails before the source has ended, the source is destroyed so its producer is freed.
 */
export function pipeBody(source: Readable, destination: Writable, failed: (error: Error) => void): void {
  const pipe = new BodyPipe(source, failed)
  source.on('error', (error) => pipe.fail(error))
  source.once('close', () => {
    if (!source.readableEnded) pipe.fail(source.errored ?? prematureClose())
  })
  destination.once('close', () => pipe.stopSource())
  destination.on('error', () => pipe.stopSource())
  source.pipe(destination)
}

class BodyPipe {
  private over = false
  constructor(
    private readonly source: Readable,
    private readonly failed: (error: Error) => void,
  ) {}

  fail(error: Error): void {
    if (this.over) return
    this.over = true
    this.failed(error)
  }

  stopSource(): void {
    if (!this.source.readableEnded && !this.source.destroyed) this.source.destroy()
  }
}

/** The error Node's stream utilities give a stream that closed before it ended. */
export function prematureClose(): Error {
  return Object.assign(new Error('Premature close'), { code: PREMATURE_CLOSE })
}

export const PREMATURE_CLOSE = 'ERR_STREAM_PREMATURE_CLOSE'

/**
 * Keeps the first `cap` bytes of the chunks it is given and counts them all: per chunk one addition and, until
 * the cap is reached, one push of a reference (no copy); `joined()` makes the one buffer when asked. Beware: a
 * consumer that mutates a chunk after reading it changes what was kept.
 */
export class ChunkKeeper {
  /** Bytes given so far: the real length once the stream has ended. */
  seen = 0
  protected readonly kept: Buffer[] = []
  protected keptBytes = 0

  constructor(protected readonly cap: number) {}

  keep(chunk: Buffer | string): void {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    this.seen += b.byteLength
    const room = this.cap - this.keptBytes
    if (room > 0) {
      const part = b.byteLength <= room ? b : b.subarray(0, room)
      this.kept.push(part)
      this.keptBytes += part.byteLength
    }
  }

  /** The kept bytes as one buffer: the chunk itself when there is one, else a copy. */
  joined(): Buffer {
    return this.kept.length === 1 ? this.kept[0]! : Buffer.concat(this.kept, this.keptBytes)
  }
}
