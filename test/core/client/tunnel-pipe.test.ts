/**
 * A tunnel joining two sockets (CONNECT, Upgrade) on real loopback socket pairs: bytes both ways, the heads read
 * before it started, what it counts, how an end crosses over, and how a failure on one side is recorded.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { Socket } from 'node:net'
import { pipeSockets } from '../../../electron/core/client/pipe-sockets.ts'
import type { TunnelStats } from '../../../electron/core/message.ts'
import { socketPair } from '../socket-pair.ts'

const within = <T>(ms: number, p: Promise<T>, what: string): Promise<T> =>
  Promise.race([
    p,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms).unref()),
  ])
const read = (socket: Socket, bytes: number): Promise<string> =>
  new Promise((resolve) => {
    let text = ''
    const on = (c: Buffer) => {
      text += c.toString('latin1')
      if (text.length >= bytes) {
        socket.off('data', on)
        resolve(text)
      }
    }
    socket.on('data', on)
  })

async function tunnel(heads?: { up?: Buffer; down?: Buffer }) {
  const browser = await socketPair() // browser.client is the browser; browser.peer the proxy's side of it
  const server = await socketPair() // server.client is the proxy's upstream socket; server.peer the server
  const stats = pipeSockets(browser.peer, server.client, heads)
  return {
    browser: browser.client,
    server: server.peer,
    stats: (): Promise<TunnelStats> => within(2000, stats, 'tunnel stats'),
    close: async () => {
      await browser.close()
      await server.close()
    },
  }
}

test('bytes cross both ways after the heads, and each direction is counted with its head', async () => {
  const t = await tunnel({ up: Buffer.from('UP-HEAD'), down: Buffer.from('DN') })
  try {
    const atServer = read(t.server, 'UP-HEADhello'.length)
    const atBrowser = read(t.browser, 'DNworld!'.length)
    t.browser.write('hello')
    t.server.write('world!')
    assert.equal(await within(2000, atServer, 'bytes at the server'), 'UP-HEADhello')
    assert.equal(await within(2000, atBrowser, 'bytes at the browser'), 'DNworld!')
    t.browser.end()
    await within(2000, new Promise((r) => t.server.once('end', r)), 'the end to cross over')
    t.server.end()
    assert.deepEqual(await t.stats(), { bytesUp: 7 + 5, bytesDown: 2 + 6 })
  } finally {
    await t.close()
  }
})

test('empty heads add nothing, and a tunnel with none counts only what crossed', async () => {
  const t = await tunnel({ up: Buffer.alloc(0), down: Buffer.alloc(0) })
  try {
    const atServer = read(t.server, 2)
    t.browser.write('ab')
    assert.equal(await within(2000, atServer, 'bytes'), 'ab')
    t.server.destroy()
    assert.deepEqual(await t.stats(), { bytesUp: 2, bytesDown: 0 })
  } finally {
    await t.close()
  }
})

test('a side that fails is named in the stats with its code, and both sides are let go', async () => {
  const t = await tunnel()
  try {
    t.server.resetAndDestroy()
    const stats = await t.stats()
    assert.equal(stats.error, 'upstream: ECONNRESET')
    await within(
      2000,
      new Promise((r) => (t.browser.destroyed ? r(undefined) : t.browser.once('close', r))),
      'the browser side to close',
    )
  } finally {
    await t.close()
  }
})

test('a tunnel whose side is already gone resolves at once and destroys the other', async () => {
  const browser = await socketPair()
  const server = await socketPair()
  try {
    server.client.destroy()
    const stats = await within(2000, pipeSockets(browser.peer, server.client), 'stats')
    assert.deepEqual(stats, { bytesUp: 0, bytesDown: 0 })
    assert.equal(browser.peer.destroyed, true)
  } finally {
    await browser.close()
    await server.close()
  }
})
