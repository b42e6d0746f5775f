/**
 * The TLS bench's processes. argv `upstream <dir>`: a plain HTTP and an HTTPS upstream (certificate for
 * `localhost` from a CA made in `<dir>/upstream-ca`) answering `/1k`; tells its parent
 * `{ httpPort, httpsPort, caFile }`. argv `proxy <dir> <upstream CA file>`: the simple proxy intercepting HTTPS
 * with a CA made in `<dir>/proxy-ca`, trusting the upstream CA; tells its parent `{ port, caPem }`.
 * Each exits when its parent disconnects.
 */
import http from 'node:http'
import https from 'node:https'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import { loadOrCreateCa } from '../electron/tls/certificate-authority.ts'
import { leafMinter } from '../electron/tls/leaf-minter.ts'
import { tlsInterception } from '../electron/tls/interception.ts'
import { simpleProxy } from '../electron/apps/simple-proxy.ts'
import { mountApp } from '../electron/proxy/mount-app.ts'
import { tuneGarbageCollection } from '../electron/proxy/gc-tuning.ts'
import { systemClock } from '../electron/core/clock.ts'

const [role = 'upstream', dir = '.', upstreamCaFile = ''] = process.argv.slice(2)
const body = Buffer.alloc(1024, 'abcdefghijklmnopqrstuvwxyz0123456789\n')

function answer(req: http.IncomingMessage, res: http.ServerResponse): void {
  req.resume()
  if (req.url !== '/1k') {
    res.writeHead(404, { 'Content-Length': '0' }).end()
    return
  }
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': String(body.byteLength) }).end(body)
}

async function listen(server: http.Server): Promise<number> {
  server.keepAliveTimeout = 60_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as AddressInfo).port
}

async function main(): Promise<void> {
  tuneGarbageCollection() // as the CLI does
  if (role === 'upstream') {
    const ca = await loadOrCreateCa({ dir: join(dir, 'upstream-ca') })
    const minter = await leafMinter(ca)
    const leaf = await minter.mint('localhost')
    const caFile = join(dir, 'upstream-ca.pem')
    writeFileSync(caFile, ca.certPem)
    const httpPort = await listen(http.createServer(answer))
    const httpsPort = await listen(https.createServer({ key: minter.keyPem, cert: leaf.certPem }, answer))
    process.send?.({ httpPort, httpsPort, caFile })
    return
  }
  const tls = await tlsInterception({ caDir: join(dir, 'proxy-ca') })
  const app = simpleProxy({ clock: systemClock, tls, upstreamCa: [readFileSync(upstreamCaFile, 'utf8')] })
  const mounted = await mountApp(app, { host: '127.0.0.1', port: 0 })
  process.send?.({ port: mounted.server.port, caPem: tls.certificates.ca.certPem })
}

process.on('disconnect', () => process.exit(0))
main().catch((error: unknown) => {
  console.error(`tls-child (${role}) failed to start:`, error)
  process.exit(1)
})
