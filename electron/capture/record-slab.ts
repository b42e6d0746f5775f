/**
 * Where capture records keep their bulk (packed header text, small bodies): shared byte slabs outside the JS
 * heap. Bytes in a slab cost the garbage collector nothing to keep, where the same data as strings and buffer
 * objects is copied by every young-generation collection it survives. A record holds its slab and an offset; a
 * slab is freed once no record in it is held, and since the store evicts oldest first, slabs go in order.
 *
 * Use: `slabFor(n)` (the slab to write n bytes into, at `slabUsed()`), write, then `slabTaken(n)`.
 */

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
