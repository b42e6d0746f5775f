import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, connect, type Socket } from 'node:net'
import { once } from 'node:events'
import { holdWritesForTurn } from '../../electron/core/turn-writes.ts'

/** A loopback socket pair: `client` writes, `peer` (the server side) receives. Both are closed by `close`. */
async function socketPair(): Promise<{ client: Socket; peer: Socket; close: () => Promise<void> }> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  const accepted = once(server, 'connection') as Promise<[Socket]>
  const client = connect(port, '127.0.0.1')
  await once(client, 'connect')
  const [peer] = await accepted
  return {
    client, peer,
    close: async () => {
      client.destroy()
      peer.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

test('writes made after holdWritesForTurn stay in the socket until the turn ends, then leave together', async () => {
  const { client, peer, close } = await socketPair()
  try {
    const received: Buffer[] = []
    peer.on('data', (chunk: Buffer) => received.push(chunk))
    holdWritesForTurn(client)
    client.write('HTTP/1.1 200 OK\r\n\r\n', 'latin1')
    client.write(Buffer.from('body'))
    assert.equal(client.writableCorked, 1, 'the socket is corked for the rest of the turn')
    assert.equal(client.writableLength, 23, 'nothing has been handed to the kernel yet')
    await new Promise((resolve) => process.nextTick(resolve))
    await Promise.resolve()
    assert.equal(client.writableCorked, 1, 'still held after the ticks and microtasks of this turn')
    await new Promise((resolve) => setImmediate(resolve))
    assert.equal(client.writableCorked, 0, 'the cork is released at the end of the turn')
    assert.equal(client.writableLength, 0, 'and the writes have gone out')
    const deadline = Date.now() + 2000
    while (Buffer.concat(received).length < 23 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5))
    assert.equal(Buffer.concat(received).toString('latin1'), 'HTTP/1.1 200 OK\r\n\r\nbody')
  } finally {
    await close()
  }
})

test('each hold on a socket is released once, so holding it twice in a turn leaves it uncorked after', async () => {
  const { client, close } = await socketPair()
  try {
    holdWritesForTurn(client)
    client.write('a')
    holdWritesForTurn(client)
    client.write('b')
    assert.equal(client.writableCorked, 2)
    await new Promise((resolve) => setImmediate(resolve))
    assert.equal(client.writableCorked, 0)
    assert.equal(client.writableLength, 0)
  } finally {
    await close()
  }
})

test('ending a held socket sends what was written before the end', async () => {
  const { client, peer, close } = await socketPair()
  try {
    const received: Buffer[] = []
    peer.on('data', (chunk: Buffer) => received.push(chunk))
    const ended = once(peer, 'end')
    holdWritesForTurn(client)
    client.write('last words')
    client.end()
    await Promise.race([ended, new Promise((_, reject) => setTimeout(() => reject(new Error('no end within 2 s')), 2000))])
    assert.equal(Buffer.concat(received).toString(), 'last words')
  } finally {
    await close()
  }
})
