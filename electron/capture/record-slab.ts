/**
 * Where capture records keep their bulk (packed header text, small bodies): shared byte slabs outside the JS
 * heap. Bytes in a slab cost the garbage collector nothing to keep, where the same data as strings and buffer
 * objects is copied by every young-generation collection it survives. A record holds its slab and an offset; a
 * slab is freed once no record in it is held, and since the store evicts oldest first, slabs go in order.
 *
 * Use: `slabFor(n)` (the slab to write n bytes into, at `slabUsed()`), write, then `slabTaken(n)`. What goes in:
 * text that is plain ASCII (`slabTextLength`) and bodies up to `SLAB_BODY_MAX`; the rest a record holds itself
 * (`ownedBody`).
 */
import type { StoredBody } from './captured-exchange.ts'
import type { PackedHeaders } from './packed-headers.ts'

/** Each slab's size; a record larger than this gets a slab of its own. */
export const SLAB_BYTES = 256 * 1024

let slab = Buffer.allocUnsafeSlow(SLAB_BYTES)
let used = 0

/** The slab with room for `bytes` more from `slabUsed()`: the current one, or a fresh one. */
export function slabFor(bytes: number): Buffer {
  if (slab.byteLength - used < bytes) {
    slab = Buffer.allocUnsafeSlow(Math.max(SLAB_BYTES, bytes))
    used = 0
  }
  return slab
}

/** Where the next write into the current slab goes. */
export function slabUsed(): number {
  return used
}

/** Marks `bytes` from `slabUsed()` as written. */
export function slabTaken(bytes: number): void {
  used += bytes
}

/** Bodies up to this many bytes are copied into the slab; longer ones are kept as they came (by reference). */
export const SLAB_BODY_MAX = 16 * 1024

/** Text (a target, packed headers) goes into the slab when it is plain ASCII (one byte per character either way), else -1. */
export function slabTextLength(text: PackedHeaders): number {
  if (typeof text !== 'string') return -1
  return Buffer.byteLength(text, 'utf8') === text.length ? text.length : -1
}

/** A body's length in the slab, or -1 when it is kept outside (longer than `SLAB_BODY_MAX`, or no body). */
export function slabBodyLength(body: StoredBody | null): number {
  return body && body.bytes.byteLength <= SLAB_BODY_MAX ? body.bytes.byteLength : -1
}

/**
 * A body kept outside the slab, in memory of its own: a body that is part of a larger buffer (a socket read, or
 * Node's shared pool) is copied once, so keeping it never pins the rest.
 */
export function ownedBody(body: StoredBody | null): StoredBody | null {
  if (!body || ownsItsMemory(body.bytes)) return body
  return { bytes: new Uint8Array(body.bytes), size: body.size, truncated: body.truncated }
}

/** Whether bytes span (nearly) all of their ArrayBuffer: an eighth more, or 64 bytes more, at most. */
function ownsItsMemory(b: Uint8Array): boolean {
  return b.buffer.byteLength - b.byteLength <= Math.max(64, b.byteLength >>> 3)
}

const noBody: StoredBody = Object.freeze({ bytes: new Uint8Array(0), size: 0, truncated: false })

/** A body read back from the slab: `length` bytes kept of `size`. */
export function storedBody(slab: Buffer, from: number, length: number, size: number): StoredBody {
  if (length === 0 && size === 0) return noBody
  return { bytes: slab.subarray(from, from + length), size, truncated: length < size }
}
