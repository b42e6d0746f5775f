import { test } from 'node:test'
import assert from 'node:assert/strict'
import { once } from 'node:events'
import {
  beforeHeldWritesLeave,
  holdEveryTurnWhileOpen,
  holdWritesForTurn,
  holdWritesIfBusy,
  LIGHT_TURNS_BEFORE_WRITING_THROUGH,
} from '../../../electron/core/wire/turn-writes.ts'
import { socketPair } from '../socket-pair.ts'

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
    while (Buffer.concat(received).length < 23 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 5))
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
    await Promise.race([
      ended,
      new Promise((_, reject) => setTimeout(() => reject(new Error('no end within 2 s')), 2000)),
    ])
    assert.equal(Buffer.concat(received).toString(), 'last words')
  } finally {
    await close()
  }
})

test('work registered with beforeHeldWritesLeave runs at the end of the turn, before the held writes leave', async () => {
  const { client, close } = await socketPair()
  try {
    const seen: string[] = []
    holdWritesForTurn(client)
    client.write('held')
    beforeHeldWritesLeave(() => seen.push(`work ran with ${client.writableLength} bytes still held`))
    beforeHeldWritesLeave(() => {
      throw new Error('a failing piece of work')
    })
    assert.deepEqual(seen, [], 'not straight away')
    await new Promise((resolve) => setImmediate(resolve))
    assert.deepEqual(seen, ['work ran with 4 bytes still held'])
    assert.equal(client.writableLength, 0, 'and the writes left after it, despite the work that threw')
  } finally {
    await close()
  }
})

/** Turns in which `socket` alone is written through holdWritesIfBusy, so the proxy counts as lightly loaded. */
async function lightTurns(socket: Parameters<typeof holdWritesIfBusy>[0], turns = LIGHT_TURNS_BEFORE_WRITING_THROUGH) {
  for (let i = 0; i < turns; i++) {
    holdWritesIfBusy(socket)
    socket.write('x')
    await new Promise((resolve) => setImmediate(resolve))
  }
}

test('after turns that each wrote to one socket, a lone socket is written at once; a second one in the same turn is held, and so is the next turn', async () => {
  const one = await socketPair()
  const two = await socketPair()
  try {
    await lightTurns(one.client)
    holdWritesIfBusy(one.client)
    assert.equal(one.client.writableCorked, 0, 'a lone exchange is not held')
    holdWritesIfBusy(one.client)
    assert.equal(one.client.writableCorked, 0, 'nor is its second write')
    holdWritesIfBusy(two.client)
    assert.equal(two.client.writableCorked, 1, 'a second socket in the turn is held')
    await new Promise((resolve) => setImmediate(resolve))
    assert.equal(two.client.writableCorked, 0, 'until the turn ends')
    holdWritesIfBusy(one.client)
    assert.equal(one.client.writableCorked, 1, 'the turn after a busy one holds from its first write')
    await new Promise((resolve) => setImmediate(resolve))
    await lightTurns(one.client, LIGHT_TURNS_BEFORE_WRITING_THROUGH - 2)
    holdWritesIfBusy(one.client)
    assert.equal(one.client.writableCorked, 1, 'still held before enough light turns have passed')
    await new Promise((resolve) => setImmediate(resolve))
  } finally {
    await one.close()
    await two.close()
  }
})

test('while something holds every turn (an open recording), writes are held however light the load, and not once it lets go', async () => {
  const { client, close } = await socketPair()
  const letGo = holdEveryTurnWhileOpen()
  try {
    await lightTurns(client, LIGHT_TURNS_BEFORE_WRITING_THROUGH + 2)
    holdWritesIfBusy(client)
    assert.equal(client.writableCorked, 1, 'held for the recording')
    await new Promise((resolve) => setImmediate(resolve))
    letGo()
    letGo() // a second call lets go of nothing more
    holdWritesIfBusy(client)
    assert.equal(client.writableCorked, 0, 'written at once once nothing needs the hold')
  } finally {
    letGo()
    await close()
  }
})
