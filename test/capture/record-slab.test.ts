import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BodySlabs, SLAB_BYTES } from '../../electron/capture/record-slab.ts'

test('a body slab whose bodies were all released is reused for the next bodies, so dropped bodies cost no new memory', () => {
  const slabs = new BodySlabs()
  const body = new Uint8Array(SLAB_BYTES / 4).fill(1)
  const first = [1, 2, 3, 4].map(() => slabs.keep(body, undefined)!)
  assert.ok(
    first.every((k) => k.slab === first[0]!.slab),
    'four quarter-slab bodies share one slab',
  )
  const second = slabs.keep(body, undefined)!
  assert.notEqual(second.slab, first[0]!.slab, 'the fifth starts a new slab')
  for (const k of first) slabs.release(k.slab)
  for (let i = 0; i < 3; i++) slabs.keep(body, undefined)
  const next = slabs.keep(body, undefined)!
  assert.equal(next.slab, first[0]!.slab, 'the released slab comes back')
  assert.equal(next.at, 0)
})

test('a slab still holding one body is not reused', () => {
  const slabs = new BodySlabs()
  const body = new Uint8Array(SLAB_BYTES / 2).fill(2)
  const a = slabs.keep(body, undefined)!
  slabs.keep(body, undefined)
  slabs.release(a.slab)
  slabs.keep(body, undefined) // a new slab: the first still holds one body
  const after = slabs.keep(body, undefined)!
  assert.notEqual(after.slab, a.slab)
  assert.deepEqual(Buffer.from(a.slab.bytes.subarray(SLAB_BYTES / 2)), Buffer.from(body), 'its held body is intact')
})

test('a body larger than a slab that has its memory to itself is kept as it is, a part of a larger buffer copied', () => {
  const slabs = new BodySlabs()
  const own = new Uint8Array(SLAB_BYTES + 10).fill(3)
  assert.equal(slabs.keep(own, undefined)!.slab.bytes.buffer, own.buffer)
  const big = Buffer.alloc(SLAB_BYTES * 4, 4)
  const part = big.subarray(1, SLAB_BYTES * 2)
  const kept = slabs.keep(new Uint8Array(0), part)!
  assert.notEqual(kept.slab.bytes.buffer, big.buffer)
  assert.equal(kept.slab.bytes.byteLength, part.byteLength)
})
