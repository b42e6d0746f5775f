/**
 * A websocket connection's rules (RFC 6455 §5, §7) on a real loopback socket pair, without a server: the endpoint's
 * 101 tunnel is run on one end, and the test speaks raw frames on the other and reads back what the endpoint sent.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { Socket } from 'node:net'
import { request, type Header, type TunnelStats } from '../../electron/core/message.ts'
import {
  FrameParser,
  Opcode,
  closePayload,
  encodeFrame,
  readClose,
  type ParsedFrame,
} from '../../electron/core/websocket/frame-parser.ts'
import {
  websocket,
  type WebsocketOptions,
  type WsCloseStatus,
  type WsHandler,
  type WsMessage,
} from '../../electron/core/websocket/websocket.ts'
import { socketPair } from '../core/socket-pair.ts'

const MASK = Buffer.from([1, 2, 3, 4])
const handshake: Header[] = [
  ['Connection', 'Upgrade'],
  ['Upgrade', 'websocket'],
  ['Sec-WebSocket-Version', '13'],
  ['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='],
]

/** A client frame: masked unless told otherwise. */
const frame = (opcode: number, payload: string | Buffer, options: { fin?: boolean; mask?: false } = {}) =>
  encodeFrame(opcode, typeof payload === 'string' ? Buffer.from(payload) : payload, {
    fin: options.fin ?? true,
    ...(options.mask === false ? {} : { mask: MASK }),
  })

interface Session {
  client: Socket
  frames: ParsedFrame[]
  messages: WsMessage[]
  closed: Promise<WsCloseStatus>
  stats: Promise<TunnelStats>
  /** Waits (at most a second) until the endpoint has sent n frames. */
  sent(n: number): Promise<ParsedFrame[]>
  /** Waits (at most a second) until the endpoint ended its side of the TCP connection. */
  ended(): Promise<void>
  done(): Promise<void>
}

/** Runs the endpoint's tunnel for `extra` on a socket pair; the app records messages and its close status. */
async function session(
  extra?: WsHandler,
  options: WebsocketOptions = {},
  head: Buffer = Buffer.alloc(0),
): Promise<Session> {
  const pair = await socketPair()
  const messages: WsMessage[] = []
  let closed: Promise<WsCloseStatus> | undefined
  const endpoint = websocket((ws) => {
    closed = new Promise((resolve) => ws.onClose(resolve))
    ws.onMessage((m) => messages.push(m))
    extra?.(ws)
  }, options)
  const res = await endpoint(request({ target: '/ws', headers: handshake }))
  assert.equal(res.status, 101)
  const frames: ParsedFrame[] = []
  const parser = new FrameParser({ keep: (h) => h.size, onFrame: (f) => frames.push(f) })
  pair.client.on('data', (chunk: Buffer) => parser.push(chunk))
  const clientEnded = new Promise<void>((resolve) => pair.client.once('end', resolve))
  const stats = res.tunnel!(pair.peer, head)
  return {
    client: pair.client,
    frames,
    messages,
    closed: closed!,
    stats,
    async sent(n) {
      const deadline = Date.now() + 5000
      while (frames.length < n) {
        if (Date.now() > deadline) throw new Error(`the endpoint sent ${frames.length} frames, not ${n}`)
        await new Promise((r) => setTimeout(r, 5))
      }
      return frames
    },
    ended: () =>
      Promise.race([
        clientEnded,
        new Promise<void>((_, reject) => setTimeout(() => reject(new Error('no end within 1 s')), 1000).unref()),
      ]),
    done: () => pair.close(),
  }
}

const closeOf = (f: ParsedFrame | undefined) => {
  assert.equal(f?.opcode, Opcode.close)
  return readClose(f!.payload)
}

