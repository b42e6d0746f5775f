/**
 * The keep-alive timeout on both server adapters (`keepAliveTimeoutMs`), on real sockets: a connection idle between
 * requests for longer is closed, one used again in time stays open; and the wire server's timeout sweep leaves no
 * timer behind once its connections are gone.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import net from 'node:net'
import { response } from '../../../electron/core/message.ts'
import { startServer } from '../../../electron/core/server/node-server.ts'
import { startWireServer } from '../../../electron/core/server/wire-server.ts'
import { within } from './net-fixtures.ts'

const ok = async () => response(200, { headers: [['Content-Length', '2']], body: 'ok' })

/** Opens a raw connection; `ask` sends one request and waits for its answer ("ok"). */
async function keptConnection(port: number) {
  const socket = net.connect(port, '127.0.0.1')
  socket.on('error', () => {})
  let received = ''
  let answers = 0
  let heard: (() => void) | undefined
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString('latin1')
    const now = received.match(/\r\n\r\nok/g)?.length ?? 0
    if (now > answers) {
      answers = now
      heard?.()
    }
  })
  let closedAt: number | undefined
  const closed = new Promise<void>((resolve) =>
    socket.once('close', () => {
      closedAt = performance.now()
      resolve()
    }),
  )
  await within(2000, new Promise<void>((resolve) => socket.once('connect', () => resolve())), 'the connection')
  return {
    socket,
    closed,
    closedAt: () => closedAt,
    ask: (target: string) =>
      within(
        2000,
        new Promise<void>((resolve) => {
          heard = resolve
          socket.write(`GET ${target} HTTP/1.1\r\nHost: x\r\n\r\n`)
        }),
        `the answer to ${target}`,
      ),
    answers: () => answers,
  }
}

for (const [adapter, start] of [
  ['node', startServer],
  ['wire', startWireServer],
] as const) {
  test(`${adapter} adapter: a connection idle past the keep-alive timeout is closed`, async () => {
    const server = await start(ok, { keepAliveTimeoutMs: 200 })
    try {
      const connection = await keptConnection(server.port)
      await connection.ask('/1')
      const idleFrom = performance.now()
      await within(2000, connection.closed, 'the idle connection to close')
      const idle = (connection.closedAt() ?? 0) - idleFrom
      assert.ok(idle >= 150, `not before the keep-alive timeout (closed after ${Math.round(idle)} ms)`)
    } finally {
      await within(3000, server.stop(), 'the server to stop')
    }
  })

  test(`${adapter} adapter: a connection used again within the keep-alive timeout stays open`, async () => {
    const server = await start(ok, { keepAliveTimeoutMs: 600 })
    try {
      const connection = await keptConnection(server.port)
      for (let i = 0; i < 4; i++) {
        await connection.ask(`/${i}`)
        await new Promise((resolve) => setTimeout(resolve, 200))
      }
      assert.equal(connection.answers(), 4)
      assert.equal(connection.closedAt(), undefined, 'the connection is still open after 800 ms of use')
      connection.socket.destroy()
    } finally {
      await within(3000, server.stop(), 'the server to stop')
    }
  })
}

test('wire server: once its connections are gone, its timeout sweep stops, and no sweep timer is left running', async () => {
  // Every interval made while the server runs, less those cleared: the sweep is the only one the server makes.
  const running = new Set<unknown>()
  const realSet = globalThis.setInterval
  const realClear = globalThis.clearInterval
  globalThis.setInterval = ((...args: Parameters<typeof setInterval>) => {
    const timer = realSet(...args)
    running.add(timer)
    return timer
  }) as typeof setInterval
  globalThis.clearInterval = ((timer?: Parameters<typeof clearInterval>[0]) => {
    running.delete(timer)
    realClear(timer)
  }) as typeof clearInterval
  try {
    const server = await startWireServer(ok, { headersTimeoutMs: 200, keepAliveTimeoutMs: 200 })
    try {
      for (let round = 0; round < 2; round++) {
        const connection = await keptConnection(server.port)
        await connection.ask('/')
        assert.equal(running.size, 1, 'one sweep while a connection is open')
        connection.socket.destroy()
        await connection.closed
        // The next sweep finds no connection left and stops itself.
        await new Promise((resolve) => setTimeout(resolve, 250))
        assert.equal(running.size, 0, `no sweep left running once the connection is gone (round ${round + 1})`)
      }
    } finally {
      await within(3000, server.stop(), 'the server to stop')
    }
    assert.equal(running.size, 0)
  } finally {
    globalThis.setInterval = realSet
    globalThis.clearInterval = realClear
  }
})
