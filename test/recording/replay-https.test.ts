// Replay through its own Node client (no `send` given), over real sockets on 127.0.0.1: an https server with a
// certificate the test made, trusted by --upstream-ca or skipped by --insecure-upstream, and a request timeout.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer as createHttpsServer } from 'node:https'
import { createServer as createHttpServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { replay } from '../../electron/recording/replay.ts'
import { cert, key } from '../core/client/tls-fixture.ts'
import { exchange } from './support.ts'

async function listen(server: Server): Promise<{ port: number; stop(): Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    stop: async () => {
      server.closeAllConnections()
      await new Promise((r) => server.close(r))
    },
  }
}

const recorded = (url: string) => [
  exchange({ url, responseBody: 'secure hello', responseHeaders: [['Content-Type', 'text/plain']] }),
]

test('a replay to an https server with its own certificate fails unless that certificate is trusted or checking is skipped', async () => {
  const https = await listen(
    createHttpsServer({ key, cert }, (_req, res) => {
      res.setHeader('Content-Type', 'text/plain')
      res.end('secure hello')
    }) as unknown as Server,
  )
  try {
    const url = `https://localhost:${https.port}/greeting`
    const untrusted = await replay(recorded(url), { speed: Infinity, timeoutMs: 10_000 })
    assert.equal(untrusted.results[0]?.outcome, 'failed')
    assert.match(untrusted.results[0]?.error ?? '', /certificate/i)
    const trusted = await replay(recorded(url), { speed: Infinity, timeoutMs: 10_000, upstreamCa: [cert] })
    assert.deepEqual([trusted.results[0]?.outcome, trusted.results[0]?.status], ['same', 200])
    const insecure = await replay(recorded(url), { speed: Infinity, timeoutMs: 10_000, insecureUpstream: true })
    assert.deepEqual([insecure.results[0]?.outcome, insecure.results[0]?.status], ['same', 200])
  } finally {
    await https.stop()
  }
})

test('a request the server does not answer within the request timeout fails as a timeout, long before the replay deadline', async () => {
  const silent = await listen(createHttpServer(() => {}))
  try {
    const started = Date.now()
    const report = await replay(recorded(`http://127.0.0.1:${silent.port}/slow`), {
      speed: Infinity,
      requestTimeoutMs: 200,
      timeoutMs: 10_000,
    })
    assert.equal(report.results[0]?.outcome, 'failed')
    assert.equal(report.results[0]?.status, 504)
    assert.doesNotMatch(report.results[0]?.error ?? '', /deadline/)
    assert.ok(Date.now() - started < 8000, `took ${Date.now() - started} ms`)
  } finally {
    await silent.stop()
  }
})
