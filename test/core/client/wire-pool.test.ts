import { test } from 'node:test'
import assert from 'node:assert/strict'
import net from 'node:net'
import { IDLE_MS, RETRYABLE_IDLE_MS, WirePool, type Origin } from '../../../electron/core/client/wire-pool.ts'
import { within } from '../server/net-fixtures.ts'

/** A TCP server that accepts and holds connections, and the pool's origin for it. */
async function holdingServer(): Promise<{ origin: Origin; stop(): Promise<void> }> {
  const sockets = new Set<net.Socket>()
  const server = net.createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as net.AddressInfo).port
  return {
    origin: { secure: false, host: '127.0.0.1', port, key: `http://127.0.0.1:${port}` },
    stop: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

test('a connection idle past IDLE_MS is left for requests that can be sent again, and closed past RETRYABLE_IDLE_MS', async () => {
  const server = await holdingServer()
  const pool = new WirePool({ rejectUnauthorized: true })
  try {
    const first = pool.acquire(server.origin)
    await within(2000, new Promise((resolve) => first.socket.once('connect', resolve)), 'the connection')
    pool.idle(first)
    first.idleSince = Date.now() - (IDLE_MS + 1000)

    const forStreamedBody = pool.acquire(server.origin, false, false)
    assert.notEqual(forStreamedBody, first, 'a request that cannot be sent again takes a new connection')
    assert.equal(first.socket.destroyed, false, 'and the idle one is kept')
    assert.equal(pool.acquire(server.origin, false, true), first, 'a request that can be sent again takes it')

    pool.idle(first)
    first.idleSince = Date.now() - (RETRYABLE_IDLE_MS + 1000)
    assert.notEqual(pool.acquire(server.origin, false, true), first)
    assert.equal(first.socket.destroyed, true, 'a connection idle past RETRYABLE_IDLE_MS is closed')
  } finally {
    pool.close()
    await server.stop()
  }
})

test('any request takes the warmest connection idle within IDLE_MS', async () => {
  const server = await holdingServer()
  const pool = new WirePool({ rejectUnauthorized: true })
  try {
    const older = pool.acquire(server.origin)
    const newer = pool.acquire(server.origin)
    await within(
      2000,
      Promise.all([older, newer].map((c) => new Promise((resolve) => c.socket.once('connect', resolve)))),
      'the connections',
    )
    pool.idle(older)
    pool.idle(newer)
    assert.equal(pool.acquire(server.origin, false, false), newer)
    assert.equal(pool.acquire(server.origin, false, false), older)
  } finally {
    pool.close()
    await server.stop()
  }
})
