import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { sameName } from '../../../electron/core/message/headers.ts'

test('a header name matches its lower-cased form whatever its case, and no other name of its length', () => {
  assert.equal(sameName('Content-Length', 'content-length'), true)
  assert.equal(sameName('CONTENT-LENGTH', 'content-length'), true)
  assert.equal(sameName('Content-Lengtz', 'content-length'), false)
  assert.equal(sameName('Content-Lengt', 'content-length'), false, 'another length')
  assert.equal(sameName('@', '`'), false, 'only A to Z are folded')
  assert.equal(sameName('[', '{'), false, 'only A to Z are folded')
})

test('sameName says what lower-casing the name and comparing would, for any name, ASCII or not', () => {
  const letters = fc.constantFrom(...'aAzZ@[`{-09\u212A\u0130\u00C9\u00E9kK'.split(''))
  fc.assert(
    fc.property(fc.array(letters, { maxLength: 6 }), fc.array(letters, { maxLength: 6 }), (a, b) => {
      const name = a.join('')
      const lower = b.join('').toLowerCase()
      assert.equal(sameName(name, lower), name.length === lower.length && name.toLowerCase() === lower)
      assert.equal(sameName(name, name.toLowerCase()), name.length === name.toLowerCase().length)
    }),
    { numRuns: 2000 },
  )
})
