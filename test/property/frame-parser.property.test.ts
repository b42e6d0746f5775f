/**
 * The websocket frame parser against an independent encoder, for any frames and any chunking: what it reports is
 * exactly what was sent (RFC 6455 §5.2: fin, RSV bits, opcode, mask, 7/16/64-bit lengths), and keeping fewer payload
 * bytes only truncates, never shifts or alters them.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { FrameParser, type ParsedFrame } from '../../electron/core/websocket/frame-parser.ts'

interface Sent {
  fin: boolean
  rsv: [boolean, boolean, boolean]
  opcode: number
  mask: Buffer | undefined
  payload: Buffer
}

/** Written from §5.2 directly (not with the module's encodeFrame), so both cannot share a mistake. */
function wire(frame: Sent): Buffer {
  const size = frame.payload.length
  const bytes: number[] = []
  bytes.push(
    (frame.fin ? 0x80 : 0) |
      (frame.rsv[0] ? 0x40 : 0) |
      (frame.rsv[1] ? 0x20 : 0) |
      (frame.rsv[2] ? 0x10 : 0) |
      frame.opcode,
  )
  const maskBit = frame.mask ? 0x80 : 0
  if (size <= 125) bytes.push(maskBit | size)
  else if (size <= 0xffff) bytes.push(maskBit | 126, size >> 8, size & 0xff)
  else {
    bytes.push(maskBit | 127)
    for (let shift = 56; shift >= 0; shift -= 8) bytes.push(Math.floor(size / 2 ** shift) & 0xff)
  }
  if (frame.mask) bytes.push(...frame.mask)
  const body = Buffer.from(frame.payload.map((b, i) => (frame.mask ? b ^ frame.mask[i % 4]! : b)))
  return Buffer.concat([Buffer.from(bytes), body])
}

const dataFrame = fc.record({
  fin: fc.boolean(),
  rsv: fc.tuple(fc.boolean(), fc.boolean(), fc.boolean()),
  opcode: fc.constantFrom(0, 1, 2),
  mask: fc.option(
    fc.uint8Array({ minLength: 4, maxLength: 4 }).map((m) => Buffer.from(m)),
    { nil: undefined },
  ),
  payload: fc
    .oneof(
      { weight: 6, arbitrary: fc.uint8Array({ maxLength: 130 }) },
      {
        weight: 2,
        arbitrary: fc.integer({ min: 126, max: 70_000 }).map((n) => new Uint8Array(n).map((_, i) => i * 7)),
      },
    )
    .map((p) => Buffer.from(p)),
})
const controlFrame = fc.record({
  fin: fc.constant(true),
  rsv: fc.constant<[boolean, boolean, boolean]>([false, false, false]),
  opcode: fc.constantFrom(8, 9, 10),
  mask: fc.option(
    fc.uint8Array({ minLength: 4, maxLength: 4 }).map((m) => Buffer.from(m)),
    { nil: undefined },
  ),
  payload: fc.uint8Array({ maxLength: 125 }).map((p) => Buffer.from(p)),
})

function run(bytes: Buffer, cuts: number[], keep: (size: number) => number) {
  const frames: ParsedFrame[] = []
  const errors: string[] = []
  const parser = new FrameParser({
    keep: (h) => keep(h.size),
    onFrame: (f) => frames.push(f),
    onError: (e) => errors.push(e),
  })
  let at = 0
  for (const cut of [...cuts.map((c) => c % (bytes.length + 1))].sort((a, b) => a - b)) {
    parser.push(bytes.subarray(at, Math.max(at, cut)))
    at = Math.max(at, cut)
  }
  parser.push(bytes.subarray(at))
  return { frames, errors }
}

test('any sequence of frames, cut into chunks anywhere, parses back to exactly the frames sent', () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(dataFrame, controlFrame), { minLength: 1, maxLength: 6 }),
      fc.array(fc.nat(), { maxLength: 8 }),
      (sent, cuts) => {
        const { frames, errors } = run(Buffer.concat(sent.map(wire)), cuts, (n) => n)
        assert.deepEqual(errors, [])
        assert.equal(frames.length, sent.length)
        sent.forEach((s, i) => {
          const f = frames[i]!
          assert.deepEqual(
            [f.fin, f.rsv1, f.rsv2, f.rsv3, f.opcode, f.masked, f.size, f.truncated],
            [s.fin, ...s.rsv, s.opcode, s.mask !== undefined, s.payload.length, false],
          )
          assert.ok(Buffer.from(f.payload).equals(s.payload), `payload of frame ${i}`)
        })
      },
    ),
    { numRuns: 150 },
  )
})

test('keeping fewer payload bytes keeps exactly that prefix, says it was truncated, and loses no later frame', () => {
  fc.assert(
    fc.property(
      fc.array(dataFrame, { minLength: 1, maxLength: 4 }),
      fc.nat({ max: 200 }),
      fc.array(fc.nat(), { maxLength: 5 }),
      (sent, limit, cuts) => {
        const { frames, errors } = run(Buffer.concat(sent.map(wire)), cuts, () => limit)
        assert.deepEqual(errors, [])
        assert.equal(frames.length, sent.length)
        sent.forEach((s, i) => {
          const f = frames[i]!
          const kept = Math.min(limit, s.payload.length)
          assert.ok(Buffer.from(f.payload).equals(s.payload.subarray(0, kept)), `prefix of frame ${i}`)
          assert.equal(f.truncated, kept < s.payload.length)
          assert.equal(f.size, s.payload.length)
        })
      },
    ),
    { numRuns: 100 },
  )
})

test('a reserved opcode anywhere stops the parser with one error and no frame after it', () => {
  fc.assert(
    fc.property(
      fc.array(dataFrame, { maxLength: 3 }),
      fc.constantFrom(3, 4, 5, 6, 7, 11, 12, 13, 14, 15),
      fc.array(dataFrame, { maxLength: 2 }),
      (before, reserved, after) => {
        const bad: Sent = {
          fin: true,
          rsv: [false, false, false],
          opcode: reserved,
          mask: undefined,
          payload: Buffer.alloc(1),
        }
        const { frames, errors } = run(Buffer.concat([...before, bad, ...after].map(wire)), [], (n) => n)
        assert.equal(frames.length, before.length)
        assert.deepEqual(errors, [`reserved opcode ${reserved}`])
      },
    ),
    { numRuns: 60 },
  )
})

test('a control frame that is fragmented or longer than 125 bytes stops the parser', () => {
  fc.assert(
    fc.property(fc.constantFrom(8, 9, 10), fc.boolean(), (opcode, fragmented) => {
      const bad: Sent = {
        fin: !fragmented,
        rsv: [false, false, false],
        opcode,
        mask: undefined,
        payload: Buffer.alloc(fragmented ? 3 : 126),
      }
      const { frames, errors } = run(wire(bad), [], (n) => n)
      assert.deepEqual(frames, [])
      assert.deepEqual(errors, ['a fragmented or oversized control frame'])
    }),
  )
})
