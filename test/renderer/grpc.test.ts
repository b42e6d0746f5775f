import { test } from 'node:test'
import assert from 'node:assert/strict'
import { grpcMessages, grpcStatus, isGrpc, percentDecode } from '../../renderer/src/lib/grpc.ts'

/** One length-prefixed message: the flag byte, the 4-byte big-endian length, the bytes. */
function frame(message: Uint8Array | string, flags = 0, declared?: number): Uint8Array {
  const bytes = typeof message === 'string' ? new TextEncoder().encode(message) : message
  const out = new Uint8Array(5 + bytes.length)
  out[0] = flags
  new DataView(out.buffer).setUint32(1, declared ?? bytes.length)
  out.set(bytes, 5)
  return out
}

const join = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

test('gRPC content types are recognised with their suffixes and parameters, and nothing else is', () => {
  for (const t of [
    'application/grpc',
    'application/grpc+proto',
    'Application/GRPC-web+proto',
    'application/grpc; charset=x',
  ])
    assert.equal(isGrpc(t), true, t)
  for (const t of [undefined, 'application/grpcx', 'application/json', 'text/grpc'])
    assert.equal(isGrpc(t), false, String(t))
})

test("a body's length-prefixed messages are listed in order with their flag, compression and declared length", () => {
  const body = join(frame('ping'), frame(new Uint8Array([0x1f, 0x8b, 0]), 1), frame(''), frame('grpc-status:0', 0x80))
  const { messages, leftover } = grpcMessages(body)
  assert.equal(leftover, 0)
  assert.deepEqual(
    messages.map((m) => [m.offset, m.flags, m.compressed, m.trailerFrame, m.length, m.bytes.length]),
    [
      [0, 0, false, false, 4, 4],
      [9, 1, true, false, 3, 3],
      [17, 0, false, false, 0, 0],
      [22, 0x80, false, true, 13, 13],
    ],
  )
  assert.equal(new TextDecoder().decode(messages[0]!.bytes), 'ping')
})

test('a message cut short by the capture keeps what was captured, and a cut prefix is counted as leftover bytes', () => {
  const cut = frame('hello', 0, 5).subarray(0, 7)
  const { messages } = grpcMessages(cut)
  assert.equal(messages.length, 1)
  assert.equal(messages[0]!.length, 5)
  assert.equal(new TextDecoder().decode(messages[0]!.bytes), 'he')
  assert.deepEqual(grpcMessages(join(frame('a'), new Uint8Array([0, 0, 0]))).leftover, 3)
  const huge = frame('', 0, 0xffffffff)
  assert.equal(grpcMessages(huge).messages[0]!.length, 4294967295, 'the length is unsigned')
})

test('the status comes from the trailers with its name and a percent-decoded message, or from a trailers-only head', () => {
  assert.deepEqual(
    grpcStatus(
      [['content-type', 'application/grpc']],
      [
        ['grpc-status', '14'],
        ['grpc-message', 'no%20backend%3A%20%E2%9C%93 100%'],
      ],
    ),
    { code: 14, raw: '14', name: 'UNAVAILABLE', message: 'no backend: ✓ 100%', from: 'trailers' },
  )
  assert.deepEqual(grpcStatus([['grpc-status', '0']], [])?.name, 'OK')
  assert.equal(grpcStatus([['grpc-status', '5']], undefined)?.from, 'headers')
  assert.equal(grpcStatus([['grpc-status', '99']], undefined)?.name, undefined)
  assert.equal(grpcStatus([['grpc-status', 'x']], undefined)?.code, undefined)
  assert.equal(grpcStatus([['content-type', 'application/grpc']], undefined), undefined)
})

test('percent-decoding leaves a lone % and plain text alone and turns bytes that are not UTF-8 into U+FFFD', () => {
  assert.equal(percentDecode('plain'), 'plain')
  assert.equal(percentDecode('50%'), '50%')
  assert.equal(percentDecode('%zz%4'), '%zz%4')
  assert.equal(percentDecode('bad %FF byte'), 'bad \ufffd byte')
})

test('a body with more messages than are listed says there are more, and counts none of them as leftover bytes', () => {
  const many = join(...Array.from({ length: 12 }, () => frame('x')))
  const listed = grpcMessages(many, 10)
  assert.equal(listed.messages.length, 10)
  assert.equal(listed.more, true)
  assert.equal(listed.leftover, 0, 'whole messages past the limit are not a cut prefix')
  const all = grpcMessages(many, 12)
  assert.equal(all.more, false)
  assert.equal(all.leftover, 0)
  assert.deepEqual(grpcMessages(new Uint8Array(0)), { messages: [], leftover: 0, more: false })
})
