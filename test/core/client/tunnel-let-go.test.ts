import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, connect, type Socket } from 'node:net'
import { once } from 'node:events'
import { pipeSockets } from '../../../electron/core/client/pipe-sockets.ts'
import { within } from '../server/net-fixtures.ts'

/** A loopback pair whose `far` end stays open after it reads an end (a browser that keeps its side half-open). */
async function halfOpenPair(): Promise<{ near: Socket; far: Socket; close(): Promise<void> }> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  const accepted = once(server, 'connection') as Promise<[Socket]>
  const far = connect({ port, host: '127.0.0.1', allowHalfOpen: true })
  await once(far, 'connect')
  const [near] = await accepted
  return {
    near,
    far,
    close: async () => {
      near.destroy()
      far.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

test('once the upstream closes, the tunnel lets the client side go after the client has read what it holds, though the client keeps its side open', async () => {
  const browser = await halfOpenPair()
  const server = await halfOpenPair()
  try {
    // A large head read past the 101: written to the client at once, more than the client has read when the upstream goes.
    const big = Buffer.alloc(8 * 1024 * 1024, 7)
    browser.far.pause()
    const stats = pipeSockets(browser.near, server.near, { down: big })
    server.far.end()
    // The upstream side has read everything and closed while the client side still holds what the client has not read.
    await within(2000, once(server.near, 'close'), 'the upstream side to close')
    assert.equal(browser.near.writableFinished, false, 'the client side still holds bytes')
    let received = 0
    browser.far.on('data', (chunk: Buffer) => {
      received += chunk.length
    })
    browser.far.resume()
    await within(2000, once(browser.far, 'end'), 'the end to reach the client')
    assert.equal(received, big.length)
    assert.deepEqual(await within(2000, stats, 'the tunnel to be over'), { bytesUp: 0, bytesDown: big.length })
    assert.equal(browser.near.destroyed, true)
  } finally {
    await browser.close()
    await server.close()
  }
})
