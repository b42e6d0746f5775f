import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { listeningUrl, runCli, type CliProcess } from '../support/cli-process.ts'
import { startUpstream } from '../support/upstream.ts'
import { send } from './fixtures.ts'

const RUNNER = fileURLToPath(new URL('./run-chaos-command.ts', import.meta.url))
const WIRED = /\bchaos\b/.test(readFileSync(new URL('../../electron/cli/main.ts', import.meta.url), 'utf8'))

/** The command in a process of its own, with the same line helpers as the real CLI. */
function runCommand(args: string[]): CliProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', RUNNER, ...args], { stdio: 'pipe' })
  let out = ''
  let err = ''
  child.stdout.on('data', (d) => { out += d })
  child.stderr.on('data', (d) => { err += d })
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const line = (n: number, timeoutMs = 15_000) => new Promise<string>((resolve, reject) => {
    const check = () => { const lines = out.split('\n'); if (lines.length > n) { done(); resolve(lines[n - 1]!) } }
    const timer = setTimeout(() => { done(); reject(new Error(`no stdout line ${n} within ${timeoutMs} ms; stderr: ${err}`)) }, timeoutMs)
    const done = () => { clearTimeout(timer); child.stdout.off('data', check) }
    child.stdout.on('data', check)
    check()
  })
  const exited = async (timeoutMs = 15_000) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    const code = await exit
    clearTimeout(timer)
    return code
  }
  return {
    child, line, firstLine: (t) => line(1, t), stdout: () => out, stderr: () => err, exited,
    stop: async (signal = 'SIGTERM') => { if (child.exitCode === null) child.kill(signal); return exited() },
  }
}

async function checkChaosCli(cli: CliProcess, signal: NodeJS.Signals): Promise<void> {
  const upstream = await startUpstream((req, res) => res.end(`upstream saw ${req.url}`))
  try {
    const first = await cli.line(1)
    assert.match(first, /^nanoscope chaos listening on http:\/\/127\.0\.0\.1:\d+$/)
    const second = await cli.line(2)
    const m = /^chaos control API on (http:\/\/127\.0\.0\.1:\d+\/chaos) \(docs: (http:\/\/127\.0\.0\.1:\d+\/chaos\/docs)\)$/.exec(second)
    assert.ok(m, second)
    const control = m[1]!
    assert.deepEqual(JSON.parse((await send(`${control}/status`)).body), { chaos: 'none' })
    const stages = [{ type: 'trigger', behaviour: { type: 'status', status: 418 }, trigger: { type: 'always' } }]
    assert.deepEqual(JSON.parse((await send(`${control}/activate/new`, { method: 'POST', body: JSON.stringify(stages) })).body), { chaos: 'Always ReturnStatus (418)' })
    const proxied = await send(listeningUrl(first), { path: `${upstream.url}/chaos/status` })
    assert.equal(proxied.status, 418)
    assert.equal((await send(m[2]!)).status, 200)
    assert.equal(await cli.stop(signal), 0)
  } finally {
    await cli.stop('SIGKILL')
    await upstream.stop()
  }
}

test('the chaos command prints where the proxy listens, then where its control API is, and exits 0 on SIGTERM', async () => {
  await checkChaosCli(runCommand(['--port', '0', '--seed', '7']), 'SIGTERM')
})

test('nanoscope chaos does the same from the real command line and exits 0 on SIGINT', { skip: WIRED ? false : 'runChaosCommand is not wired into electron/cli/main.ts yet' }, async () => {
  await checkChaosCli(runCli(['chaos', '--port', '0', '--control-port', '0']), 'SIGINT')
})

test('a bad chaos flag is a usage error', async () => {
  const cli = runCommand(['--seed', 'lots'])
  assert.notEqual(await cli.exited(), 0)
  assert.match(cli.stderr(), /--seed must be a whole number/)
})
