/**
 * How a message is rendered as people read it on the wire (the sniff output, the detail pane's raw view): the start
 * lines, and whether a body is shown as text or as a one-line binary summary. The binary check runs four bytes at a
 * time, so it is checked against a byte-by-byte reading of its rule for any bytes at any alignment.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { bodyText, isBinary, requestHead, responseHead } from '../../../electron/core/filters/wire-text.ts'
import { request, response, type Headers } from '../../../electron/core/message.ts'
import type { CapturedBody } from '../../../electron/core/filters/tee-body.ts'

const none = { headers: [] as Headers }

/** The rule, byte by byte: a C0 control other than tab, LF, FF, CR and ESC, or DEL, or bytes that are not UTF-8. */
function binaryByRule(bytes: Uint8Array): boolean {
  for (const b of bytes) if ((b < 0x20 && ![0x09, 0x0a, 0x0c, 0x0d, 0x1b].includes(b)) || b === 0x7f) return true
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true })
    return false
  } catch {
    return true
  }
}

const byte = fc.oneof(
  { weight: 40, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
  { weight: 3, arbitrary: fc.constantFrom(0x09, 0x0a, 0x0c, 0x0d, 0x1b) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0x1f }) },
  { weight: 1, arbitrary: fc.constant(0x7f) },
  { weight: 2, arbitrary: fc.integer({ min: 0x80, max: 0xff }) },
)

test('a body is binary exactly when a byte-by-byte reading of the rule says so, at any length and alignment', () => {
  fc.assert(
    fc.property(fc.array(byte, { maxLength: 40 }), fc.nat(7), (values, offset) => {
      const backing = new Uint8Array(offset + values.length)
      backing.set(values, offset)
      const bytes = backing.subarray(offset)
      assert.equal(isBinary(none, bytes), binaryByRule(bytes))
    }),
    { numRuns: 2000 },
  )
})

test('one control byte anywhere in a long text body, even past the first 4 KiB, makes it binary', () => {
  const text = Buffer.alloc(9000, 'a'.charCodeAt(0))
  for (const offset of [0, 1, 2, 3])
    assert.equal(isBinary(none, text.subarray(offset)), false, `plain text at offset ${offset}`)
  for (const at of [0, 1, 2, 3, 4, 4095, 4096, 5000, 8190, 8998, 8999]) {
    for (const control of [0x00, 0x08, 0x0b, 0x0e, 0x1f, 0x7f]) {
      const body = Buffer.from(text)
      body[at] = control
      assert.equal(isBinary(none, body), true, `0x${control.toString(16)} at ${at}`)
      assert.equal(isBinary(none, body.subarray(1)), at !== 0, `0x${control.toString(16)} at ${at}, offset 1`)
    }
  }
  const allowed = Buffer.from(text)
  for (const [i, b] of [0x09, 0x0a, 0x0c, 0x0d, 0x1b, 0xc3, 0xa9].entries()) allowed[6000 + i] = b
  assert.equal(isBinary(none, allowed), false, 'tab, LF, FF, CR, ESC and é are text')
})

test('a binary content type or a content coding makes a body binary whatever its bytes', () => {
  const text = Buffer.from('plain words')
  const by = (...headers: Array<[string, string]>) => isBinary({ headers }, text)
  assert.equal(by(['Content-Type', 'image/png']), true)
  assert.equal(by(['Content-Type', ' Application/GRPC ']), true)
  assert.equal(by(['Content-Type', 'image/svg+xml']), false, 'SVG is text')
  assert.equal(by(['Content-Type', 'text/plain']), false)
  assert.equal(by(['Content-Encoding', 'gzip']), true)
  assert.equal(by(['Content-Encoding', ' Identity ']), false)
  assert.equal(by(), false)
})

test('the start lines are printed as on the wire; a status without a reason has no trailing space', () => {
  assert.equal(
    requestHead(
      request({
        method: 'POST',
        target: '/a?b',
        headers: [
          ['X', '1'],
          ['x', '2'],
        ],
      }),
    ),
    'POST /a?b HTTP/1.1\nX: 1\nx: 2\n\n',
  )
  assert.equal(
    requestHead({
      ...request({ target: '/p', version: '2', headers: [['accept', '*/*']] }),
      pseudoHeaders: [
        [':method', 'GET'],
        [':path', '/p'],
      ],
    }),
    'GET /p HTTP/2\n:method: GET\n:path: /p\naccept: */*\n\n',
  )
  assert.equal(responseHead(response(200, { headers: [['A', 'b']] })), 'HTTP/1.1 200 OK\nA: b\n\n')
  assert.equal(responseHead(response(599)), 'HTTP/1.1 599\n\n')
  assert.equal(responseHead(response(204, { version: '2' })), 'HTTP/2 204 No Content\n:status: 204\n\n')
})

const captured = (text: string | Buffer, total?: number, more: Partial<CapturedBody> = {}): CapturedBody => {
  const bytes = Buffer.from(text)
  return { bytes, total: total ?? bytes.byteLength, state: 'complete', ...more }
}

test('a text body is shown with a final newline, and what the cap left out is counted in bytes', () => {
  assert.equal(bodyText(none, captured('hello')), 'hello\n')
  assert.equal(bodyText(none, captured('hello\n')), 'hello\n')
  assert.equal(bodyText(none, captured('', 0)), '')
  assert.equal(bodyText(none, captured('héllo', 10)), 'héllo\n<<4 more bytes not shown>>\n')
  assert.equal(bodyText(none, captured('abc', 3000)), 'abc\n<<2997 more bytes not shown>>\n')
  assert.equal(
    bodyText(none, captured(Buffer.from([0x61, 0xc3]), 3)),
    'a\n<<2 more bytes not shown>>\n',
    'a character cut by the cap is left out',
  )
})

test('a binary body is one line with its size, and an unfinished body says how it stopped', () => {
  assert.equal(bodyText(none, captured(Buffer.from([0, 1, 2]), 300)), '<<300 bytes of binary body>>\n')
  assert.equal(bodyText({ headers: [['Content-Type', 'image/png']] }, captured('PNG')), '<<3 bytes of binary body>>\n')
  assert.equal(bodyText(none, captured('ab', 2, { state: 'streaming' })), 'ab\n<<body still streaming>>\n')
  assert.equal(
    bodyText(none, captured('ab', 2, { state: 'aborted', error: 'socket hang up' })),
    'ab\n<<body stopped after 2 bytes: socket hang up>>\n',
  )
  assert.equal(bodyText(none, captured('', 0, { state: 'aborted' })), '<<body stopped after 0 bytes: unknown error>>\n')
})
