import { test } from 'node:test'
import assert from 'node:assert/strict'
import { listeningUrl, runCli, type CliProcess } from '../support/cli-process.ts'
import { startUpstream } from '../support/upstream.ts'
import { send } from './fixtures.ts'

/** `nanoscope chaos …` from the real command line. */
function runCommand(args: string[]): CliProcess {
  return runCli(['chaos', ...args])
}

async function checkChaosCli(cli: CliProcess, signal: NodeJS.Signals): Promise<void> {
  const upstream = await startUpstream((req, res) => res.end(`upstream saw ${req.url}`))
  try {
    const first = await cli.line(1)
    assert.match(first, /^nanoscope chaos listening on http:\/\/127\.0\.0\.1:\d+$/)
    const second = await cli.line(2)
    const m =
      /^chaos control API on (http:\/\/127\.0\.0\.1:\d+\/chaos) \(docs: (http:\/\/127\.0\.0\.1:\d+\/chaos\/docs)\)$/.exec(
        second,
      )
    assert.ok(m, second)
    const control = m[1]!
    assert.deepEqual(JSON.parse((await send(`${control}/status`)).body), { chaos: 'none' })
    const stages = [{ type: 'trigger', behaviour: { type: 'status', status: 418 }, trigger: { type: 'always' } }]
    assert.deepEqual(
      JSON.parse((await send(`${control}/activate/new`, { method: 'POST', body: JSON.stringify(stages) })).body),
      { chaos: 'Always ReturnStatus (418)' },
    )
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

test('nanoscope chaos with an explicit control port does the same and exits 0 on SIGINT', async () => {
  await checkChaosCli(runCli(['chaos', '--port', '0', '--control-port', '0']), 'SIGINT')
})

test('a bad chaos flag is a usage error', async () => {
  const cli = runCommand(['--seed', 'lots'])
  assert.notEqual(await cli.exited(), 0)
  assert.match(cli.stderr(), /--seed must be a whole number/)
})
