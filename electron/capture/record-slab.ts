/**
 * Where capture records keep their bulk: shared byte slabs outside the JS heap. Bytes in a slab cost the garbage
 * collector nothing to keep, where the same data as strings and buffer objects is copied by every young-generation
 * collection it survives. A record holds its slab and an offset; a slab is freed once no record in it is held.
 *
 * Two kinds, so that dropping bodies frees memory: `headSlabs` hold each record's numbers, target and packed header
 * text, and go when their records are evicted (oldest first, so in order); `bodySlabs` hold bodies, and are given
 * back when the store drops those bodies to keep within its byte bound (also oldest first), while the rows stay.
 *
 * Use: `headSlabs.slabFor(n)` (the slab to write n bytes into, at `headSlabs.used`), write, then `headSlabs.taken(n)`;
 * `bodySlabs.keep(request, response)`, and `bodySlabs.release(slab)` once a record's bodies are dropped.
 */

import type { PackedHeaders } from './packed-headers.ts'

/** Each slab's size; a record larger than this gets a slab of its own. */
export const SLAB_BYTES = 256 * 1024

/** Bodies up to this many bytes (both together) are copied into a shared body slab; longer ones get memory of their own. */
export const SLAB_BODY_MAX = SLAB_BYTES

/** Text (a target, packed headers) goes into the slab when it is plain ASCII (one byte per character either way), else -1. */
export function slabTextLength(text: PackedHeaders): number {
  if (typeof text !== 'string') return -1
  return Buffer.byteLength(text, 'utf8') === text.length ? text.length : -1
}

export class Slabs {
  private slab: Buffer | undefined
  private at = 0

  /** The slab with room for `bytes` more from `used`: the current one, or a fresh one. */
  slabFor(bytes: number): Buffer {
    if (this.slab === undefined || this.slab.byteLength - this.at < bytes) {
      this.slab = Buffer.allocUnsafeSlow(Math.max(SLAB_BYTES, bytes))
      this.at = 0
    }
    return this.slab
  }

  /** Where the next write into the current slab goes. */
  get used(): number {
    return this.at
  }

  /** Marks `bytes` from `used` as written. */
  taken(bytes: number): void {
    this.at += bytes
  }
}

export const headSlabs = new Slabs()

/**
 * A block of body bytes and how many records' bodies in it are still held. A slab whose bodies were all dropped
 * is reused for the next bodies, not left to the garbage collector: dropped bodies are old by then, and V8 frees
 * old buffers only at a full collection, which external memory alone triggers only after some 64 MB more, so
 * without reuse RSS carried that much dead body memory on top of the bound.
 */
export class BodySlab {
  /** Records holding bodies in this slab (counted by `keep`, uncounted by `release`). */
  live = 0
  constructor(
    readonly bytes: Buffer,
    /** Whether it may be reused (a shared slab), or is one body's own memory. */
    readonly shared: boolean,
  ) {}
}

/** Fully dropped slabs kept for reuse, at most (2 MiB); more go to the garbage collector. */
const SPARE_SLABS = 8

export class BodySlabs {
  private current: BodySlab | undefined
  private at = 0
  private readonly spare: BodySlab[] = []

  /**
   * Keeps a record's bodies, request then response, and says where: up to `SLAB_BYTES` together they are copied into
   * a shared slab; larger, one body that has its memory to itself is kept as it is (no copy), else both are copied
   * into memory of their own (never pinning a larger buffer they are part of: a socket read, Node's shared pool).
   * Undefined when there are no bytes.
   */
  keep(request: BodyBytes, response: BodyBytes | undefined): { slab: BodySlab; at: number } | undefined {
    const q = lengthOf(request)
    const r = response === undefined ? 0 : lengthOf(response)
    const total = q + r
    if (total === 0) return undefined
    if (total > SLAB_BYTES) {
      const only = q === 0 ? response! : r === 0 ? request : undefined
      if (only instanceof Uint8Array && ownsItsMemory(only))
        return { slab: new BodySlab(Buffer.from(only.buffer, only.byteOffset, only.byteLength), false), at: 0 }
      const own = Buffer.allocUnsafeSlow(total)
      copyInto(own, 0, request)
      if (r > 0) copyInto(own, q, response!)
      return { slab: new BodySlab(own, false), at: 0 }
    }
    let slab = this.current
    if (slab === undefined || slab.bytes.byteLength - this.at < total) {
      const previous = slab
      slab = this.spare.pop() ?? new BodySlab(Buffer.allocUnsafeSlow(SLAB_BYTES), true)
      this.current = slab
      this.at = 0
      if (previous && previous.live === 0) this.giveBack(previous)
    }
    const at = this.at
    copyInto(slab.bytes, at, request)
    if (r > 0) copyInto(slab.bytes, at + q, response!)
    this.at += total
    slab.live++
    return { slab, at }
  }

  /** A record no longer holds its bodies in `slab`: once none does, the slab is reused. */
  release(slab: BodySlab): void {
    if (--slab.live === 0 && slab !== this.current) this.giveBack(slab)
  }

  private giveBack(slab: BodySlab): void {
    if (slab.shared && this.spare.length < SPARE_SLABS) this.spare.push(slab)
  }
}

/** A body's bytes: one block, or the chunks it arrived in (copied once, straight into place). */
export type BodyBytes = Uint8Array | readonly Uint8Array[]

function lengthOf(bytes: BodyBytes): number {
  if (bytes instanceof Uint8Array) return bytes.byteLength
  let n = 0
  for (const b of bytes) n += b.byteLength
  return n
}

function copyInto(target: Buffer, at: number, bytes: BodyBytes): void {
  if (bytes instanceof Uint8Array) {
    if (bytes.byteLength > 0) target.set(bytes, at)
    return
  }
  let to = at
  for (const b of bytes) {
    target.set(b, to)
    to += b.byteLength
  }
}

/** Whether bytes span (nearly) all of their ArrayBuffer: an eighth more, or 64 bytes more, at most. */
function ownsItsMemory(b: Uint8Array): boolean {
  return b.buffer.byteLength - b.byteLength <= Math.max(64, b.byteLength >>> 3)
}

export const bodySlabs = new BodySlabs()
