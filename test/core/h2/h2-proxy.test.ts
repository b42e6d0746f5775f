import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import https from 'node:https'
import { needs } from '../../support/counterparts.ts'
import { ConnectAgent } from '../../tls/connect-agent.ts'
import {
  startHttpsUpstream,
  startInterceptingProxy,
  tempDir,
  testCa,
  type HttpsUpstream,
  type InterceptingProxy,
} from '../../tls/fixtures.ts'
import { BIG, run, startH2Upstream, type H2Upstream } from './h2-fixtures.ts'
import type { ProxyOptions } from '../../../electron/proxy/proxy-options.ts'

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex')

describe('HTTP/2 through the intercepting proxy', () => {
  let fixture: Awaited<ReturnType<typeof testCa>>
  let h2only: H2Upstream
  let h1only: HttpsUpstream
  let dir: ReturnType<typeof tempDir>
  let caFile: string
  before(async () => {
    fixture = await testCa()
    h2only = await startH2Upstream(fixture.minter)
    h1only = await startHttpsUpstream('localhost')
    dir = tempDir()
    caFile = join(dir.path, 'nanoscope-ca.pem')
    writeFileSync(caFile, fixture.ca.certPem)
  })
  after(async () => {
    await h2only.stop()
    await h1only.stop()
    fixture.remove()
    dir.remove()
  })

  const withProxy = async (
    run: (proxy: InterceptingProxy) => Promise<void>,
    extra: ProxyOptions = {},
  ): Promise<void> => {
    const proxy = await startInterceptingProxy({
      tls: { certificates: fixture.minter },
      upstreamCa: [fixture.ca.certPem, h1only.caPem],
      ...extra,
    })
    try {
      await run(proxy)
    } finally {
      await proxy.stop()
    }
  }

  it('lets curl --http2 reach an h2-only server through CONNECT, speaking HTTP/2 on both sides', {
    skip: needs('curl'),
  }, async () => {
    await withProxy(async (proxy) => {
      const result = await run('curl', [
        '-sS',
        '--http2',
        '--max-time',
        '10',
        '--cacert',
        caFile,
        '-x',
        proxy.url,
        '-w',
        '\n%{http_version}',
        `https://localhost:${h2only.port}/hello?x=1`,
      ])
      assert.equal(result.stderr, '')
      assert.equal(result.stdout, `hello over h2 GET /hello?x=1 for localhost:${h2only.port}\n2`)
      const get = await proxy.waitFor((e) => e.method === 'GET' && e.outcome.kind !== 'pending')
      assert.equal(get.httpVersion, '2')
      assert.equal(get.url, `https://localhost:${h2only.port}/hello?x=1`)
      assert.equal(get.status, 200)
    })
  })

  it('gives an HTTP/1.1 client a 1 MiB body from an h2-only server intact', async () => {
    await withProxy(async (proxy) => {
      const agent = new ConnectAgent({ proxy: proxy.url, ca: fixture.ca.certPem, keepAlive: false })
      try {
        const body = await new Promise<{ status: number; version: string; bytes: Buffer }>((resolve, reject) => {
          const req = https.get(`https://localhost:${h2only.port}/big`, { agent, timeout: 10_000 }, (res) => {
            const chunks: Buffer[] = []
            res.on('data', (c: Buffer) => chunks.push(c))
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, version: res.httpVersion, bytes: Buffer.concat(chunks) }),
            )
            res.on('error', reject)
          })
          req.on('timeout', () => req.destroy(new Error('timed out')))
          req.on('error', reject)
        })
        assert.equal(body.status, 200)
        assert.equal(body.version, '1.1')
        assert.equal(body.bytes.length, BIG.length)
        assert.equal(sha(body.bytes), sha(Buffer.from(BIG)))
      } finally {
        agent.destroy()
      }
      const seen = h2only.seen.at(-1)!
      assert.equal(seen.headers[':authority'], `localhost:${h2only.port}`)
      assert.equal(seen.headers.connection, undefined)
      assert.equal(seen.headers.host, undefined)
    })
  })

  it('lets an h2 client reach an HTTP/1.1-only server, the answer coming back over HTTP/2', {
    skip: needs('curl'),
  }, async () => {
    await withProxy(async (proxy) => {
      const result = await run('curl', [
        '-sS',
        '--http2',
        '--max-time',
        '10',
        '--cacert',
        caFile,
        '-x',
        proxy.url,
        '-w',
        '\n%{http_version}',
        `https://localhost:${h1only.port}/from-h2`,
      ])
      assert.equal(result.stderr, '')
      assert.equal(result.stdout, 'hello over https /from-h2\n2')
    })
  })
})
