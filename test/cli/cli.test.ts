import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { createServer } from 'node:net'
import { listeningUrl, runCli } from '../support/cli-process.ts'
import { startUpstream } from '../support/upstream.ts'
import { needs } from '../support/counterparts.ts'

const run = promisify(execFile)

async function curl(args: string[]): Promise<string> {
  const { stdout } = await run('curl', ['-sS', '--max-time', '10', ...args])
  return stdout
}

for (const command of ['proxy', 'latency', 'sniff']) {
  test(`nanoscope ${command} prints where it listens first and exits 0 on SIGTERM`, {
    skip: needs('curl'),
  }, async (t) => {
    const upstream = await startUpstream((_req, res) => res.end(`hi from upstream`))
    t.after(() => upstream.stop())
    const cli = runCli([command, '--port', '0'])
    t.after(() => cli.stop('SIGKILL'))
    const first = await cli.firstLine()
    assert.match(first, new RegExp(`^nanoscope ${command} listening on http://127\\.0\\.0\\.1:\\d+$`))
    assert.notEqual(new URL(listeningUrl(first)).port, '0')
    const body = await curl(['-x', listeningUrl(first), `${upstream.url}/hello?x=1`])
    assert.equal(body, 'hi from upstream')
    assert.equal(upstream.requests[0]?.url, '/hello?x=1')
    assert.equal(await cli.stop('SIGTERM'), 0)
    if (command === 'latency') assert.match(cli.stdout(), /GET http:\/\/127\.0\.0\.1:\d+\/hello\?x=1 200 [\d.]+ms/)
    if (command === 'sniff') {
      assert.match(cli.stdout(), /GET http:\/\/127\.0\.0\.1:\d+\/hello\?x=1 HTTP\/1\.1/)
      assert.match(cli.stdout(), /hi from upstream/)
    }
  })
}

test('nanoscope proxy --target is a reverse proxy that curl can use directly', { skip: needs('curl') }, async (t) => {
  const upstream = await startUpstream((req, res) => res.end(`you asked for ${req.url}`))
  t.after(() => upstream.stop())
  const cli = runCli(['proxy', '--port', '0', '--target', `${upstream.url}/base`])
  t.after(() => cli.stop('SIGKILL'))
  const url = listeningUrl(await cli.firstLine())
  assert.equal(await curl([`${url}/thing?q=1`]), 'you asked for /base/thing?q=1')
})

test('an unknown command is a short usage error naming the nearest command, exit 2', async () => {
  const cli = runCli(['prxy'])
  assert.equal(await cli.exited(), 2)
  assert.equal(cli.stderr(), 'nanoscope: unknown command "prxy" (did you mean "proxy"?)\nsee nanoscope --help\n')
  assert.equal(cli.stdout(), '')
})

test('a bad flag prints what was wrong and where to look, not the whole reference, exit 2', async () => {
  const cases: [string[], RegExp][] = [
    [['proxy', '--bogus'], /^nanoscope proxy: unknown flag --bogus$/],
    [['proxy', '--prot', '1'], /^nanoscope proxy: unknown flag --prot \(did you mean --port\?\)$/],
    [['proxy', '--port', 'eighty'], /^nanoscope proxy: --port must be a whole number from 0 to 65535, got "eighty"$/],
    [['proxy', '--port'], /^nanoscope proxy: --port needs a value$/],
    [['proxy', '--port', '--target', 'http://a'], /^nanoscope proxy: --port needs a value, not another flag/],
    [['proxy', '--https-upstream=yes'], /^nanoscope proxy: --https-upstream takes no value$/],
    [['proxy', '--target', 'not a url'], /^nanoscope proxy: --target must be an http:\/\/ or https:\/\/ URL/],
    [['replay', 'stray'], /^nanoscope replay: unexpected argument "stray"$/],
  ]
  // Eight CLIs start at once: on a loaded 2-core machine each can take longer than the harness's 15 s default to load.
  await Promise.all(
    cases.map(async ([args, first]) => {
      const cli = runCli(args)
      assert.equal(await cli.exited(60_000), 2, args.join(' '))
      const lines = cli.stderr().trimEnd().split('\n')
      assert.match(lines[0]!, first)
      assert.deepEqual(lines.slice(1), [`see nanoscope ${args[0]} --help`], args.join(' '))
    }),
  )
})

test('--flag=value is read like --flag value', async (t) => {
  const cli = runCli(['proxy', '--port=0', '--host=127.0.0.1'])
  t.after(() => cli.stop('SIGKILL'))
  assert.match(await cli.firstLine(), /^nanoscope proxy listening on http:\/\/127\.0\.0\.1:\d+$/)
})

test('a port in use is a one-line error naming the port, exit 1', async (t) => {
  const blocker = createServer()
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise<void>((resolve) => blocker.close(() => resolve())))
  const port = (blocker.address() as { port: number }).port
  const cli = runCli(['proxy', '--port', String(port)])
  assert.equal(await cli.exited(), 1)
  assert.match(cli.stderr().trim(), new RegExp(`^nanoscope proxy: .*${port}.*$`))
})
