/**
 * The HTTP/2 bench's processes. argv `upstream`: an h2c-only node:http2 server answering every stream with 1 KiB;
 * tells its parent `{ port }`. argv `proxy <upstream port>`: the simple proxy in reverse mode to that upstream,
 * speaking h2c on both sides (h2c prior knowledge on its plain listener, `h2cUpstream` upstream); tells its parent
 * `{ port }`. argv `floor <upstream port>`: the least a node:http2 proxy can do, for comparison: each server stream
 * becomes a request on one shared client session, headers passed as Node gives them, bodies piped both ways, no
 * pipeline, no capture. Each exits when its parent disconnects, and answers `'cpu?'` with its CPU time in
 * microseconds.
 */
import http2 from 'node:http2'
import type { AddressInfo } from 'node:net'
import { simpleProxy } from '../electron/apps/simple-proxy.ts'
import { mountApp } from '../electron/proxy/mount-app.ts'
import { tuneGarbageCollection } from '../electron/proxy/gc-tuning.ts'
import { mixedClient } from '../electron/core/client/mixed-client.ts'
import { startWireServer } from '../electron/core/server/wire-server.ts'
import { answerAllocationQuestions } from './alloc-meter.ts'
import { systemClock } from '../electron/core/clock.ts'

const [role = 'upstream', upstreamPort = '0'] = process.argv.slice(2)
const body = Buffer.alloc(1024, 'abcdefghijklmnopqrstuvwxyz0123456789\n')

async function main(): Promise<void> {
  tuneGarbageCollection() // as the CLI does
  if (role === 'upstream') {
    const server = http2.createServer({ settings: { maxConcurrentStreams: 1000 } })
    server.on('stream', (stream) => {
      stream.on('error', () => {})
      stream.respond({ ':status': 200, 'content-type': 'text/plain', 'content-length': body.byteLength })
      stream.end(body)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    process.send?.({ port: (server.address() as AddressInfo).port })
    return
  }
  if (role === 'floor') {
    await startFloor(Number(upstreamPort))
    return
  }
  if (role === 'adapters') {
    const client = mixedClient({ h2c: true })
    const base = `http://127.0.0.1:${upstreamPort}`
    const server = await startWireServer((req) => client(Object.freeze({ ...req, target: base + req.target })), {
      host: '127.0.0.1',
      port: 0,
    })
    process.send?.({ port: server.port })
    return
  }
  const app = simpleProxy({ clock: systemClock, target: `http://127.0.0.1:${upstreamPort}`, h2cUpstream: true })
  const mounted = await mountApp(app, { host: '127.0.0.1', port: 0 })
  process.send?.({ port: mounted.server.port })
}

/** The floor: a node:http2 pass-through with nothing of Nanoscope's in it. */
async function startFloor(port: number): Promise<void> {
  const client = http2.connect(`http://127.0.0.1:${port}`)
  client.on('error', () => {})
  const server = http2.createServer({ settings: { maxConcurrentStreams: 1000 } })
  server.on('stream', (stream, headers) => {
    stream.on('error', () => {})
    const up = client.request(headers, { endStream: stream.readableEnded })
    up.on('error', () => stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR))
    up.once('response', (h) => {
      if (stream.destroyed || stream.closed) {
        up.close(http2.constants.NGHTTP2_CANCEL)
        return
      }
      stream.respond(h)
      up.pipe(stream)
    })
    stream.once('close', () => {
      if (!up.closed) up.close(http2.constants.NGHTTP2_CANCEL)
    })
    if (!stream.readableEnded) stream.pipe(up)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  process.send?.({ port: (server.address() as AddressInfo).port })
}

process.on('disconnect', () => process.exit(0))
process.on('message', (message) => {
  if (answerAllocationQuestions(message)) return
  if (message !== 'cpu?') return
  const { user, system } = process.cpuUsage()
  process.send?.(user + system)
})
main().catch((error: unknown) => {
  console.error(`h2-child (${role}) failed to start:`, error)
  process.exit(1)
})
