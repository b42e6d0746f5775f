import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {
  packedHeader,
  packedLength,
  packHeaders,
  unpackHeaders,
  writePackedHeaders,
} from '../../electron/capture/packed-headers.ts'
import { header, type Headers } from '../../electron/core/message.ts'

const text = fc.string({ unit: fc.constantFrom('a', 'B', '-', ' ', ':', '\n', 'é', '') })
const headerLists: fc.Arbitrary<Headers> = fc.array(fc.tuple(text, text), { maxLength: 6 })

test('any header list packs and unpacks to the same pairs, in order, in a frozen list', () => {
  fc.assert(
    fc.property(headerLists, (headers) => {
      const packed = packHeaders(headers)
      const back = unpackHeaders(packed)
      assert.deepEqual(back, headers)
      assert.ok(Object.isFrozen(back))
      if (typeof packed === 'string') for (const pair of back) assert.ok(Object.isFrozen(pair))
    }),
    { numRuns: 400 },
  )
})

test('a packed header is found by its lower-case name as the plain lookup finds it, first one winning', () => {
  fc.assert(
    fc.property(headerLists, fc.constantFrom('a', 'b', 'ab', 'a-b', '', 'x'), (headers, name) => {
      assert.equal(packedHeader(packHeaders(headers), name), header({ headers }, name))
    }),
    { numRuns: 400 },
  )
})

test('a header list packs as name LF value pairs, one string; an empty list as the empty string', () => {
  assert.equal(
    packHeaders([
      ['Host', 'h'],
      ['X-Empty', ''],
      ['A', 'b c'],
    ]),
    'Host\nh\nX-Empty\n\nA\nb c',
  )
  assert.equal(packHeaders([]), '')
  assert.deepEqual(unpackHeaders(''), [])
})

test('a list whose names or values hold a line feed is kept as a frozen copy, never packed into text', () => {
  const odd: Headers = [
    ['A', '1'],
    ['X-Note', 'one\ntwo'],
  ]
  const kept = packHeaders(odd)
  assert.notEqual(typeof kept, 'string')
  assert.notEqual(kept, odd)
  assert.deepEqual(kept, odd)
  assert.ok(Object.isFrozen(kept))
  assert.equal(unpackHeaders(kept), kept)
  assert.equal(typeof packHeaders([['Bad\nName', 'v']]), 'object')
  assert.equal(packedHeader(kept, 'x-note'), 'one\ntwo')
})

test('looking up a packed header reads names whole: a name that only starts or ends like it is not a match', () => {
  const packed = packHeaders([
    ['Content-Type-X', 'no'],
    ['X-Content-Type', 'no'],
    ['Content-Type', 'text/html'],
    ['content-type', 'second'],
  ])
  assert.equal(packedHeader(packed, 'content-type'), 'text/html')
  assert.equal(packedHeader(packed, 'content'), undefined)
  assert.equal(packedHeader(packHeaders([['Last', 'value']]), 'last'), 'value')
  assert.equal(packedHeader('', 'host'), undefined)
  assert.equal(packedHeader('Dangling', 'dangling'), undefined, 'a name with no value line is not a header')
})

test('a header list is written into bytes as the text packHeaders makes, or refused (-1) where that text is not plain ASCII', () => {
  fc.assert(
    fc.property(headerLists, fc.nat(8), (headers, at) => {
      const packed = packHeaders(headers)
      const bytes = new Uint8Array(at + packedLength(headers) + 1).fill(0xee)
      const written = writePackedHeaders(headers, bytes, at)
      const ascii = typeof packed === 'string' && /^[\x00-\x7f]*$/.test(packed)
      if (!ascii) return assert.equal(written, -1)
      assert.equal(packedLength(headers), packed.length)
      assert.equal(written, packed.length)
      assert.equal(Buffer.from(bytes.subarray(at, at + written)).toString('latin1'), packed)
      assert.equal(bytes[at + written], 0xee, 'nothing written past the packed text')
    }),
    { numRuns: 400 },
  )
})
