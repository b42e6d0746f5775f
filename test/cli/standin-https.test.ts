import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { listeningUrl, runCli } from '../support/cli-process.ts'
import { tempDir } from '../tls/fixtures.ts'
import { createSession } from '../../electron/recording/session-store.ts'
import { exchange } from '../recording/support.ts'

const run = promisify(execFile)

/** curl's status line and body; never fails on an HTTP status. */
async function curl(args: string[]): Promise<{ status: number; body: string }> {
  const { stdout } = await run('curl', ['-sS', '--max-time', '10', '-w', '\n%{http_code}', ...args])
  const cut = stdout.lastIndexOf('\n')
  return { status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut) }
}

test('curl with the exported CA gets HTTPS answers from the stand-in, recordings match either scheme, and a miss names the nearest path', async (t) => {
  const dir = tempDir('nanoscope-standin-https-')
  t.after(() => dir.remove())
  const caDir = join(dir.path, 'ca')
  const caFile = join(dir.path, 'nanoscope-ca.pem')
  const ca = runCli(['ca', '--dir', caDir, '--export', caFile])
  assert.equal(await ca.exited(), 0, ca.stderr())

  // Nothing listens on these ports: an answer can only come from the recording.
  const session = join(dir.path, 'session')
  const writer = await createSession(session, { name: 'https' })
  await writer.append(exchange({ url: 'https://localhost:9/', responseBody: 'the root' }))
  await writer.append(exchange({ url: 'https://localhost:9/a.txt', responseBody: 'recorded through interception' }))
  await writer.append(exchange({ url: 'http://localhost:7/plain', responseBody: 'recorded over plain http' }))
  await writer.close()

  const standin = runCli(['standin', '--session', session, '--port', '0', '--ca-dir', caDir])
  t.after(() => standin.stop('SIGKILL'))
  const proxy = listeningUrl(await standin.firstLine())

  assert.deepEqual(await curl(['--cacert', caFile, '-x', proxy, 'https://localhost:9/a.txt']), {
    status: 200,
    body: 'recorded through interception',
  })
  assert.deepEqual(
    await curl(['-x', proxy, 'http://localhost:9/a.txt']),
    { status: 200, body: 'recorded through interception' },
    'an HTTPS recording answers plain HTTP',
  )
  assert.deepEqual(
    await curl(['--cacert', caFile, '-x', proxy, 'https://localhost:7/plain']),
    { status: 200, body: 'recorded over plain http' },
    'a plain recording answers HTTPS',
  )

  const miss = await curl(['--cacert', caFile, '-x', proxy, 'https://localhost:9/a.tx'])
  assert.equal(miss.status, 404)
  const nearest = (JSON.parse(miss.body) as { nearest: Array<{ url: string }> }).nearest.map((n) => n.url)
  assert.deepEqual(nearest.slice(0, 2), ['https://localhost:9/a.txt', 'https://localhost:9/'])

  await assert.rejects(
    curl(['-x', proxy, 'https://localhost:9/a.txt']),
    /certificate/,
    "without the CA, curl refuses the stand-in's certificate: it really is TLS",
  )
  assert.equal(await standin.stop('SIGTERM'), 0)
})

test('nanoscope standin --no-intercept answers a CONNECT with a 404, as before', async (t) => {
  const dir = tempDir('nanoscope-standin-plain-')
  t.after(() => dir.remove())
  const session = join(dir.path, 'session')
  const writer = await createSession(session, { name: 'plain' })
  await writer.append(exchange({ url: 'https://localhost:9/a.txt' }))
  await writer.close()
  const standin = runCli(['standin', '--session', session, '--port', '0', '--no-intercept'])
  t.after(() => standin.stop('SIGKILL'))
  const proxy = listeningUrl(await standin.firstLine())
  await assert.rejects(curl(['-x', proxy, 'https://localhost:9/a.txt']), /CONNECT tunnel failed, response 404/)
})
