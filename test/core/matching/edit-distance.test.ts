/** "Did you mean": the edit distance between two strings, checked against its definition. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { editDistance } from '../../../electron/core/matching/edit-distance.ts'

/** Levenshtein distance straight from its recursive definition, memoised: slow, and obviously right. */
function reference(a: string, b: string): number {
  const memo = new Map<string, number>()
  const d = (i: number, j: number): number => {
    if (i === 0) return j
    if (j === 0) return i
    const key = `${i},${j}`
    const known = memo.get(key)
    if (known !== undefined) return known
    const value = Math.min(d(i - 1, j) + 1, d(i, j - 1) + 1, d(i - 1, j - 1) + (a[i - 1] === b[j - 1] ? 0 : 1))
    memo.set(key, value)
    return value
  }
  return d(a.length, b.length)
}

const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', '/'), maxLength: 12 })

test('the distance is the fewest insertions, deletions and substitutions that turn one string into the other', () => {
  assert.equal(editDistance('kitten', 'sitting'), 3)
  assert.equal(editDistance('--prot', '--port'), 2)
  assert.equal(editDistance('', 'abc'), 3)
  assert.equal(editDistance('abc', ''), 3)
  fc.assert(fc.property(word, word, (a, b) => editDistance(a, b) === reference(a, b)))
})

test('past the cap, strings are compared on their first cap characters plus the difference in length', () => {
  const long = 'a'.repeat(300)
  assert.equal(editDistance(`${long}x`, long, 256), 1)
  assert.equal(editDistance(`${long}xyz`, `${long}q`, 256), 2)
  assert.equal(editDistance('abc', `abc${'d'.repeat(300)}`, 256), 300)
  assert.equal(editDistance(`b${long}`, `c${long}`, 256), 1, 'a difference inside the cap counts')
  fc.assert(
    fc.property(word, word, fc.integer({ min: 1, max: 6 }), (a, b, cap) => {
      const capped = editDistance(a, b, cap)
      const extra = Math.abs(Math.max(a.length, cap) - Math.max(b.length, cap))
      return capped === reference(a.slice(0, cap), b.slice(0, cap)) + extra
    }),
  )
})
