import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, renameSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { runCli, listeningUrl } from '../support/cli-process.ts'
import { startUpstream } from '../support/upstream.ts'
import { until } from '../support/wait.ts'
import { send } from './fixtures.ts'

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'nanoscope-run-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** Writes the file the way editors often do: a new file renamed over the old one. */
function save(file: string, json: unknown): void {
  writeFileSync(`${file}.tmp`, JSON.stringify(json, null, 2))
  renameSync(`${file}.tmp`, file)
}

test('run --check names every problem by its JSON path and exits 2, without starting anything', async (t) => {
  const dir = tempDir(t)
  const file = path.join(dir, 'bad.json')
  save(file, {
    listeners: [
      {
        name: 'api',
        port: 0,
        pipeline: [
          { use: 'latency' },
          { use: 'mock', respond: { status: 700 } },
          { use: 'nosuchblock' },
          { use: 'mapLocal', dir: './missing' },
          { use: 'mapRemote', to: 'not a url' },
        ],
      },
      { port: 9555, pipeline: [] },
      { port: 9555, pipeline: [] },
    ],
  })
  const cli = runCli(['run', '--check', file])
  assert.equal(await cli.exited(), 2)
  const lines = cli.stderr().trim().split('\n')
  assert.deepEqual(lines, [
    'listeners[0].pipeline[1].respond.status: must be between 100 and 599',
    'listeners[0].pipeline[2].use: unknown block "nosuchblock" (known: block, breakpoint, chaos, latency, mapLocal, mapRemote, mock, record, rewrite, script, sniff, throttle)',
    `listeners[0].pipeline[3].dir: no folder at ${path.join(dir, 'missing')}`,
    'listeners[0].pipeline[4].to: must be an http:// or https:// URL without query or fragment, such as "http://127.0.0.1:3000"',
    "listeners[2].port: 127.0.0.1:9555 is also listeners[1]'s address",
  ])
  assert.equal(cli.stdout(), '')
})

test('run --check passes a good file with exit 0, and a file that is not JSON is one clear line', async (t) => {
  const dir = tempDir(t)
  const good = path.join(dir, 'good.json')
  save(good, {
    listeners: [{ port: 0, pipeline: [{ use: 'mock', match: { path: '/health' }, respond: { body: 'ok' } }] }],
  })
  const ok = runCli(['run', '--check', good])
  assert.equal(await ok.exited(), 0)
  assert.match(ok.stdout(), /ok \(1 listener, 1 block\)/)
  const broken = path.join(dir, 'broken.json')
  writeFileSync(broken, '{ "listeners": [ ')
  const bad = runCli(['run', '--check', broken])
  assert.equal(await bad.exited(), 2)
  assert.match(bad.stderr(), /^\$: not valid JSON/)
})

test('run --check loads each script as starting would: a syntax error or a rejected with is a problem named by its path', async (t) => {
  const dir = tempDir(t)
  writeFileSync(path.join(dir, 'good.mjs'), 'export default (next) => next\n')
  writeFileSync(path.join(dir, 'broken.ts'), 'export default (next => \n')
  writeFileSync(
    path.join(dir, 'picky.mjs'),
    'export const options = (v) => { if (typeof v?.n !== "number") throw new Error("n must be a number"); return v }\nexport default (next) => next\n',
  )
  const file = path.join(dir, 'scripts.json')
  save(file, {
    listeners: [
      {
        port: 0,
        pipeline: [
          { use: 'script', file: 'good.mjs' },
          { use: 'script', file: 'broken.ts' },
          { use: 'script', file: 'picky.mjs', with: { n: 'x' } },
        ],
      },
    ],
  })
  const cli = runCli(['run', '--check', file])
  assert.equal(await cli.exited(), 2)
  const lines = cli.stderr().trim().split('\n')
  assert.equal(lines.length, 2)
  assert.match(lines[0]!, /^listeners\[0\]\.pipeline\[1\]\.file: script broken\.ts: .*broken\.ts:\d+:\d+: ERROR: /)
  assert.equal(lines[1], 'listeners[0].pipeline[2].file: script picky.mjs: with: n must be a number')
  save(file, {
    listeners: [
      {
        port: 0,
        pipeline: [
          { use: 'script', file: 'good.mjs' },
          { use: 'script', file: 'picky.mjs', with: { n: 1 } },
        ],
      },
    ],
  })
  const ok = runCli(['run', '--check', file])
  assert.equal(await ok.exited(), 0)
  assert.match(ok.stdout(), /ok \(1 listener, 2 blocks\)/)
})

