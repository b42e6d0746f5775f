/**
 * The request timeout (`requestTimeoutMs`) on both server adapters, on real sockets: a client whose head arrived in
 * time but whose body stalls is answered 408 and closed once the whole request has taken too long, not left to
 * hold its socket.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { bodyText, response } from '../../../electron/core/message.ts'
import { startServer } from '../../../electron/core/server/node-server.ts'
import { startWireServer } from '../../../electron/core/server/wire-server.ts'
import { rawExchange, within } from './net-fixtures.ts'

for (const [adapter, start] of [
  ['node', startServer],
  ['wire', startWireServer],
] as const) {
  test(`${adapter} adapter: a body that stalls past the request timeout gets a 408 and the connection closes`, async () => {
    const server = await start(async (req) => response(200, { body: `got ${await bodyText(req.body)}` }), {
      requestTimeoutMs: 300,
    })
    try {
      const began = performance.now()
      const { received, closed } = await rawExchange(
        server.port,
        'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc', // 7 bytes of the body never come
        { ms: 2500 },
      )
      const took = performance.now() - began
      assert.match(received.toString('latin1'), /^HTTP\/1\.1 408 Request Timeout\r\n/)
      assert.ok(closed, 'the connection closes')
      assert.ok(took >= 250, `not before the request timeout (${took} ms)`)
    } finally {
      await within(3000, server.stop(), 'the server to stop')
    }
  })

  test(`${adapter} adapter: a request that arrives whole within the request timeout is answered`, async () => {
    const server = await start(async (req) => response(200, { body: `got ${await bodyText(req.body)}` }), {
      requestTimeoutMs: 1000,
    })
    try {
      const { received } = await rawExchange(
        server.port,
        'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc',
        { ms: 2500 },
      )
      assert.match(received.toString('latin1'), /^HTTP\/1\.1 200 OK\r\n[^]*got abc(?:\r\n0\r\n\r\n)?$/)
    } finally {
      await within(3000, server.stop(), 'the server to stop')
    }
  })
}
