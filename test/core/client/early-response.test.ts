import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startInterceptingProxy, tempDir, testCa, type InterceptingProxy } from '../../tls/fixtures.ts'
import { needs } from '../../support/counterparts.ts'
import {
  earlyAnswerServer,
  nginxWithBodyLimit,
  pythonHttpServer,
  NGINX,
  type RealServer,
} from '../../support/early-servers.ts'

/** curl's exit code, the status it got and the body; `-w` puts the status on the last line. */
function curl(args: string[]): Promise<{ code: number; status: number; body: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'curl',
      ['-sS', '--max-time', '20', '-w', '\n%{http_code}', ...args],
      { timeout: 25_000 },
      (error, stdout, stderr) => {
        const at = stdout.lastIndexOf('\n')
        resolve({
          code: error ? Number((error as { code?: unknown }).code ?? 1) : 0,
          status: Number(stdout.slice(at + 1)),
          body: stdout.slice(0, Math.max(0, at)),
          stderr,
        })
      },
    )
  })
}

const UPLOAD_BYTES = 3 * 1024 * 1024

describe('a server that answers before reading the whole upload, through the proxy', {
  skip: needs('curl') || needs('python3'),
}, () => {
  let dir: ReturnType<typeof tempDir>
  let upload: string
  let fixture: Awaited<ReturnType<typeof testCa>>
  let caFile: string
  let upstreamTls: { certFile: string; keyFile: string; caPem: string }
  const servers: RealServer[] = []
  const proxies: InterceptingProxy[] = []

  before(async () => {
    dir = tempDir('nanoscope-early-')
    upload = join(dir.path, 'upload.bin')
    writeFileSync(upload, randomBytes(UPLOAD_BYTES))
    fixture = await testCa()
    caFile = join(dir.path, 'nanoscope-ca.pem')
    writeFileSync(caFile, fixture.ca.certPem)
    const upstreamCa = await testCa()
    const leaf = await upstreamCa.minter.mint('localhost')
    upstreamTls = {
      certFile: join(dir.path, 'upstream.pem'),
      keyFile: join(dir.path, 'upstream-key.pem'),
      caPem: upstreamCa.ca.certPem,
    }
    writeFileSync(upstreamTls.certFile, leaf.certPem)
    writeFileSync(upstreamTls.keyFile, upstreamCa.minter.keyPem)
    upstreamCa.remove()
  })
  after(async () => {
    for (const proxy of proxies) await proxy.stop()
    for (const server of servers) await server.stop()
    fixture.remove()
    dir.remove()
  })

  const proxy = async (): Promise<InterceptingProxy> => {
    const started = await startInterceptingProxy({
      tls: { certificates: fixture.minter },
      upstreamCa: [upstreamTls.caPem],
    })
    proxies.push(started)
    return started
  }
  const server = async (start: Promise<RealServer>): Promise<RealServer> => {
    const started = await start
    servers.push(started)
    return started
  }

  for (const expect of [true, false]) {
    const how = expect ? 'with Expect: 100-continue' : 'streaming the body at once (no Expect)'
    const expectArgs = expect ? [] : ['-H', 'Expect:']

    it(`gives curl the 501 Python's http.server sends to a 3 MB POST, not a proxy-made 502 (${how})`, async () => {
      const upstream = await server(pythonHttpServer())
      const through = await proxy()
      // The precondition, not what is tested: Python's server closes at once with the upload unread, and a busy
      // machine sometimes delivers its reset to curl before the 501, so the direct check may take a few tries.
      let direct = await curl([
        ...expectArgs,
        '--data-binary',
        `@${upload}`,
        `http://127.0.0.1:${upstream.port}/upload`,
      ])
      for (let i = 0; i < 4 && direct.status !== 501; i++)
        direct = await curl([...expectArgs, '--data-binary', `@${upload}`, `http://127.0.0.1:${upstream.port}/upload`])
      assert.equal(direct.status, 501, 'sent directly, curl sees the 501')
      const result = await curl([
        ...expectArgs,
        '-x',
        through.url,
        '--data-binary',
        `@${upload}`,
        `http://127.0.0.1:${upstream.port}/upload`,
      ])
      assert.equal(result.status, 501, `through the proxy: ${result.body} ${result.stderr}`)
      assert.doesNotMatch(result.body, /upstream reset/)
      assert.equal(result.code, 0, `curl ends cleanly: ${result.stderr}`)
      const seen = await through.waitFor((e) => e.method === 'POST')
      assert.equal(seen.status, 501)
      assert.equal(seen.outcome.kind, 'completed')
    })

    it(`gives curl a 413 sent after the head only, by a server that closes with the body unread (${how})`, async () => {
      const upstream = await server(earlyAnswerServer(413))
      const through = await proxy()
      for (let round = 0; round < 3; round++) {
        const result = await curl([
          ...expectArgs,
          '-x',
          through.url,
          '--data-binary',
          `@${upload}`,
          `http://127.0.0.1:${upstream.port}/upload`,
        ])
        assert.equal(result.status, 413, `round ${round}: ${result.body} ${result.stderr}`)
        assert.equal(result.body, 'refused early by the test server\n')
        assert.equal(result.code, 0, `curl ends cleanly: ${result.stderr}`)
      }
    })

    it(`gives curl a 401 from an HTTPS server that answers early, through interception (${how})`, async () => {
      const upstream = await server(earlyAnswerServer(401, upstreamTls))
      const through = await proxy()
      for (let round = 0; round < 3; round++) {
        const result = await curl([
          ...expectArgs,
          '--cacert',
          caFile,
          '-x',
          through.url,
          '--data-binary',
          `@${upload}`,
          `https://localhost:${upstream.port}/upload`,
        ])
        assert.equal(result.status, 401, `round ${round}: ${result.body} ${result.stderr}`)
        assert.equal(result.body, 'refused early by the test server\n')
      }
      const seen = await through.waitFor((e) => e.method === 'POST')
      assert.equal(seen.url, `https://localhost:${upstream.port}/upload`)
      assert.equal(seen.status, 401)
    })

    it(`gives curl the 413 of nginx with client_max_body_size, plain and intercepted (${how})`, async (t) => {
      const plain = await nginxWithBodyLimit(join(dir.path, `nginx-${expect}`))
      if (!plain) {
        t.skip(needs('nginx') || `${NGINX} is not installed`)
        return
      }
      servers.push(plain)
      const secure = await server(
        nginxWithBodyLimit(join(dir.path, `nginx-tls-${expect}`), upstreamTls).then((s) => s!),
      )
      const through = await proxy()
      for (const url of [`http://127.0.0.1:${plain.port}/upload`, `https://localhost:${secure.port}/upload`]) {
        const result = await curl([
          ...expectArgs,
          '--cacert',
          caFile,
          '-x',
          through.url,
          '--data-binary',
          `@${upload}`,
          url,
        ])
        assert.equal(result.status, 413, `${url}: ${result.body} ${result.stderr}`)
        assert.match(result.body, /413 Request Entity Too Large/)
        const small = await curl(['--cacert', caFile, '-x', through.url, '--data-binary', 'ok', url])
        assert.equal(small.status, 200, `${url}: ${small.body} ${small.stderr}`)
      }
    })
  }
})
