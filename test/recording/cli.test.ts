import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createSession } from '../../electron/recording/session-store.ts'
import { startUpstream } from '../support/upstream.ts'
import { validateHar } from './har-schema.ts'
import { exchange, tempDir, waitFor } from './support.ts'

const RUN = fileURLToPath(new URL('./run-command.ts', import.meta.url))
const FIXTURE = fileURLToPath(new URL('./fixtures/firefox.har', import.meta.url))

function run(args: string[], timeoutMs = 20_000) {
  const child = spawn(process.execPath, ['--import', 'tsx', RUN, ...args], { stdio: 'pipe' })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => {
    stdout += d
  })
  child.stderr.on('data', (d) => {
    stderr += d
  })
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  void exit.then(() => clearTimeout(timer))
  return { child, exit, out: () => stdout, err: () => stderr }
}

test('nanoscope har import then har export turns a browser HAR into a session and back into valid HAR', async () => {
  const t = await tempDir()
  try {
    const dir = join(t.dir, 'imported')
    const imported = run(['har', 'import', FIXTURE, '--dir', dir, '--name', 'from firefox'])
    assert.equal(await imported.exit, 0, imported.err())
    assert.match(imported.out(), /imported 3 entries into/)
    assert.match(imported.err(), /adjusted: response body missing/)
    const out = join(t.dir, 'out.har')
    const exported = run(['har', 'export', '--session', dir, '--out', out])
    assert.equal(await exported.exit, 0, exported.err())
    const har = JSON.parse(await readFile(out, 'utf8')) as { log: { entries: unknown[] } }
    assert.deepEqual(validateHar(har), [])
    assert.equal(har.log.entries.length, 3)
  } finally {
    await t.remove()
  }
})

test('nanoscope replay --json sends a session at --target and prints a report; usage and damage errors are clear', async () => {
  const t = await tempDir()
  const upstream = await startUpstream((req, res) => {
    res.setHeader('Content-Type', 'text/plain')
    res.end(req.url === '/a' ? 'alpha' : 'changed')
  })
  try {
    const writer = await createSession(t.dir, { name: 'cli' })
    await writer.append(
      exchange({ url: 'http://old.test/a', responseBody: 'alpha', responseHeaders: [['Content-Type', 'text/plain']] }),
    )
    await writer.append(
      exchange({
        url: 'http://old.test/b',
        startedAt: 1_700_000_000_010,
        responseBody: 'beta',
        responseHeaders: [['Content-Type', 'text/plain']],
      }),
    )
    await writer.close()
    const replay = run([
      'replay',
      '--session',
      t.dir,
      '--target',
      upstream.url,
      '--speed',
      'max',
      '--json',
      '--timeout-ms',
      '10000',
    ])
    assert.equal(await replay.exit, 1, 'a changed response makes the exit code 1')
    const report = JSON.parse(replay.out()) as {
      counts: Record<string, number>
      results: Array<{ outcome: string; body?: unknown }>
    }
    assert.deepEqual(report.counts, { same: 1, changed: 1, failed: 0, 'not-sent': 0 })
    assert.match(replay.err(), /\[2\/2\] GET http:\/\/127\.0\.0\.1:\d+\/b → 200/)
    assert.deepEqual(
      upstream.requests.map((r) => r.url),
      ['/a', '/b'],
    )

    const usage = run(['replay', '--speed', 'fast'])
    assert.equal(await usage.exit, 2)
    assert.match(usage.err(), /replay needs --session/)

    await writeFile(
      join(t.dir, 'exchanges.log'),
      Buffer.concat([Buffer.from('NSR1 5 0 0 00000000\n{}xx\n\nmore'), Buffer.alloc(10)]),
    )
    const damaged = run(['replay', '--session', t.dir])
    assert.equal(await damaged.exit, 1)
    assert.match(damaged.err(), /exchanges\.log at byte 0: /)
  } finally {
    await upstream.stop()
    await t.remove()
  }
})

test('nanoscope standin serves a session, printing its listening line first, and stops on SIGTERM', async () => {
  const t = await tempDir()
  try {
    const writer = await createSession(t.dir)
    await writer.append(exchange({ url: 'http://svc.test/hello?b=1&a=2', responseBody: 'hi from the recording' }))
    await writer.close()
    const standin = run(['standin', '--session', t.dir, '--port', '0', '--ignore-query', 'ts'])
    await waitFor(() => standin.out().includes('\n'), 15_000, `the listening line (stderr: ${standin.err()})`)
    const url = /^nanoscope standin listening on (http:\/\/\S+)$/m.exec(standin.out())?.[1]
    assert.ok(url, standin.out())
    const hit = await fetch(`${url}/hello?a=2&ts=99&b=1`, { signal: AbortSignal.timeout(5000) })
    assert.equal(await hit.text(), 'hi from the recording')
    const miss = await fetch(`${url}/bye`, { signal: AbortSignal.timeout(5000) })
    assert.equal(miss.status, 404)
    standin.child.kill('SIGTERM')
    assert.equal(await standin.exit, 0)
  } finally {
    await t.remove()
  }
})