test('a client close is echoed with its code only, the socket ended, and the app told the code and reason', async () => {
  const s = await session()
  try {
    s.client.write(frame(Opcode.close, closePayload(4000, 'bye')))
    const [echo] = await s.sent(1)
    assert.deepEqual(closeOf(echo), { code: 4000, reason: '' })
    await s.ended()
    s.client.end()
    assert.deepEqual(await s.closed, { code: 4000, reason: 'bye' })
    assert.deepEqual(await s.stats, { bytesUp: 2 + 4 + 5, bytesDown: 2 + 2 })
  } finally {
    await s.done()
  }
})

test('a close with no code is echoed empty and reported as 1005', async () => {
  const s = await session()
  try {
    s.client.write(frame(Opcode.close, Buffer.alloc(0)))
    const [echo] = await s.sent(1)
    assert.equal(echo!.payload.length, 0)
    s.client.end()
    assert.deepEqual(await s.closed, { code: 1005, reason: '' })
  } finally {
    await s.done()
  }
})

test('a ping is answered with a pong of the same payload, a pong is not answered, and fragments make one message', async () => {
  const s = await session()
  try {
    s.client.write(
      Buffer.concat([
        frame(Opcode.pong, 'ignored'),
        frame(Opcode.text, 'hel', { fin: false }),
        frame(Opcode.ping, 'are you there'),
        frame(Opcode.continuation, 'lo'),
        frame(Opcode.binary, Buffer.from([1, 2])),
      ]),
    )
    const [pong] = await s.sent(1)
    assert.equal(pong!.opcode, Opcode.pong)
    assert.equal(Buffer.from(pong!.payload).toString(), 'are you there')
    const deadline = Date.now() + 5000
    while (s.messages.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5))
    assert.deepEqual(s.messages, [
      { kind: 'text', text: 'hello' },
      { kind: 'binary', bytes: Buffer.from([1, 2]) },
    ])
    assert.equal(s.frames.length, 1, 'nothing but the pong was sent')
  } finally {
    await s.done()
  }
})

async function refused(bytes: Buffer, code: number, reason: string, options?: WebsocketOptions): Promise<void> {
  const s = await session(undefined, options)
  try {
    s.client.write(bytes)
    const [close] = await s.sent(1)
    assert.deepEqual(closeOf(close), { code, reason })
    await s.ended()
    s.client.end()
    assert.deepEqual(await s.closed, { code, reason })
    assert.deepEqual(s.messages, [])
  } finally {
    await s.done()
  }
}

test('an unmasked client frame, or one with an RSV bit, is a protocol error (1002)', async () => {
  await refused(frame(Opcode.text, 'plain', { mask: false }), 1002, 'protocol error')
  const rsv1 = frame(Opcode.text, 'x')
  rsv1[0] = rsv1[0]! | 0x40
  await refused(rsv1, 1002, 'protocol error')
  const rsv3 = frame(Opcode.text, 'x')
  rsv3[0] = rsv3[0]! | 0x10
  await refused(rsv3, 1002, 'protocol error')
})

test('a continuation with nothing to continue, or a new message inside a fragmented one, is a protocol error', async () => {
  await refused(frame(Opcode.continuation, 'orphan'), 1002, 'protocol error')
  await refused(
    Buffer.concat([frame(Opcode.text, 'a', { fin: false }), frame(Opcode.text, 'b')]),
    1002,
    'protocol error',
  )
  await refused(frame(3, 'reserved opcode'), 1002, 'protocol error')
})

test('text that is not UTF-8 is refused with 1007', async () => {
  await refused(frame(Opcode.text, Buffer.from([0xc3, 0x28])), 1007, 'invalid UTF-8')
})

test('a message whose fragments together pass the limit is refused with 1009; one at the limit is taken', async () => {
  await refused(
    Buffer.concat([frame(Opcode.binary, Buffer.alloc(6), { fin: false }), frame(Opcode.continuation, Buffer.alloc(5))]),
    1009,
    'message too big',
    { maxMessageBytes: 10 },
  )
  const s = await session(undefined, { maxMessageBytes: 10 })
  try {
    s.client.write(
      Buffer.concat([
        frame(Opcode.binary, Buffer.alloc(6), { fin: false }),
        frame(Opcode.continuation, Buffer.alloc(4)),
      ]),
    )
    const deadline = Date.now() + 5000
    while (s.messages.length < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5))
    assert.equal(s.messages.length, 1)
    assert.equal(s.frames.length, 0)
  } finally {
    await s.done()
  }
})

