import { test } from 'node:test'
import assert from 'node:assert/strict'
import { type Duplex, PassThrough } from 'node:stream'
import { CaptureHub } from '../../electron/capture/capture-hub.ts'
import { captureTo } from '../../electron/capture/capture-filter.ts'
import type { CapturedExchange } from '../../electron/capture/captured-exchange.ts'
import { fixedClock } from '../../electron/core/clock.ts'
import { request, response, type Response, type TunnelStats } from '../../electron/core/message.ts'
import { Opcode, encodeFrame } from '../../electron/core/websocket/frame-parser.ts'

const MASK = Buffer.from([9, 8, 7, 6])

/** A websocket 101 whose tunnel reads the client until it ends, then reports what it moved. */
function websocketSwitch(): Response {
  return Object.freeze({
    ...response(101, {
      headers: [
        ['Upgrade', 'websocket'],
        ['Connection', 'Upgrade'],
      ],
    }),
    tunnel: (client: Duplex): Promise<TunnelStats> =>
      new Promise((resolve) => {
        let bytesUp = 0
        client.on('data', (chunk: Buffer) => {
          bytesUp += chunk.byteLength
        })
        client.once('end', () => resolve({ bytesUp, bytesDown: 0 }))
      }),
  })
}

test("a websocket's frames are kept with its exchange, their payloads capped by the body cap, their times from the clock", async () => {
  const hub = new CaptureHub({ bodyCapBytes: 3 })
  const res = await hub.captureFilter('l1', fixedClock(777))(async () => websocketSwitch())(
    request({ target: '/chat', headers: [['Host', 'h']] }),
  )
  const client = new PassThrough()
  const wire = encodeFrame(Opcode.text, Buffer.from('hello'), { mask: MASK })
  const done = res.tunnel!(client, Buffer.alloc(0))
  client.end(wire)
  assert.deepEqual(await done, { bytesUp: wire.byteLength, bytesDown: 0 })
  const [summary] = hub.summaries()
  const detail = hub.detail(summary!.id)!
  assert.deepEqual(
    detail.frames!.map((f) => [f.direction, f.at, f.kind, f.size, f.text, f.truncated]),
    [['client', 777, 'text', 5, 'hel', true]],
  )
  assert.deepEqual(detail.tunnel, { bytesUp: wire.byteLength, bytesDown: 0 })
  assert.deepEqual(detail.outcome, { kind: 'completed' })
  hub.close()
})

test('a sink that takes no frames gets the tunnel closing all the same', async () => {
  const records: CapturedExchange[] = []
  const filter = captureTo(
    { exchangeCompleted: (r) => records.push(r) },
    { listenerId: 'l1', clock: fixedClock(), bodyCap: () => 10, enabled: () => true },
  )
  const res = await filter(async () => websocketSwitch())(request({ target: '/ws' }))
  const client = new PassThrough()
  const done = res.tunnel!(client, Buffer.alloc(0))
  client.end(encodeFrame(Opcode.text, Buffer.from('hi'), { mask: MASK }))
  await done
  assert.equal(records.length, 2)
  assert.deepEqual(records[1]!.tunnel, { bytesUp: 8, bytesDown: 0 })
})
