/**
 * A tunnel (the answer to a CONNECT or an Upgrade) that fails after its head went out: the client's socket is closed,
 * never left open with nobody on the other end. Both server adapters, on real sockets.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { response, type Response } from '../../../electron/core/message.ts'
import { startServer } from '../../../electron/core/server/node-server.ts'
import { startWireServer } from '../../../electron/core/server/wire-server.ts'
import { rawExchange, within } from './net-fixtures.ts'

const failingTunnel = (): Response =>
  Object.freeze({
    ...response(101, { reason: 'Switching Protocols', headers: [['Upgrade', 'websocket']] }),
    tunnel: async () => {
      throw new Error('the tunnel broke')
    },
  })

for (const [adapter, start] of [
  ['node', startServer],
  ['wire', startWireServer],
] as const) {
  test(`${adapter} adapter: a tunnel that fails after its head was written closes the client's socket`, async () => {
    const server = await start(async () => failingTunnel())
    try {
      const { received, closed, timedOut } = await rawExchange(
        server.port,
        'GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n',
        { ms: 2000 },
      )
      assert.match(received.toString('latin1'), /^HTTP\/1\.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n$/)
      assert.equal(timedOut, false, 'the socket did not stay open')
      assert.equal(closed, true)
    } finally {
      await within(3000, server.stop(), 'the server to stop')
    }
  })
}