test('the app closing sends its code and reason once, and nothing it sends after that goes out', async () => {
  let ws: Parameters<WsHandler>[0] | undefined
  const s = await session((w) => {
    ws = w
  })
  try {
    assert.equal(ws!.isOpen, true)
    ws!.send('before')
    ws!.send(Buffer.from([9]))
    ws!.close(4100, 'done here')
    assert.equal(ws!.isOpen, false)
    ws!.close(4200, 'again')
    ws!.send('after')
    const frames = await s.sent(3)
    await new Promise((r) => setTimeout(r, 30))
    assert.equal(frames.length, 3)
    assert.equal(Buffer.from(frames[0]!.payload).toString(), 'before')
    assert.equal(frames[0]!.opcode, Opcode.text)
    assert.equal(frames[1]!.opcode, Opcode.binary)
    assert.deepEqual(closeOf(frames[2]), { code: 4100, reason: 'done here' })
    s.client.write(frame(Opcode.close, closePayload(4100)))
    await s.ended()
    s.client.end()
    assert.deepEqual(await s.closed, { code: 4100, reason: '' })
  } finally {
    await s.done()
  }
})

test('an app that throws on a new connection closes it with 1011; a listener that throws spoils no other', async () => {
  const s = await session(() => {
    throw new Error('app bug')
  })
  try {
    const [close] = await s.sent(1)
    assert.deepEqual(closeOf(close), { code: 1011, reason: 'the app failed' })
  } finally {
    await s.done()
  }
  const seen: string[] = []
  const t = await session((ws) => {
    ws.onMessage(() => {
      throw new Error('listener bug')
    })
    ws.onMessage((m) => seen.push(m.kind))
    ws.onClose(() => {
      throw new Error('close listener bug')
    })
  })
  try {
    t.client.write(frame(Opcode.text, 'one'))
    const deadline = Date.now() + 5000
    while (seen.length < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5))
    assert.deepEqual(seen, ['text'])
    t.client.destroy()
    assert.deepEqual(await t.closed, { code: 1006, reason: '' }, 'gone without a close frame')
  } finally {
    await t.done()
  }
})

test('bytes read with the handshake are the first frames, and count as sent up', async () => {
  const head = frame(Opcode.text, 'early')
  const s = await session(undefined, {}, head)
  try {
    const deadline = Date.now() + 5000
    while (s.messages.length < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5))
    assert.deepEqual(s.messages, [{ kind: 'text', text: 'early' }])
    s.client.end()
    assert.deepEqual(await s.stats, { bytesUp: head.length, bytesDown: 0 })
  } finally {
    await s.done()
  }
})

test('an endpoint counts its open connections and closes them all with 1001 going away', async () => {
  const pair = await socketPair()
  const endpoint = websocket(() => {})
  assert.equal(endpoint.description, 'accepts websocket connections; hands each to the app')
  assert.equal(
    websocket(Object.assign(() => {}, { description: 'echoes' })).description,
    'accepts websocket connections; echoes',
  )
  assert.equal(websocket(() => {}, { description: 'mine' }).description, 'mine')
  try {
    const res = await endpoint(request({ target: '/ws', headers: handshake }))
    const frames: ParsedFrame[] = []
    const parser = new FrameParser({ keep: (h) => h.size, onFrame: (f) => frames.push(f) })
    pair.client.on('data', (c: Buffer) => parser.push(c))
    const stats = res.tunnel!(pair.peer, Buffer.alloc(0))
    assert.equal(endpoint.connections, 1)
    endpoint.close()
    const deadline = Date.now() + 5000
    while (frames.length < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5))
    assert.deepEqual(closeOf(frames[0]), { code: 1001, reason: 'going away' })
    pair.client.destroy()
    await stats
    assert.equal(endpoint.connections, 0)
  } finally {
    await pair.close()
  }
})
