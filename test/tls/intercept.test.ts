import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import net from 'node:net'
import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { X509Certificate } from 'node:crypto'
import { startUpstream } from '../support/upstream.ts'
import { needs } from '../support/counterparts.ts'
import { ConnectAgent, connectThrough, getVia } from './connect-agent.ts'
import {
  startHttpsUpstream,
  startInterceptingProxy,
  tempDir,
  testCa,
  type HttpsUpstream,
  type InterceptingProxy,
} from './fixtures.ts'
import type { CapturedExchange } from '../../electron/capture/captured-exchange.ts'

function curl(args: string[], timeoutMs = 10_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'curl',
      ['-sS', '--max-time', String(timeoutMs / 1000), ...args],
      { timeout: timeoutMs + 2000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stdout, stderr })
      },
    )
  })
}

const closedConnect = (e: CapturedExchange): boolean => e.method === 'CONNECT' && e.outcome.kind !== 'pending'

describe('HTTPS interception through CONNECT', () => {
  let fixture: Awaited<ReturnType<typeof testCa>>
  let upstream: HttpsUpstream
  let dir: ReturnType<typeof tempDir>
  let caFile: string
  before(async () => {
    fixture = await testCa()
    upstream = await startHttpsUpstream('localhost')
    dir = tempDir()
    caFile = join(dir.path, 'nanoscope-ca.pem')
    writeFileSync(caFile, fixture.ca.certPem)
  })
  after(async () => {
    await upstream.stop()
    fixture.remove()
    dir.remove()
  })

  const withProxy = async (
    options: Parameters<typeof startInterceptingProxy>[0],
    run: (proxy: InterceptingProxy) => Promise<void>,
  ): Promise<void> => {
    const proxy = await startInterceptingProxy(options)
    try {
      await run(proxy)
    } finally {
      await proxy.stop()
    }
  }

  it('lets curl fetch an https page through the proxy when it trusts the exported CA, and captures the decrypted exchange', {
    skip: needs('curl'),
  }, async () => {
    await withProxy({ tls: { certificates: fixture.minter }, upstreamCa: [upstream.caPem] }, async (proxy) => {
      const result = await curl(['--cacert', caFile, '-x', proxy.url, `https://localhost:${upstream.port}/inside?q=1`])
      assert.equal(result.stderr, '')
      assert.equal(result.stdout, 'hello over https /inside?q=1')
      const get = await proxy.waitFor((e) => e.method === 'GET')
      assert.equal(get.url, `https://localhost:${upstream.port}/inside?q=1`)
      assert.equal(get.status, 200)
      assert.deepEqual(get.outcome, { kind: 'completed' })
      const connect = await proxy.waitFor(closedConnect)
      assert.deepEqual(connect.outcome, { kind: 'completed' })
      assert.ok((connect.tunnel?.bytesUp ?? 0) > 0 && (connect.tunnel?.bytesDown ?? 0) > 0)
    })
  })

  it("serves Node's https client through a CONNECT agent, keeping one tunnel alive for several requests", async () => {
    await withProxy({ tls: { certificates: fixture.minter }, upstreamCa: [upstream.caPem] }, async (proxy) => {
      const agent = new ConnectAgent({ proxy: proxy.url, ca: fixture.ca.certPem, keepAlive: true, maxSockets: 1 })
      try {
        for (const path of ['/one', '/two', '/three']) {
          const res = await getVia(agent, `https://localhost:${upstream.port}${path}`)
          assert.equal(res.status, 200)
          assert.equal(res.body, `hello over https ${path}`)
        }
      } finally {
        agent.destroy()
      }
      await proxy.waitFor(closedConnect)
      assert.equal(proxy.captured.filter((e) => e.method === 'CONNECT' && e.outcome.kind === 'pending').length, 1)
      assert.deepEqual(
        proxy.captured.filter((e) => e.method === 'GET').map((e) => e.path),
        ['/one', '/two', '/three'],
      )
    })
  })

  it('presents a certificate with an IP SAN to a client that connects to an IP address', async () => {
    await withProxy({ tls: { certificates: fixture.minter } }, async (proxy) => {
      const socket = await connectThrough(proxy.url, '127.0.0.1', upstream.port, { ca: fixture.ca.certPem })
      try {
        const cert = socket.getPeerX509Certificate()!
        assert.equal(cert.checkIP('127.0.0.1'), '127.0.0.1')
        assert.equal(socket.alpnProtocol, false)
      } finally {
        socket.destroy()
      }
    })
  })

  it('offers h2 and http/1.1 by ALPN, so a client that prefers h2 gets it and one that asks for http/1.1 only gets that', async () => {
    await withProxy({ tls: { certificates: fixture.minter } }, async (proxy) => {
      for (const [offered, picked] of [
        [['h2', 'http/1.1'], 'h2'],
        [['http/1.1'], 'http/1.1'],
      ] as const) {
        const socket = await connectThrough(proxy.url, 'localhost', upstream.port, {
          ca: fixture.ca.certPem,
          ALPNProtocols: [...offered],
        })
        try {
          assert.equal(socket.alpnProtocol, picked)
        } finally {
          socket.destroy()
        }
      }
    })
  })

  it('answers a proxy-made 502 naming the unknown issuer when the upstream certificate is not trusted', async () => {
    await withProxy({ tls: { certificates: fixture.minter } }, async (proxy) => {
      const agent = new ConnectAgent({ proxy: proxy.url, ca: fixture.ca.certPem })
      try {
        const res = await getVia(agent, `https://localhost:${upstream.port}/`)
        assert.equal(res.status, 502)
        assert.equal(res.headers['x-nanoscope-generated'], 'tls')
        assert.match(res.body, /unknown issuer/)
      } finally {
        agent.destroy()
      }
      const get = await proxy.waitFor((e) => e.method === 'GET')
      assert.equal(get.outcome.kind, 'failed')
      assert.match(get.outcome.kind === 'failed' ? get.outcome.message : '', /unknown issuer/)
    })
  })

  it('answers a proxy-made 502 naming the wrong host when the upstream certificate is for another name', async () => {
    await withProxy({ tls: { certificates: fixture.minter }, upstreamCa: [upstream.caPem] }, async (proxy) => {
      const agent = new ConnectAgent({ proxy: proxy.url, ca: fixture.ca.certPem })
      try {
        const res = await getVia(agent, `https://127.0.0.1:${upstream.port}/`)
        assert.equal(res.status, 502)
        assert.match(res.body, /wrong host/)
      } finally {
        agent.destroy()
      }
    })
  })

  it('accepts an untrusted upstream certificate when told the upstream may be insecure', {
    skip: needs('curl'),
  }, async () => {
    await withProxy({ tls: { certificates: fixture.minter }, insecureUpstream: true }, async (proxy) => {
      const result = await curl(['--cacert', caFile, '-x', proxy.url, `https://localhost:${upstream.port}/anyway`])
      assert.equal(result.stdout, 'hello over https /anyway')
    })
  })

  it("leaves TLS untouched for passthrough hosts, so the client sees the upstream's own certificate", async () => {
    await withProxy(
      { tls: { certificates: fixture.minter, passthrough: ['*.example', 'localhost'] } },
      async (proxy) => {
        const socket = await connectThrough(proxy.url, 'localhost', upstream.port, { ca: upstream.caPem })
        try {
          assert.ok(socket.getPeerX509Certificate()!.raw.equals(new X509Certificate(upstream.certPem).raw))
        } finally {
          socket.destroy()
        }
        const connect = await proxy.waitFor(closedConnect)
        assert.ok(connect.tags.includes('passthrough'))
        assert.equal(proxy.captured.filter((e) => e.method !== 'CONNECT').length, 0)
      },
    )
  })

  it('records a client that rejects our certificate as a failed TLS handshake, and keeps serving', {
    skip: needs('curl'),
  }, async () => {
    await withProxy({ tls: { certificates: fixture.minter }, upstreamCa: [upstream.caPem] }, async (proxy) => {
      const rejected = await curl(['-x', proxy.url, `https://localhost:${upstream.port}/`])
      assert.equal(rejected.code, 60, rejected.stderr)
      const connect = await proxy.waitFor(closedConnect)
      assert.equal(connect.outcome.kind, 'failed')
      assert.match(
        connect.outcome.kind === 'failed' ? connect.outcome.message : '',
        /^tls handshake failed: client rejected the certificate \(unknown ca\)/,
      )
      assert.match(connect.tunnel?.error ?? '', /^tls handshake failed/)

      await assert.rejects(
        connectThrough(proxy.url, 'localhost', upstream.port, {}),
        /self-signed certificate in certificate chain/,
      )
      await proxy.waitFor((e) => closedConnect(e) && e !== connect)
      const second = proxy.captured.filter(closedConnect)[1]!
      assert.match(
        second.outcome.kind === 'failed' ? second.outcome.message : '',
        /^tls handshake failed: .*Nanoscope CA/,
      )

      const ok = await curl(['--cacert', caFile, '-x', proxy.url, `https://localhost:${upstream.port}/still-up`])
      assert.equal(ok.stdout, 'hello over https /still-up')
    })
  })

  it('tunnels a CONNECT stream that is not TLS untouched', async () => {
    const plain = await startUpstream((req, res) => {
      res.end(`plain ${req.url}`)
    })
    try {
      await withProxy({ tls: { certificates: fixture.minter } }, async (proxy) => {
        const reply = await rawConnect(
          proxy.mounted.server.port,
          `127.0.0.1:${plain.port}`,
          'GET /raw HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
        )
        assert.match(reply, /^HTTP\/1\.1 200 Connection Established\r\n/)
        assert.match(reply, /plain \/raw$/)
        await proxy.waitFor(closedConnect)
        assert.equal(proxy.captured.filter((e) => e.method !== 'CONNECT').length, 0)
        assert.equal(plain.requests[0]?.url, '/raw')
      })
    } finally {
      await plain.stop()
    }
  })

  it('tunnels a protocol where the server speaks first once the client has been silent for a while', async () => {
    const greeter = net.createServer((socket) => {
      socket.end('220 hello from the server\r\n')
    })
    await new Promise<void>((resolve) => greeter.listen(0, '127.0.0.1', resolve))
    const port = (greeter.address() as net.AddressInfo).port
    try {
      await withProxy({ tls: { certificates: fixture.minter, clientFirstMs: 100 } }, async (proxy) => {
        const reply = await rawConnect(proxy.mounted.server.port, `127.0.0.1:${port}`, '')
        assert.match(reply, /220 hello from the server\r\n$/)
      })
    } finally {
      await new Promise((resolve) => greeter.close(resolve))
    }
  })
})

/** Sends CONNECT, then `payload` once the 200 is in, and returns everything received until the close (bounded). */
function rawConnect(proxyPort: number, authority: string, payload: string, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(proxyPort, '127.0.0.1')
    let received = ''
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`no close within ${timeoutMs} ms; got ${JSON.stringify(received)}`))
    }, timeoutMs)
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => {
      const before = received
      received += chunk
      if (!before.includes('\r\n\r\n') && received.includes('\r\n\r\n') && payload) socket.write(payload)
    })
    socket.on('close', () => {
      clearTimeout(timer)
      resolve(received)
    })
    socket.on('error', () => {})
    socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`)
  })
}
