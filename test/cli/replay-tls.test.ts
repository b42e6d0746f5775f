import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import https from 'node:https'
import { join } from 'node:path'
import { runCli } from '../support/cli-process.ts'
import { tempDir, testCa } from '../tls/fixtures.ts'
import { createSession } from '../../electron/recording/session-store.ts'
import { exchange } from '../recording/support.ts'

/** Python's own HTTPS server (http.server wrapped by ssl), on 127.0.0.1:0; prints its port. */
const PYTHON_HTTPS = `
import http.server, ssl, sys
class Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = ('hello ' + self.path).encode()
        self.send_response(200)
        self.send_header('Content-Type', 'text/plain')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args): pass
server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Hello)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(sys.argv[1], sys.argv[2])
server.socket = context.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
server.serve_forever()
`

async function pythonHttps(cert: string, key: string): Promise<{ port: number; stop(): Promise<void> }> {
  const child = spawn('python3', ['-c', PYTHON_HTTPS, cert, key], { stdio: ['ignore', 'pipe', 'pipe'] })
  let err = ''
  child.stderr.on('data', (d) => {
    err += d
  })
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()))
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`python's server did not start within 10 s: ${err}`))
    }, 10_000)
    child.stdout.once('data', (d) => {
      clearTimeout(timer)
      resolve(Number(String(d).trim()))
    })
    child.once('exit', () => {
      clearTimeout(timer)
      reject(new Error(`python exited: ${err}`))
    })
  })
  return {
    port,
    stop: async () => {
      child.kill('SIGTERM')
      await exited
    },
  }
}

test('replay trusts a private-CA server with --upstream-ca or --insecure-upstream, and says so when every request fails', async (t) => {
  const dir = tempDir('nanoscope-replay-tls-')
  t.after(() => dir.remove())
  const { ca, minter, remove } = await testCa()
  t.after(remove)
  const cert = join(dir.path, 'server.pem')
  const key = join(dir.path, 'server-key.pem')
  const caFile = join(dir.path, 'ca.pem')
  writeFileSync(cert, (await minter.mint('localhost')).certPem)
  writeFileSync(key, minter.keyPem)
  writeFileSync(caFile, ca.certPem)
  const server = await pythonHttps(cert, key)
  t.after(() => server.stop())

  // Python names itself and its version in Server: recorded as this server says it, so only TLS can differ.
  const serverHeader = await new Promise<string>((resolve, reject) => {
    https
      .get(`https://localhost:${server.port}/`, { ca: ca.certPem, timeout: 5000 }, (res) => {
        res.resume()
        resolve(String(res.headers.server))
      })
      .on('error', reject)
  })
  const session = join(dir.path, 'session')
  const writer = await createSession(session, { name: 'private ca' })
  for (const path of ['/a', '/b']) {
    await writer.append(
      exchange({
        url: `https://localhost:${server.port}${path}`,
        responseBody: `hello ${path}`,
        responseHeaders: [
          ['Server', serverHeader],
          ['Content-Type', 'text/plain'],
          ['Content-Length', String(6 + path.length)],
        ],
      }),
    )
  }
  await writer.close()

  const replay = async (...extra: string[]) => {
    const cli = runCli(['replay', '--session', session, '--speed', 'max', '--timeout-ms', '10000', ...extra])
    return { code: await cli.exited(20_000), out: cli.stdout() }
  }
  const untrusted = await replay()
  assert.equal(untrusted.code, 1)
  assert.match(untrusted.out, /^2 requests: 0 same, 0 changed, 2 failed, 0 not sent/m)
  assert.match(untrusted.out, /^every request failed, so there is no latency to compare; the first: .*certificate/m)
  assert.doesNotMatch(untrusted.out, /0\/0\/0 ms/)

  for (const flags of [['--upstream-ca', caFile], ['--insecure-upstream']]) {
    const trusted = await replay(...flags)
    assert.equal(trusted.code, 0, `${flags.join(' ')}: ${trusted.out}`)
    assert.match(trusted.out, /^2 requests: 2 same, 0 changed, 0 failed, 0 not sent/m)
    assert.match(trusted.out, /^latency p50\/p95\/max: recorded /m)
  }
})
