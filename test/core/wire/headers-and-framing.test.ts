/**
 * The small wire helpers both HTTP/1.1 adapters frame messages with: header pairs to and from Node's flat arrays,
 * the one Content-Length a message may have, header lines checked as node:http checks them, and chunked framing
 * (RFC 9112 §6, §7.1).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { PassThrough } from 'node:stream'
import fc from 'fast-check'
import { contentLength, flatHeaders, frozenPairs, headerPairs } from '../../../electron/core/wire/raw-headers.ts'
import {
  headerLine,
  isChunked,
  LAST_CHUNK,
  lastCodingIsChunked,
  writeChunk,
} from '../../../electron/core/wire/framing.ts'

test('a flat raw header list and its pairs convert both ways, order, case and duplicates kept', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.string(), fc.string()), { maxLength: 8 }), (pairs) => {
      const flat = pairs.flat()
      assert.deepEqual(headerPairs(flat), pairs)
      const frozen = frozenPairs(flat)
      assert.deepEqual(frozen, pairs)
      assert.ok(Object.isFrozen(frozen) && frozen.every((p) => Object.isFrozen(p)))
      assert.deepEqual(flatHeaders(pairs), flat)
    }),
  )
  assert.deepEqual(headerPairs(['A', '1', 'dangling']), [['A', '1']], 'a name without a value is dropped')
  assert.deepEqual(frozenPairs(['A', '1', 'dangling']), [['A', '1']])
})

test('a Content-Length counts only when every copy agrees on one run of digits', () => {
  assert.equal(contentLength([['Content-Length', '42']]), 42)
  assert.equal(
    contentLength([
      ['content-length', ' 7 '],
      ['CONTENT-LENGTH', '7'],
    ]),
    7,
    'repeated with the same value',
  )
  assert.equal(contentLength([['Content-Length', '0']]), 0)
  assert.equal(
    contentLength([
      ['Content-Length', '7'],
      ['Content-Length', '8'],
    ]),
    undefined,
    'two values disagree',
  )
  assert.equal(
    contentLength([
      ['Content-Length', '7'],
      ['X', 'y'],
      ['Content-Length', '7, 7'],
    ]),
    undefined,
  )
  for (const bad of ['', '-1', '1.5', '0x10', '12a', '+3'])
    assert.equal(contentLength([['Content-Length', bad]]), undefined, JSON.stringify(bad))
  assert.equal(
    contentLength([
      ['Content-Lengthy', '5'],
      ['X-Content-Length', '5'],
    ]),
    undefined,
  )
  assert.equal(contentLength([]), undefined)
})

test('a header line is "name: value" with CRLF; a name that is not a token or a value with CR, LF or NUL throws', () => {
  assert.equal(headerLine(['X-Ok', 'a\tb é']), 'X-Ok: a\tb é\r\n')
  assert.throws(() => headerLine(['Bad Name', 'v']), { code: 'ERR_INVALID_HTTP_TOKEN' })
  assert.throws(() => headerLine(['', 'v']), { code: 'ERR_INVALID_HTTP_TOKEN' })
  for (const value of ['a\r\nInjected: 1', 'a\nb', 'a\0b'])
    assert.throws(() => headerLine(['X', value]), { code: 'ERR_INVALID_CHAR' }, JSON.stringify(value))
})

test('a body is chunked when the last Transfer-Encoding coding is chunked', () => {
  assert.equal(lastCodingIsChunked('chunked'), true)
  assert.equal(lastCodingIsChunked('gzip, Chunked '), true)
  assert.equal(lastCodingIsChunked('chunked, gzip'), false)
  assert.equal(
    isChunked([
      ['Transfer-Encoding', 'gzip'],
      ['transfer-encoding', 'chunked'],
    ]),
    true,
  )
  assert.equal(
    isChunked([
      ['Transfer-Encoding', 'chunked'],
      ['Transfer-Encoding', 'gzip'],
    ]),
    false,
    'the last field counts',
  )
  assert.equal(isChunked([['Content-Length', '5']]), false)
  assert.equal(isChunked([['X-Transfer-Encoding', 'chunked']]), false)
})

test('a chunk is written as hex size, CRLF, bytes, CRLF; an empty chunk writes nothing, since it would end the body', () => {
  const out = new PassThrough()
  const written: Buffer[] = []
  out.on('data', (c: Buffer) => written.push(c))
  assert.equal(writeChunk(out, Buffer.alloc(0)), true)
  assert.equal(writeChunk(out, Buffer.from('0123456789abcdefXYZ')), true)
  out.end(LAST_CHUNK)
  assert.equal(Buffer.concat(written).toString('latin1'), '13\r\n0123456789abcdefXYZ\r\n0\r\n\r\n')
})

test('writing a chunk says when the socket wants to drain', () => {
  const slow = new PassThrough({ highWaterMark: 4 })
  assert.equal(writeChunk(slow, Buffer.alloc(64)), false)
})
