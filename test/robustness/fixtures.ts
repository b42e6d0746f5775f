/**
 * What the robustness suite attacks: the simple proxy app with capture into a hub, mounted on a real server on
 * 127.0.0.1:0, with short timeouts so every attack is bounded. Also raw TCP peers for the client side and the
 * upstream side, and a guard that fails the suite if anything escaped as an uncaught exception or rejection.
 */
import assert from 'node:assert/strict'
import net from 'node:net'
import { simpleProxy } from '../../electron/apps/simple-proxy.ts'
import { CaptureHub } from '../../electron/capture/capture-hub.ts'
import { systemClock } from '../../electron/core/clock.ts'
import { mountApp, type MountedApp } from '../../electron/proxy/mount-app.ts'
import type { ExchangeSummary } from '../../shared/exchange.ts'
import { httpUpstream, rawExchange, within, type Listening } from '../core/server/net-fixtures.ts'

export { closedPort, hasHead, rawExchange, splitResponse, tcpServer, within } from '../core/server/net-fixtures.ts'

export interface AttackedProxy {
  readonly mounted: MountedApp
  readonly port: number
  readonly hub: CaptureHub
  /** A plain upstream answering `200 ok` that a normal request goes to. */
  readonly healthy: Listening
  /** Sends a normal request through the proxy and asserts it is answered 200 `ok`. */
  assertStillServes(): Promise<void>
  /**
   * Resolves once the hub holds an exchange matching `match` that is past its request head (ended, or a tunnel
   * whose head came back), then returns it; a request still waiting for its response is not yet "captured".
   */
  captured(match: (s: ExchangeSummary) => boolean, ms?: number): Promise<ExchangeSummary>
  stop(): Promise<void>
}

export interface AttackOptions {
  /** The client adapter's response-head timeout. */
  readonly upstreamTimeoutMs?: number
  readonly headersTimeoutMs?: number
  readonly requestTimeoutMs?: number
}

export async function startAttackedProxy(options: AttackOptions = {}): Promise<AttackedProxy> {
  const hub = new CaptureHub({ bodyCapBytes: 64 * 1024 })
  const app = simpleProxy({
    timeoutMs: options.upstreamTimeoutMs ?? 2000,
    inner: [hub.captureFilter('L1', systemClock)],
  })
  const mounted = await mountApp(app, {
    port: 0,
    ...(options.headersTimeoutMs !== undefined ? { headersTimeoutMs: options.headersTimeoutMs } : {}),
    ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
  })
  const healthy = await httpUpstream((_req, res) => res.end('ok'))
  const port = mounted.server.port
  let served = 0
  return {
    mounted,
    port,
    hub,
    healthy,
    async assertStillServes() {
      served += 1
      const { received } = await rawExchange(
        port,
        `GET ${healthy.url}/still-serving/${served} HTTP/1.1\r\nHost: 127.0.0.1:${healthy.port}\r\nConnection: close\r\n\r\n`,
      )
      const text = received.toString('latin1')
      assert.match(
        text,
        /^HTTP\/1\.1 200 OK\r\n/,
        `the proxy stopped serving normal requests; it answered: ${text.slice(0, 200)}`,
      )
      assert.ok(text.endsWith('\r\n\r\nok'), `the normal request's body did not arrive: ${text.slice(0, 200)}`)
    },
    async captured(match, ms = 3000) {
      const deadline = Date.now() + ms
      for (;;) {
        const found = hub.summaries().find((s) => (s.outcome.kind !== 'pending' || s.status !== undefined) && match(s))
        if (found) return found
        if (Date.now() > deadline) {
          const seen = hub
            .summaries()
            .map((s) => `${s.method} ${s.url} ${JSON.stringify(s.outcome)}`)
            .join('\n  ')
          throw new Error(`no matching exchange captured within ${ms} ms; captured:\n  ${seen}`)
        }
        await new Promise((r) => setTimeout(r, 10))
      }
    },
    async stop() {
      await within(4000, mounted.stop(), 'the attacked proxy to stop')
      hub.close()
      await healthy.close()
    },
  }
}

/** Opens a raw socket to the port; resolves once connected. The caller destroys it. */
export function connectRaw(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.off('error', reject)
      resolve(socket)
    })
    socket.once('error', reject)
  })
}

/** Resolves with what arrived on the socket once it closes, or after `ms` (then `closed` is false). */
export function collect(socket: net.Socket, ms: number): Promise<{ received: Buffer; closed: boolean }> {
  return new Promise((resolve) => {
    let received = Buffer.alloc(0)
    const timer = setTimeout(() => resolve({ received, closed: false }), ms)
    socket.on('error', () => {})
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk])
    })
    socket.once('close', () => {
      clearTimeout(timer)
      resolve({ received, closed: true })
    })
  })
}

/** Resolves when `socket` closes, failing after `ms`. */
export function closedWithin(socket: net.Socket, ms: number, what: string): Promise<void> {
  if (socket.destroyed) return Promise.resolve()
  return within(ms, new Promise<void>((resolve) => socket.once('close', () => resolve())), what)
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/**
 * Records every uncaught exception and unhandled rejection while installed. `assertNone` fails naming them: the
 * suite's own check that no attack got past the adapters' catch-alls.
 */
export function crashGuard(): { assertNone(): void; remove(): void } {
  const escaped: unknown[] = []
  const onError = (error: unknown): void => {
    escaped.push(error)
  }
  process.on('uncaughtException', onError)
  process.on('unhandledRejection', onError)
  return {
    assertNone() {
      assert.deepEqual(
        escaped.map((e) => (e instanceof Error ? (e.stack ?? e.message) : String(e))),
        [],
        'something escaped as an uncaught exception or unhandled rejection',
      )
    },
    remove() {
      process.off('uncaughtException', onError)
      process.off('unhandledRejection', onError)
    },
  }
}
