/**
 * Keeping a body aside as it streams past, never buffering it whole (bodies may be large or endless): the bytes that
 * go on are the same chunk objects, in the same order, with the stream's own backpressure; up to `cap` bytes are
 * kept, and the real length counted.
 */
import { Transform, type TransformCallback } from 'node:stream'
import type { StoredBody } from './captured-exchange.ts'
import { ChunkKeeper } from '../core/wire/stream-plumbing.ts'

/**
 * A `ChunkKeeper` that can hand over what it kept as a stored body. Beware: the bytes handed over may share memory
 * with a larger chunk (a socket read holding the head too): whoever keeps them for long copies them first, as
 * `ExchangeRecord` does (into its slab, or into memory of their own).
 */
export class BodyKeeper extends ChunkKeeper {
  /** What was kept. `size` is the declared length when the stream has not been read to the end, else what was seen. */
  stored(declaredLength: number | undefined, complete: boolean): StoredBody {
    const bytes = this.joined()
    const seen = this.seen
    if (complete || seen === declaredLength) return { bytes, size: seen, truncated: bytes.byteLength < seen }
    const size = Math.max(seen, declaredLength ?? 0)
    return {
      bytes,
      size,
      truncated: bytes.byteLength < size,
      missing: declaredLength === undefined ? null : size - seen,
    }
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

/** An empty body, stored: one shared object, since most requests have no body. */
const noBytes: StoredBody = Object.freeze({ bytes: new Uint8Array(0), size: 0, truncated: false })

/** Keeps a bytes body by reference when it fits the cap, else a copy of its first `cap` bytes. */
export function storeBytes(bytes: Uint8Array, cap: number): StoredBody {
  const size = bytes.byteLength
  if (size === 0) return noBytes
  if (size <= cap) return { bytes, size, truncated: false }
  return { bytes: new Uint8Array(bytes.subarray(0, Math.max(0, cap))), size, truncated: true }
}
