import { Transform } from 'node:stream'
import { emptyBody, streamBody, type Body } from '../message.ts'
import { ChunkKeeper, observeStream, pipeBody, prematureClose } from '../wire/stream-plumbing.ts'

/** What a tee saw of a body: the first `cap` bytes, how many bytes went by in all, and how it ended. */
export interface CapturedBody {
  readonly bytes: Buffer
  readonly total: number
  /** `complete`: every byte went by. `streaming`: not finished yet. `aborted`: the stream failed or was destroyed. */
  readonly state: 'complete' | 'streaming' | 'aborted'
  readonly error?: string
}

export interface TeedBody {
  /** The body to pass on: the same bytes, the same stream (`as-read`), or a stream that yields every byte of the original, unbuffered. */
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
 * Keeps up to `cap` bytes of a body aside as it goes by, without holding up or buffering the rest. A bytes body is
 * captured at once; a stream body's chunks are passed on unchanged (keeping backpressure) and referenced, not copied,
 * up to the cap; the kept bytes are joined only when asked for. Errors and early destruction propagate both ways.
 * Beware: a consumer that mutates a chunk after reading it changes the kept bytes too.
 */
export function teeBody(body: Body, cap: number, options: TeeOptions = {}): TeedBody {
  if (body === emptyBody) return emptyTee
  if (body.kind === 'bytes') {
    const all = Buffer.from(body.bytes.buffer, body.bytes.byteOffset, body.bytes.byteLength)
    return new BytesTee(body, { bytes: all.subarray(0, cap), total: all.byteLength, state: 'complete' })
  }
  const tee = new StreamTee(cap)
  if (options.watch === 'as-read') {
    observeStream(body.stream, tee)
    tee.body = body
    return tee
  }
  const through = new Transform({
    transform(chunk: Buffer | string, _encoding, callback) {
      tee.data(chunk)
      callback(null, chunk)
    },
    flush(callback) {
      tee.ended(undefined)
      callback()
    },
  })
  through.on('error', (error) => tee.ended(error))
  through.once('close', () => {
    if (tee.streaming) tee.ended(prematureClose())
  })
  pipeBody(body.stream, through, (error) => through.destroy(error))
  tee.body = streamBody(through, body.length)
  return tee
}

/** A bytes body's tee: captured at once. The promise is made only if asked for. */
class BytesTee implements TeedBody {
  private promise: Promise<CapturedBody> | undefined
  constructor(
    readonly body: Body,
    private readonly all: CapturedBody,
  ) {}

  get captured(): Promise<CapturedBody> {
    return (this.promise ??= Promise.resolve(this.all))
  }

  current(): CapturedBody {
    return this.all
  }
}

/** The tee of `emptyBody` (every GET, as the server gives it): one, shared. */
const emptyTee: TeedBody = new BytesTee(
  emptyBody,
  Object.freeze({ bytes: Buffer.alloc(0), total: 0, state: 'complete' }),
)

/**
 * Keeps chunks by reference up to the cap (classes, not closures: nothing named is made per body). The
 * `captured` promise is made only if asked for.
 */
class StreamTee implements TeedBody {
  body: Body = emptyBody
  private promise: Promise<CapturedBody> | undefined
  private settle: (c: CapturedBody) => void = noop
  private settledAs: CapturedBody | undefined
  private readonly keeper: ChunkKeeper
  private state: CapturedBody['state'] = 'streaming'
  private error: string | undefined

  constructor(cap: number) {
    this.keeper = new ChunkKeeper(cap)
  }

  get captured(): Promise<CapturedBody> {
    if (!this.promise) {
      this.promise = this.settledAs
        ? Promise.resolve(this.settledAs)
        : new Promise<CapturedBody>((resolve) => {
            this.settle = resolve
          })
    }
    return this.promise
  }

  current(): CapturedBody {
    const bytes = this.keeper.joined()
    const total = this.keeper.seen
    const { state, error } = this
    return error === undefined ? { bytes, total, state } : { bytes, total, state, error }
  }

  /** Each chunk as it goes by. */
  data(chunk: Buffer | string): void {
    this.keeper.keep(chunk)
  }

  get streaming(): boolean {
    return this.state === 'streaming'
  }

  /** The body ended (no error) or failed; only the first call counts. */
  ended(error: Error | undefined): void {
    if (this.state !== 'streaming') return
    if (error) {
      this.state = 'aborted'
      this.error = error.message
    } else {
      this.state = 'complete'
    }
    this.settledAs = this.current()
    this.settle(this.settledAs)
  }
}

function noop(): void {}
