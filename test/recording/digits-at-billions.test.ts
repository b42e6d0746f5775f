// Record headers write integers nine digits at a time: the digits either side of every billion, up to 2^53, are
// the ones String() gives (where a split into billions and the rest could be off by one).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { writeDigits } from '../../electron/recording/head-bytes.ts'

test('an integer next to a multiple of a billion is written with the digits String() gives, up to 2^53', () => {
  const out = Buffer.alloc(32)
  const last = Math.floor((2 ** 53 - 1) / 1e9)
  for (let n = 1; n <= last; n += n < 10_000 ? 1 : 997) {
    for (const v of [n * 1e9 - 1, n * 1e9, n * 1e9 + 1]) {
      const end = writeDigits(out, 0, v)
      assert.equal(out.toString('latin1', 0, end), String(v))
    }
  }
  for (const v of [last * 1e9, 2 ** 53 - 1, 2 ** 53 - 2])
    assert.equal(out.toString('latin1', 0, writeDigits(out, 0, v)), String(v))
})