test('run --schema prints a JSON Schema that names every block', async () => {
  const cli = runCli(['run', '--schema'])
  assert.equal(await cli.exited(), 0)
  const schema = JSON.parse(cli.stdout())
  const blocks = schema.properties.listeners.items.properties.pipeline.items.anyOf as {
    properties: { use: { const: string } }
  }[]
  assert.deepEqual(blocks.map((b) => b.properties.use.const).sort(), [
    'block',
    'breakpoint',
    'chaos',
    'latency',
    'mapLocal',
    'mapRemote',
    'mock',
    'record',
    'rewrite',
    'script',
    'sniff',
    'throttle',
  ])
})

for (const app of ['proxy', 'latency', 'sniff', 'record', 'chaos']) {
  test(`nanoscope ${app} --print-pipeline writes a file that passes --check`, async (t) => {
    const dir = tempDir(t)
    const printed = runCli([
      app,
      '--port',
      '0',
      '--target',
      'http://127.0.0.1:1',
      '--print-pipeline',
      ...(app === 'record' ? ['--dir', path.join(dir, 's')] : []),
    ])
    assert.equal(await printed.exited(), 0)
    const file = path.join(dir, 'app.json')
    writeFileSync(file, printed.stdout())
    const parsed = JSON.parse(printed.stdout())
    assert.equal(parsed.listeners[0].target, 'http://127.0.0.1:1')
    const checked = runCli(['run', '--check', file])
    assert.equal(await checked.exited(), 0, checked.stderr())
  })
}

test("the latency app's printed pipeline, run, behaves as the app: the same answer and one latency line per exchange", async (t) => {
  const dir = tempDir(t)
  const upstream = await startUpstream((req, res) => res.end(`hello ${req.url}`))
  t.after(() => upstream.stop())
  const printed = runCli(['latency', '--port', '0', '--target', upstream.url, '--no-intercept', '--print-pipeline'])
  assert.equal(await printed.exited(), 0)
  const file = path.join(dir, 'latency.json')
  writeFileSync(file, printed.stdout())
  const run = runCli(['run', file])
  t.after(() => run.stop())
  const first = await run.firstLine(20_000)
  assert.match(first, /^nanoscope run listening on http:\/\/127\.0\.0\.1:\d+ \(latency\)$/)
  const a = await send(listeningUrl(first), { path: '/x' })
  assert.equal(a.body.toString(), 'hello /x')
  assert.match(await run.line(2), /^GET http:\/\/127\.0\.0\.1:\d+\/x 200 [\d.]+ms$/)
})

test('run follows the file: a good save applies to new exchanges, a bad save keeps the old pipeline and says why', async (t) => {
  const dir = tempDir(t)
  const upstream = await startUpstream((_req, res) => res.end('from upstream'))
  t.after(() => upstream.stop())
  const file = path.join(dir, 'live.json')
  const listener = { name: 'api', port: 0, noIntercept: true, target: upstream.url }
  save(file, { listeners: [{ ...listener, pipeline: [] }] })
  const run = runCli(['run', file])
  t.after(() => run.stop())
  const url = listeningUrl(await run.firstLine(20_000))
  assert.equal((await send(url)).body.toString(), 'from upstream')
  save(file, { listeners: [{ ...listener, pipeline: [{ use: 'mock', respond: { body: 'from the mock' } }] }] })
  await until(() => run.stderr().includes('reloaded'), 5000, 'the reload')
  assert.equal((await send(url)).body.toString(), 'from the mock')
  save(file, { listeners: [{ ...listener, pipeline: [{ use: 'mock', respond: { status: 1000 } }] }] })
  await until(() => run.stderr().includes('respond.status'), 5000, 'the refusal')
  assert.match(run.stderr(), /listeners\[0\]\.pipeline\[0\]\.respond\.status: must be between 100 and 599/)
  assert.equal((await send(url)).body.toString(), 'from the mock', 'the old pipeline still runs')
})

