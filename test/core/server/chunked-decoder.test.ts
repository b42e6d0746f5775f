import { test } from 'node:test'
import assert from 'node:assert/strict'
import { decodeChunked } from '../../support/chunked.ts'

test("the tests' chunked decoder gives the same bytes however the sender cut the chunks", () => {
  assert.equal(decodeChunked(Buffer.from('2\r\nab\r\n2\r\ncd\r\n0\r\n\r\n')).body.toString(), 'abcd')
  assert.equal(decodeChunked(Buffer.from('4;ext=1\r\nabcd\r\n0\r\n\r\n')).body.toString(), 'abcd')
  assert.deepEqual(decodeChunked(Buffer.from('A\r\n0123456789\r\n0\r\nX-Sum: 1\r\n\r\n')).trailers, ['X-Sum: 1'])
})

test("the tests' chunked decoder refuses broken framing", () => {
  for (const broken of [
    '2\r\nab\r\n',
    '2\r\nabc\r\n0\r\n\r\n',
    'zz\r\nab\r\n0\r\n\r\n',
    '2\r\nab\r\n0\r\n\r\nextra',
    '5\r\nab\r\n0\r\n\r\n',
    '0\r\n',
  ]) {
    assert.throws(() => decodeChunked(Buffer.from(broken)), /chunked framing/, JSON.stringify(broken))
  }
})
