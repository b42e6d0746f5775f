import { test } from 'node:test'
import assert from 'node:assert/strict'
import { PassThrough } from 'node:stream'
import { frameTaps, frameForUi, tapWebsocket, type ObservedFrame } from '../../electron/proxy/websocket-observer.ts'
import { Opcode, closePayload, encodeFrame } from '../../electron/core/websocket/frame-parser.ts'
import { fixedClock } from '../../electron/core/clock.ts'
import { response, type TunnelStats } from '../../electron/core/message.ts'

const MASK = Buffer.from([1, 2, 3, 4])

test('a fragmented text message is shown frame by frame, continuations keeping the text kind, split UTF-8 intact', () => {
  const frames: ObservedFrame[] = []
  const taps = frameTaps((f) => frames.push(f), { clock: fixedClock(42) })
  const text = Buffer.from('héllo')
  taps.up(encodeFrame(Opcode.text, text.subarray(0, 2), { fin: false, mask: MASK })) // splits the é
  taps.up(encodeFrame(Opcode.continuation, text.subarray(2), { mask: MASK }))
  assert.deepEqual(
    frames.map((f) => [f.opcode, f.kind, f.fin, f.text]),
    [
      [1, 'text', false, 'h'],
      [0, 'text', true, 'éllo'],
    ],
  )
  assert.ok(frames.every((f) => f.direction === 'client' && f.at === 42))
})

test('compressed frames are marked and shown as their raw bytes', () => {
  const frames: ObservedFrame[] = []
  const taps = frameTaps((f) => frames.push(f))
  const wire = encodeFrame(Opcode.text, Buffer.from([0xf2, 0x48, 0x05, 0x00]))
  wire[0] = wire[0]! | 0x40
  taps.down(wire)
  assert.equal(frames[0]!.compressed, true)
  assert.equal(frames[0]!.text, undefined)
  assert.deepEqual([...frames[0]!.binary!], [0xf2, 0x48, 0x05, 0x00])
})

test('stored payload bytes are capped per frame and per connection, sizes stay real, close codes always come through', () => {
  const frames: ObservedFrame[] = []
  const taps = frameTaps((f) => frames.push(f), { maxFrameBytes: 10, maxExchangeBytes: 15 })
  taps.up(encodeFrame(Opcode.binary, Buffer.alloc(100), { mask: MASK }))
  taps.down(encodeFrame(Opcode.binary, Buffer.alloc(100)))
  taps.down(encodeFrame(Opcode.binary, Buffer.alloc(100)))
  taps.up(encodeFrame(Opcode.close, closePayload(4000, 'the reason'), { mask: MASK }))
  assert.deepEqual(
    frames.map((f) => [f.size, f.binary?.length ?? f.text?.length, f.truncated]),
    [
      [100, 10, true],
      [100, 5, true],
      [100, 0, true],
      [12, 10, false],
    ],
  )
  assert.deepEqual(frames[3]!.close, { code: 4000, reason: 'the reason' })
  assert.deepEqual(frameForUi(frames[3]!), {
    direction: 'client',
    at: frames[3]!.at,
    opcode: 8,
    kind: 'close',
    fin: true,
    compressed: false,
    size: 12,
    truncated: false,
    text: 'the reason',
    close: { code: 4000, reason: 'the reason' },
  })
})

test('an observer that throws does not stop the bytes or later frames', async () => {
  let seen = 0
  const upstream = new PassThrough()
  const inner = (client: import('node:stream').Duplex): Promise<TunnelStats> =>
    new Promise((resolve) => {
      client.pipe(upstream)
      client.once('end', () => resolve({ bytesUp: 0, bytesDown: 0 }))
    })
  const switched = Object.freeze({
    ...response(101, {
      headers: [
        ['Upgrade', 'websocket'],
        ['Connection', 'Upgrade'],
      ],
    }),
    tunnel: (c: import('node:stream').Duplex) => inner(c),
  })
  const tapped = tapWebsocket(switched, () => {
    seen++
    throw new Error('observer bug')
  })
  const client = new PassThrough()
  const done = tapped.tunnel!(client, Buffer.alloc(0))
  const bytes = Buffer.concat([
    encodeFrame(Opcode.text, Buffer.from('a'), { mask: MASK }),
    encodeFrame(Opcode.text, Buffer.from('b'), { mask: MASK }),
  ])
  client.end(bytes)
  await done
  const through: Buffer[] = []
  for await (const chunk of upstream.end()) through.push(chunk as Buffer)
  assert.deepEqual(Buffer.concat(through), bytes)
  assert.equal(seen, 2)
})

test('responses that are not websocket switches pass through untouched', () => {
  const plain = response(200)
  assert.equal(
    tapWebsocket(plain, () => {}),
    plain,
  )
})
