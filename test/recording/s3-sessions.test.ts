import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdir, readdir, readFile } from 'node:fs/promises'
import { request } from 'node:http'
import { join } from 'node:path'
import S3rver from 's3rver'
import { BIN } from '../support/cli-process.ts'
import { startUpstream } from '../support/upstream.ts'
import { tempDir, waitFor } from './support.ts'

/** s3rver (an S3-protocol server on a local folder) on 127.0.0.1 with port 0 and the bucket "team". */
async function startS3(dir: string): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, configureBuckets: [{ name: 'team', configs: [] }] })
  const address = await server.run()
  return { endpoint: `http://127.0.0.1:${address.port}`, stop: () => server.close() }
}

/** The environment a team member would set for an S3-compatible server; nothing from this machine's AWS setup. */
function s3Env(endpoint: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env }
  for (const name of Object.keys(env)) if (name.startsWith('AWS_')) delete env[name]
  return { ...env, AWS_ENDPOINT_URL: endpoint, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', ...extra }
}

function cli(args: string[], env: NodeJS.ProcessEnv, cwd: string) {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: 'pipe', env, cwd })
  let out = '', err = ''
  child.stdout.on('data', (d) => { out += d })
  child.stderr.on('data', (d) => { err += d })
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
  void exit.then(() => clearTimeout(timer))
  return {
    child, exit, out: () => out, err: () => err,
    firstLine: async () => { await waitFor(() => out.includes('\n') || child.exitCode !== null, 20_000, 'the first stdout line'); return out.split('\n')[0]! },
  }
}

function send(url: string, method = 'GET', body?: Buffer, headers: Record<string, string> = {}): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }))
    })
    req.on('error', reject)
    req.on('timeout', () => req.destroy(new Error('timed out')))
    req.end(body)
  })
}

const BINARY = Buffer.from([0, 1, 2, 0xff, 0x80, 10])

test('a session recorded through the proxy to s3:// is replayed, stood in for, and exported from the bucket, and nothing named s3: appears on disk', async () => {
  const t = await tempDir()
  const s3 = await startS3(join(t.dir, 'bucket-store'))
  const upstream = await startUpstream((req, res, body) => { res.setHeader('Content-Type', 'text/plain'); res.end(`${req.method} ${req.url} ${body.byteLength}`) })
  const second = await startUpstream((req, res, body) => { res.setHeader('Content-Type', 'text/plain'); res.end(`${req.method} ${req.url} ${body.byteLength}`) })
  const work = join(t.dir, 'work')
  await mkdir(work)
  const env = s3Env(s3.endpoint)
  const session = 's3://team/shared/checkout'
  try {
    const record = cli(['record', '--dir', session, '--port', '0', '--target', upstream.url], env, work)
    const line = await record.firstLine()
    const proxy = /listening on (http:\/\/\S+)/.exec(line)?.[1]
    assert.ok(proxy, `record did not start: ${line} ${record.err()}`)
    assert.equal((await send(`${proxy}/a?x=1`)).body.toString(), 'GET /a?x=1 0')
    assert.equal((await send(`${proxy}/b`, 'POST', BINARY, { 'Content-Type': 'application/octet-stream' })).body.toString(), 'POST /b 6')
    assert.equal((await send(`${proxy}/c`, 'DELETE')).status, 200)
    record.child.kill('SIGTERM')
    assert.equal(await record.exit, 0, record.err())
    assert.match(record.err(), /recorded 3 exchanges to s3:\/\/team\/shared\/checkout/)

    const replay = cli(['replay', '--session', session, '--target', second.url, '--speed', 'max', '--json'], env, work)
    assert.equal(await replay.exit, 0, `${replay.err()}\n${replay.out()}`)
    const report = JSON.parse(replay.out()) as { total: number; counts: { same: number } }
    assert.deepEqual([report.total, report.counts.same], [3, 3], 'the second server answers as the first did')
    assert.deepEqual(second.requests.map((r) => `${r.method} ${r.url}`), ['GET /a?x=1', 'POST /b', 'DELETE /c'], 'the same requests in the same order')
    assert.deepEqual(second.requests[1]!.body, BINARY, 'the same body bytes')

    const standin = cli(['standin', '--session', session, '--port', '0', '--no-intercept'], env, work)
    const standinUrl = /listening on (http:\/\/\S+)/.exec(await standin.firstLine())?.[1]
    assert.ok(standinUrl, standin.err())
    assert.equal((await send(`${standinUrl}/a?x=1`)).body.toString(), 'GET /a?x=1 0', 'answered from the recording in the bucket')
    standin.child.kill('SIGTERM')
    await standin.exit

    const har = cli(['har', 'export', '--session', session, '--out', join(t.dir, 'out.har')], env, work)
    assert.equal(await har.exit, 0, har.err())
    const entries = (JSON.parse(await readFile(join(t.dir, 'out.har'), 'utf8')) as { log: { entries: Array<{ request: { url: string } }> } }).log.entries
    assert.deepEqual(entries.map((e) => new URL(e.request.url).pathname), ['/a', '/b', '/c'])

    const k6 = cli(['export', 'k6', '--session', session, '--out', join(t.dir, 'load.js')], env, work)
    assert.equal(await k6.exit, 0, k6.err())

    assert.deepEqual(await readdir(work), [], 'nothing is made in the working directory, no "s3:" folder above all')
  } finally {
    await upstream.stop()
    await second.stop()
    await s3.stop()
    await t.remove()
  }
})