test('run with a port in use exits 1 with one line, and closes the listeners it had started', async (t) => {
  const dir = tempDir(t)
  const blocker = net.createServer()
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
  t.after(() => blocker.close())
  const taken = (blocker.address() as net.AddressInfo).port
  const file = path.join(dir, 'busy.json')
  save(file, {
    listeners: [
      { name: 'first', port: 0, noIntercept: true, pipeline: [] },
      { name: 'second', port: taken, noIntercept: true, pipeline: [] },
    ],
  })
  const run = runCli(['run', file])
  assert.equal(await run.exited(20_000), 1)
  assert.equal(run.stderr().trim().split('\n').length, 1)
  assert.match(run.stderr(), new RegExp(String(taken)))
})

test("the sniff app's printed pipeline with --out, run, writes what crossed the wire to that file", async (t) => {
  const dir = tempDir(t)
  const upstream = await startUpstream((req, res) => res.end(`hello ${req.url}`))
  t.after(() => upstream.stop())
  const outFile = path.join(dir, 'wire.txt')
  const printed = runCli([
    'sniff',
    '--port',
    '0',
    '--target',
    upstream.url,
    '--no-intercept',
    '--out',
    outFile,
    '--print-pipeline',
  ])
  assert.equal(await printed.exited(), 0)
  assert.deepEqual(JSON.parse(printed.stdout()).listeners[0].pipeline, [{ use: 'sniff', out: outFile }])
  const file = path.join(dir, 'sniff.json')
  writeFileSync(file, printed.stdout())
  const run = runCli(['run', file])
  const url = listeningUrl(await run.firstLine(20_000))
  assert.equal((await send(url, { path: '/wire' })).body.toString(), 'hello /wire')
  assert.equal(await run.stop(), 0)
  const text = readFileSync(outFile, 'utf8')
  assert.match(text, /^GET http:\/\/127\.0\.0\.1:\d+\/wire HTTP\/1\.1\n/)
  assert.match(text, /Via: 1\.1 nanoscope/)
  assert.match(text, /hello \/wire/)
})

test("run with a script block follows the script's saves: a good one applies, a broken one is one stderr line naming the file", async (t) => {
  const dir = tempDir(t)
  const upstream = await startUpstream((req, res) => res.end(`tag=${req.headers['x-tag'] ?? '-'}`))
  t.after(() => upstream.stop())
  const script = path.join(dir, 'filters', 'tag.ts')
  const tag = (v: string): string =>
    `import type { Filter } from 'nanoscope'\nconst tag: Filter = (next) => (req) => next({ ...req, headers: [...req.headers, ['x-tag', '${v}']] })\nexport default tag\n`
  mkdirSync(path.dirname(script))
  writeFileSync(script, tag('one'))
  const file = path.join(dir, 'scripted.json')
  save(file, {
    listeners: [
      {
        name: 'api',
        port: 0,
        noIntercept: true,
        target: upstream.url,
        pipeline: [{ use: 'script', file: './filters/tag.ts' }],
      },
    ],
  })
  const run = runCli(['run', file])
  t.after(() => run.stop())
  const url = listeningUrl(await run.firstLine(20_000))
  assert.equal((await send(url)).body.toString(), 'tag=one')
  writeFileSync(script, tag('two'))
  await until(() => run.stderr().includes('reloaded'), 5000, "the script's reload")
  assert.equal((await send(url)).body.toString(), 'tag=two')
  writeFileSync(script, 'export default (next => \n')
  await until(() => run.stderr().includes('not reloaded'), 5000, 'the refused save')
  const lines = run
    .stderr()
    .trim()
    .split('\n')
    .filter((l) => l.includes('not reloaded'))
  assert.equal(lines.length, 1)
  assert.match(
    lines[0]!,
    /^script \.\/filters\/tag\.ts: not reloaded, the previous version keeps running: .*tag\.ts:\d+:\d+: ERROR: Unexpected end of file$/,
  )
  assert.equal((await send(url)).body.toString(), 'tag=two', 'the previous version still runs')
})
