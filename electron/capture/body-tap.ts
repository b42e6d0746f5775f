/**
 * Keeping a body aside as it streams past (STYLE.md §4): the bytes that go on are the same chunk objects, in
 * the same order, with the stream's own backpressure; up to `cap` bytes are kept, and the real length counted.
 */
import { Transform, type TransformCallback } from 'node:stream'
import type { StoredBody } from './captured-exchange.ts'

/**
 * Keeps the first `cap` bytes of the chunks it is given and counts them all. Per chunk it does one addition
 * and, until the cap is reached, one array push (the chunk is referenced, not copied); the copy happens once,
 * in `stored()`. Beware: a consumer that mutates a chunk after reading it would change the kept copy before
 * `stored()`.
 */
export class BodyKeeper {
  /** Bytes given so far: the real length once the stream has ended. */
  seen = 0
  private readonly kept: Buffer[] = []
  private keptBytes = 0

  constructor(private readonly cap: number) {}

  keep(chunk: Buffer | string): void {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    this.seen += b.length
    const room = this.cap - this.keptBytes
    if (room > 0) {
      const part = b.length <= room ? b : b.subarray(0, room)
      this.kept.push(part)
      this.keptBytes += part.length
    }
  }

  /**
   * What was kept, copied into one compact buffer (so a small cap never pins a large chunk's memory).
   * `size` is the declared length when the stream has not been read to the end, else what was seen.
   */
  stored(declaredLength: number | undefined, complete: boolean): StoredBody {
    const bytes = Buffer.concat(this.kept, this.keptBytes)
    const size = complete ? this.seen : Math.max(this.seen, declaredLength ?? 0)
    return { bytes, size, truncated: bytes.byteLength < size }
  }
}

/**
 * A pass-through stream that keeps what passes through a `BodyKeeper`. It reads its source ahead of its own
 * consumer (up to its buffers), so a request body nobody forwards is still seen; response bodies, which the
 * server always reads or destroys, are watched without a stream (`observeStream`).
 */
export class BodyTap extends Transform {
  readonly keeper: BodyKeeper

  constructor(cap: number) {
    super()
    this.keeper = new BodyKeeper(cap)
  }

  /** Bytes that have passed through so far: the real length once the stream has ended. */
  get seen(): number {
    return this.keeper.seen
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.keeper.keep(chunk)
    callback(null, chunk)
  }

  stored(declaredLength: number | undefined, complete: boolean): StoredBody {
    return this.keeper.stored(declaredLength, complete)
  }
}

/** Keeps a bytes body by reference when it fits the cap, else a copy of its first `cap` bytes. */
export function storeBytes(bytes: Uint8Array, cap: number): StoredBody {
  const size = bytes.byteLength
  if (size <= cap) return { bytes, size, truncated: false }
  return { bytes: new Uint8Array(bytes.subarray(0, Math.max(0, cap))), size, truncated: true }
}
