/**
 * The HTTP/2 bench's processes. argv `upstream`: an h2c-only node:http2 server answering every stream with 1 KiB;
 * tells its parent `{ port }`. argv `proxy <upstream port>`: the simple proxy in reverse mode to that upstream,
 * speaking h2c on both sides (h2c prior knowledge on its plain listener, `h2cUpstream` upstream); tells its parent
 * `{ port }`. Each exits when its parent disconnects, and answers `'cpu?'` with its CPU time in microseconds.
 */
import http2 from 'node:http2'
import type { AddressInfo } from 'node:net'
import { simpleProxy } from '../electron/apps/simple-proxy.ts'
import { mountApp } from '../electron/proxy/mount-app.ts'
import { tuneGarbageCollection } from '../electron/proxy/gc-tuning.ts'
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
  const app = simpleProxy({ clock: systemClock, target: `http://127.0.0.1:${upstreamPort}`, h2cUpstream: true })
  const mounted = await mountApp(app, { host: '127.0.0.1', port: 0 })
  process.send?.({ port: mounted.server.port })
}

process.on('disconnect', () => process.exit(0))
process.on('message', (message) => {
  if (message !== 'cpu?') return
  const { user, system } = process.cpuUsage()
  process.send?.(user + system)
})
main().catch((error: unknown) => {
  console.error(`h2-child (${role}) failed to start:`, error)
  process.exit(1)
})
