import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  FrameParser,
  Opcode,
  closePayload,
  encodeFrame,
  readClose,
  type ParsedFrame,
} from '../../electron/core/websocket/frame-parser.ts'

function parse(
  bytes: Buffer,
  keep = (size: number) => size,
  chunk = bytes.length,
): { frames: ParsedFrame[]; errors: string[] } {
  const frames: ParsedFrame[] = []
  const errors: string[] = []
  const parser = new FrameParser({
    keep: (h) => keep(h.size),
    onFrame: (f) => frames.push(f),
    onError: (e) => errors.push(e),
  })
  for (let i = 0; i < bytes.length; i += chunk) parser.push(bytes.subarray(i, i + chunk))
  return { frames, errors }
}

const MASK = Buffer.from([0x12, 0x34, 0x56, 0x78])

test('frames with 7-, 16- and 64-bit lengths parse to their real sizes, fed one byte at a time', () => {
  const sizes = [0, 125, 126, 65535, 65536, 70000]
  const wire = Buffer.concat(sizes.map((n) => encodeFrame(Opcode.binary, Buffer.alloc(n, 7))))
  const { frames, errors } = parse(wire, (n) => n, 1)
  assert.deepEqual(errors, [])
  assert.deepEqual(
    frames.map((f) => f.size),
    sizes,
  )
  assert.ok(frames.every((f) => f.payload.length === f.size && f.payload.every((b) => b === 7) && !f.truncated))
})

test('masked client frames are unmasked, wherever the chunk boundaries fall', () => {
  const wire = encodeFrame(Opcode.text, Buffer.from('hello, websocket'), { mask: MASK })
  for (const chunk of [1, 3, 5, wire.length]) {
    const { frames } = parse(wire, (n) => n, chunk)
    assert.equal(Buffer.from(frames[0]!.payload).toString(), 'hello, websocket')
    assert.equal(frames[0]!.masked, true)
  }
})

test('fragments keep their opcodes and fin bits, with a control frame between them', () => {
  const wire = Buffer.concat([
    encodeFrame(Opcode.text, Buffer.from('hel'), { fin: false }),
    encodeFrame(Opcode.ping, Buffer.from('p')),
    encodeFrame(Opcode.continuation, Buffer.from('lo')),
  ])
  const { frames } = parse(wire)
  assert.deepEqual(
    frames.map((f) => [f.opcode, f.fin, Buffer.from(f.payload).toString()]),
    [
      [1, false, 'hel'],
      [9, true, 'p'],
      [0, true, 'lo'],
    ],
  )
})

test('only the kept part of a payload is stored, and the frame says it was truncated', () => {
  const { frames } = parse(encodeFrame(Opcode.binary, Buffer.alloc(100_000, 1), { mask: MASK }), () => 10, 4096)
  assert.equal(frames[0]!.size, 100_000)
  assert.equal(frames[0]!.payload.length, 10)
  assert.equal(frames[0]!.truncated, true)
})

test('a close frame carries its code and reason; an empty one means 1005', () => {
  const { frames } = parse(encodeFrame(Opcode.close, closePayload(4001, 'bye now'), { mask: MASK }))
  assert.deepEqual(readClose(frames[0]!.payload), { code: 4001, reason: 'bye now' })
  assert.deepEqual(readClose(new Uint8Array(0)), { code: 1005, reason: '' })
})

test('compressed frames show RSV1', () => {
  const wire = encodeFrame(Opcode.text, Buffer.from([1, 2, 3]))
  wire[0] = wire[0]! | 0x40
  assert.equal(parse(wire).frames[0]!.rsv1, true)
})

test('a reserved opcode or a fragmented control frame stops the parser with one error', () => {
  const reserved = encodeFrame(3, Buffer.from('x'))
  const fragmentedPing = encodeFrame(Opcode.ping, Buffer.from('x'), { fin: false })
  for (const bad of [reserved, fragmentedPing]) {
    const { frames, errors } = parse(Buffer.concat([bad, encodeFrame(Opcode.text, Buffer.from('after'))]))
    assert.equal(frames.length, 0)
    assert.equal(errors.length, 1)
  }
})
