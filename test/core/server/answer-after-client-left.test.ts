/**
 * An answer that comes after its client left: nothing is written, and a streamed body is let go (destroyed), so
 * whatever produces it (an upstream connection) is freed rather than left paused. Both adapters, real sockets.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { PassThrough } from 'node:stream'
import { response, streamBody } from '../../../electron/core/message.ts'
import type { HttpHandler } from '../../../electron/core/http.ts'
import { startServer } from '../../../electron/core/server/node-server.ts'
import { startWireServer } from '../../../electron/core/server/wire-server.ts'
import { rawExchange, within } from './net-fixtures.ts'

for (const [adapter, start] of [
  ['node', startServer],
  ['wire', startWireServer],
] as const) {
  test(`${adapter} adapter: a streamed answer that comes after its client left is destroyed, never sent`, async () => {
    const body = new PassThrough()
    let arrived!: () => void
    const arrival = new Promise<void>((resolve) => {
      arrived = resolve
    })
    let answered!: () => void
    const answering = new Promise<void>((resolve) => {
      answered = resolve
    })
    const handler: HttpHandler = (req) => {
      arrived()
      return new Promise((resolve) => {
        req.signal?.addEventListener('abort', () => {
          // A moment after the client left, as an upstream's answer would come.
          setTimeout(() => {
            resolve(response(200, { body: streamBody(body) }))
            answered()
          }, 20)
        })
      })
    }
    const server = await start(handler)
    try {
      const exchange = rawExchange(server.port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', { ms: 200 })
      await within(2000, arrival, 'the request to arrive')
      ;(await exchange).socket.destroy()
      await within(2000, answering, 'the handler to answer')
      await within(
        1000,
        new Promise<void>((resolve) => (body.destroyed ? resolve() : body.once('close', () => resolve()))),
        'the unsent body to be destroyed',
      )
      assert.equal(body.destroyed, true)
    } finally {
      body.destroy()
      await within(3000, server.stop(), 'the server to stop')
    }
  })
}
