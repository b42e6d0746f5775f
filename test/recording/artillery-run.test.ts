import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { createSession } from '../../electron/recording/session-store.ts'
import { runCli } from '../support/cli-process.ts'
import { startUpstream } from '../support/upstream.ts'
import { artilleryBin } from '../support/artillery-cache.mjs'
import { exchange, tempDir } from './support.ts'

/** Artillery weighs ~600 MB, so it is never a dependency: `npm run artillery:install` puts it in a cache folder. */
function needsArtillery(): string | false {
  if (existsSync(artilleryBin())) return false
  const reason = `needs Artillery in ${artilleryBin()} (npm run artillery:install; about 600 MB)`
  if (process.env.NANOSCOPE_REQUIRE_ALL === '1') throw new Error(`NANOSCOPE_REQUIRE_ALL=1 and a test ${reason}`)
  return reason
}

const BINARY = Buffer.from([0, 1, 2, 0xff, 0xfe, 10, 13])

test('Artillery itself, running the exported script, sends the recorded requests in order with their bodies and pauses', {
  skip: needsArtillery(),
}, async () => {
  const t = await tempDir()
  const arrivals: Array<{ at: number; method: string; url: string }> = []
  const upstream = await startUpstream((req, res) => {
    arrivals.push({ at: Date.now(), method: req.method ?? '', url: req.url ?? '' })
    if (req.url === '/redirect') {
      res.statusCode = 302
      res.setHeader('Location', '/elsewhere')
    }
    res.end('ok')
  })
  try {
    const session = join(t.dir, 'session')
    const writer = await createSession(session, { name: 'to artillery' })
    const t0 = 1_700_000_000_000
    await writer.append(
      exchange({
        url: 'http://old.test/items?page=2&q=a%20b',
        startedAt: t0,
        durationMs: 100,
        requestHeaders: [
          ['Host', 'old.test'],
          ['Accept', 'application/json'],
          ['Connection', 'keep-alive'],
          ['Cookie', 'a=1'],
          ['Cookie', 'b=2'],
        ],
      }),
    )
    await writer.append(
      exchange({
        method: 'POST',
        url: 'http://old.test/cart',
        startedAt: t0 + 350,
        durationMs: 50,
        requestBody: '{"sku":"A-1"}',
        requestHeaders: [
          ['Host', 'old.test'],
          ['Content-Type', 'application/json'],
        ],
      }),
    )
    await writer.append(
      exchange({
        method: 'PUT',
        url: 'http://old.test/blob',
        startedAt: t0 + 400,
        durationMs: 10,
        requestBody: BINARY,
        requestHeaders: [
          ['Host', 'old.test'],
          ['Content-Type', 'application/octet-stream'],
        ],
      }),
    )
    await writer.append(
      exchange({
        method: 'POST',
        url: 'http://old.test/tmpl',
        startedAt: t0 + 1410,
        durationMs: 10,
        requestBody: 'hello {{ name }}',
        requestHeaders: [
          ['Host', 'old.test'],
          ['Content-Type', 'text/plain'],
        ],
      }),
    )
    await writer.append(
      exchange({ url: 'http://old.test/redirect', startedAt: t0 + 1420, durationMs: 10, status: 302 }),
    )
    await writer.close()
    const script = join(t.dir, 'load.yml')
    const exported = runCli(['export', 'artillery', '--session', session, '--out', script, '--target', upstream.url])
    assert.equal(await exported.exited(), 0, exported.stderr())

    const run = spawn(process.execPath, [artilleryBin(), 'run', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ARTILLERY_DISABLE_TELEMETRY: 'true', NODE_OPTIONS: '' },
    })
    let output = ''
    run.stdout.on('data', (d) => {
      output += d
    })
    run.stderr.on('data', (d) => {
      output += d
    })
    const timer = setTimeout(() => run.kill('SIGKILL'), 180_000)
    const code = await new Promise<number | null>((resolve) => run.on('exit', resolve))
    clearTimeout(timer)
    assert.equal(code, 0, output)
    assert.match(output, /vusers\.failed: \.+ 0/)

    assert.deepEqual(
      upstream.requests.map((r) => `${r.method} ${r.url}`),
      ['GET /items?page=2&q=a%20b', 'POST /cart', 'PUT /blob', 'POST /tmpl', 'GET /redirect'],
      'the recorded requests in order, and the redirect not followed',
    )
    const [items, cart, blob, tmpl] = upstream.requests
    const headers = (r: { rawHeaders: string[] }) =>
      Object.fromEntries(r.rawHeaders.flatMap((v, i, all) => (i % 2 === 0 ? [[v.toLowerCase(), all[i + 1]!]] : [])))
    assert.equal(headers(items!).accept, 'application/json')
    assert.equal(headers(items!).cookie, 'a=1; b=2')
    assert.equal(cart!.body.toString(), '{"sku":"A-1"}')
    assert.equal(headers(cart!)['content-type'], 'application/json')
    assert.deepEqual(blob!.body, BINARY, 'a binary body arrives byte for byte')
    assert.equal(tmpl!.body.toString(), 'hello {{ name }}', 'a body holding {{ is not templated')
    const gap = (a: number, b: number) => arrivals[b]!.at - arrivals[a]!.at
    assert.ok(gap(0, 1) >= 240, `the recorded 250 ms pause before the second request (was ${gap(0, 1)} ms)`)
    assert.ok(gap(2, 3) >= 990, `the recorded 1000 ms pause before the fourth request (was ${gap(2, 3)} ms)`)
  } finally {
    await upstream.stop()
    await t.remove()
  }
})
