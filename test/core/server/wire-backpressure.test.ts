/**
 * Backpressure on the wire server's answers, on real sockets: a client that does not read stops the body being read
 * from its producer (an upstream), so a large answer to a slow client costs socket buffers, not memory; when the
 * client reads again, the rest follows, whole and in order.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import net from 'node:net'
import { Readable } from 'node:stream'
import { response, streamBody } from '../../../electron/core/message.ts'
import { startWireServer } from '../../../electron/core/server/wire-server.ts'
import { within } from './net-fixtures.ts'

const CHUNK = 64 * 1024
const TOTAL = 48 * 1024 * 1024

test('wire server: a client that stops reading stops the body being produced, and gets all of it once it reads on', async () => {
  let produced = 0
  const source = new Readable({
    read() {
      if (produced >= TOTAL) {
        this.push(null)
        return
      }
      const chunk = Buffer.alloc(CHUNK, (produced / CHUNK) & 0xff)
      produced += CHUNK
      this.push(chunk)
    },
  })
  const server = await startWireServer(async () =>
    response(200, { headers: [['Content-Length', String(TOTAL)]], body: streamBody(source, TOTAL) }),
  )
  const client = net.connect(server.port, '127.0.0.1')
  client.on('error', () => {})
  try {
    await within(2000, new Promise<void>((resolve) => client.once('connect', () => resolve())), 'the connection')
    let received = 0
    let firstByte!: () => void
    const started = new Promise<void>((resolve) => {
      firstByte = resolve
    })
    const onData = (chunk: Buffer): void => {
      received += chunk.length
      firstByte()
      client.pause() // reads one chunk, then nothing more
    }
    client.on('data', onData)
    client.write('GET /big HTTP/1.1\r\nHost: x\r\n\r\n')
    await within(3000, started, 'the answer to begin')
    await new Promise((resolve) => setTimeout(resolve, 400))
    assert.ok(produced < TOTAL / 2, `the producer was held back (${produced} of ${TOTAL} bytes read from it)`)
    const before = produced
    // Reading on: the rest comes, the producer is read to its end.
    client.off('data', onData)
    const ended = new Promise<void>((resolve) => {
      client.on('data', (chunk: Buffer) => {
        received += chunk.length
        if (received >= TOTAL) resolve()
      })
    })
    client.resume()
    await within(10_000, ended, 'the whole answer')
    assert.ok(produced > before)
    assert.equal(produced, TOTAL)
  } finally {
    client.destroy()
    source.destroy()
    await within(3000, server.stop(), 'the server to stop')
  }
})
