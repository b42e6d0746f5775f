/**
 * Real parts for the TLS tests: temp CA folders, an HTTPS upstream whose certificate comes from a separate
 * "upstream" CA (so trusting it is a choice the test makes), and a proxy with interception and capture.
 */
import https from 'node:https'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import { loadOrCreateCa, type CertificateAuthority } from '../../electron/tls/certificate-authority.ts'
import { leafMinter, type LeafMinter } from '../../electron/tls/leaf-minter.ts'
import { simpleProxy } from '../../electron/apps/simple-proxy.ts'
import { mountApp, type MountedApp } from '../../electron/proxy/mount-app.ts'
import { captureTo } from '../../electron/capture/capture-filter.ts'
import type { CapturedExchange } from '../../electron/capture/captured-exchange.ts'
import { systemClock } from '../../electron/core/clock.ts'
import type { ProxyOptions } from '../../electron/proxy/proxy-options.ts'

export function tempDir(label = 'nanoscope-tls-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), label))
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) }
}

/** A CA of our own making in a temp dir, plus its minter. */
export async function testCa(): Promise<{ ca: CertificateAuthority; minter: LeafMinter; remove(): void }> {
  const dir = tempDir()
  const ca = await loadOrCreateCa({ dir: join(dir.path, 'ca') })
  return { ca, minter: await leafMinter(ca), remove: dir.remove }
}

export interface HttpsUpstream {
  readonly port: number
  readonly url: string
  /** The PEM of the CA that signed its certificate. */
  readonly caPem: string
  /** The upstream's own certificate, to compare with what a client sees. */
  readonly certPem: string
  stop(): Promise<void>
}

/** An HTTPS server on 127.0.0.1:0 with a certificate for `host` from a separate CA; answers `hello over https <path>`. */
export async function startHttpsUpstream(host = 'localhost'): Promise<HttpsUpstream> {
  const { ca, minter, remove } = await testCa()
  const leaf = await minter.mint(host)
  const server = https.createServer({ key: minter.keyPem, cert: leaf.certPem }, (req, res) => {
    req.resume()
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end(`hello over https ${req.url}`)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    port,
    url: `https://${host}:${port}`,
    caPem: ca.certPem,
    certPem: leaf.certPem,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => {
          remove()
          resolve()
        })
      }),
  }
}

export interface InterceptingProxy {
  readonly url: string
  readonly mounted: MountedApp
  /** Every capture delivery, in order (a tunnel is delivered when it opens and again when it closes). */
  readonly captured: CapturedExchange[]
  /** Resolves with the first delivery matching `test`, or rejects after `timeoutMs`. */
  waitFor(test: (e: CapturedExchange) => boolean, timeoutMs?: number): Promise<CapturedExchange>
  stop(): Promise<void>
}

/** The simple proxy with capture, mounted on 127.0.0.1:0. */
export async function startInterceptingProxy(options: ProxyOptions): Promise<InterceptingProxy> {
  const captured: CapturedExchange[] = []
  const waiters = new Set<() => void>()
  const capture = captureTo(
    {
      exchangeCompleted: (e) => {
        captured.push(e)
        for (const w of waiters) w()
      },
    },
    {
      listenerId: 'T1',
      clock: systemClock,
      bodyCap: () => 1 << 20,
      enabled: () => true,
    },
  )
  // Only loopback upstreams: a browser's own background requests through this proxy never leave the machine.
  const mounted = await mountApp(
    simpleProxy({ allowHosts: ['localhost', '127.0.0.1', '::1'], ...options, inner: [capture] }),
    { host: '127.0.0.1', port: 0 },
  )
  return {
    url: mounted.server.url,
    mounted,
    captured,
    waitFor: (test, timeoutMs = 5000) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const found = captured.find(test)
          if (found) {
            finish()
            resolve(found)
          }
        }
        const timer = setTimeout(() => {
          finish()
          reject(
            new Error(
              `no captured exchange matched within ${timeoutMs} ms; got ${JSON.stringify(captured.map((e) => [e.method, e.url, e.outcome]))}`,
            ),
          )
        }, timeoutMs)
        const finish = (): void => {
          clearTimeout(timer)
          waiters.delete(check)
        }
        waiters.add(check)
        check()
      }),
    stop: () => mounted.stop(),
  }
}
