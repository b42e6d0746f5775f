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
  test(`nanoscope ${command} prints where it listens first and exits 0 on SIGTERM`, { skip: needs('curl') }, async (t) => {
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

test('an unknown command prints usage on stderr and exits 2', async () => {
  const cli = runCli(['frobnicate'])
  assert.equal(await cli.exited(), 2)
  assert.match(cli.stderr(), /unknown command "frobnicate"/)
  assert.match(cli.stderr(), /Usage: nanoscope/)
})

test('a bad flag prints usage on stderr and exits 2', async () => {
  for (const args of [['proxy', '--bogus'], ['proxy', '--port', 'eighty'], ['proxy', '--target', 'not a url']]) {
    const cli = runCli(args)
    assert.equal(await cli.exited(), 2, args.join(' '))
    assert.match(cli.stderr(), /Usage: nanoscope/)
  }
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
