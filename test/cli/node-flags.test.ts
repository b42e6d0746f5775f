import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FORWARDING_NODE_FLAGS, LAUNCHED_ENV, missingNodeFlags, SERVE_NODE_FLAGS } from '../../bin/node-flags.mjs'
import { listeningUrl, runCli } from '../support/cli-process.ts'
import { startUpstream } from '../support/upstream.ts'
import { until } from '../support/wait.ts'
import { startServe } from '../support/serve-process.ts'
import { alive, childrenOf } from '../support/process-tree.ts'

const FLAG = '--max-semi-space-size=4'
const SERVE_FLAG = '--initial-old-space-size=128'

test('the forwarding commands start again with a smaller young generation and a floor under the old one, serve with a higher floor only, the rest not at all', () => {
  assert.deepEqual(FORWARDING_NODE_FLAGS, [FLAG, '--initial-old-space-size=64'])
  assert.deepEqual(SERVE_NODE_FLAGS, [SERVE_FLAG])
  for (const command of ['proxy', 'latency', 'sniff', 'chaos', 'run', 'record'])
    assert.deepEqual(missingNodeFlags([command, '--port', '0'], [], {}), FORWARDING_NODE_FLAGS, command)
  assert.deepEqual(missingNodeFlags(['serve', '--port', '0'], [], {}), [SERVE_FLAG])
  for (const command of ['static', 'clock', 'standin', 'replay', 'har', 'export', 'ca', 'help', 'nonsense'])
    assert.deepEqual(missingNodeFlags([command], [], {}), [], command)
  assert.deepEqual(missingNodeFlags([], [], {}), [])
})

test('no relaunch when node already has the flags, the user chose their own sizes, a debugger is attached, or it is turned off', () => {
  assert.deepEqual(missingNodeFlags(['proxy'], [...FORWARDING_NODE_FLAGS], {}), [])
  assert.deepEqual(missingNodeFlags(['serve'], [SERVE_FLAG], {}), [])
  assert.deepEqual(
    missingNodeFlags(['proxy'], ['--import', 'tsx', '--max-semi-space-size=32'], {}),
    ['--initial-old-space-size=64'],
    'only the flag the user did not set',
  )
  assert.deepEqual(missingNodeFlags(['proxy'], ['--max_semi_space_size=8', '--initial-old-space-size=16'], {}), [])
  assert.deepEqual(
    missingNodeFlags(['serve'], [], { NODE_OPTIONS: '--enable-source-maps --initial-old-space-size=512' }),
    [],
  )
  assert.deepEqual(missingNodeFlags(['proxy'], [], { NANOSCOPE_NODE_FLAGS: 'off' }), [])
  assert.deepEqual(
    missingNodeFlags(['proxy'], [], { [LAUNCHED_ENV]: '1234' }),
    [],
    'a relaunched process never relaunches',
  )
  assert.deepEqual(missingNodeFlags(['proxy'], ['--inspect-brk=0'], {}), [], 'the debugger keeps its process')
  assert.deepEqual(missingNodeFlags(['serve'], [], { NODE_OPTIONS: '--inspect' }), [])
  assert.deepEqual(missingNodeFlags(['proxy', '--help'], [], {}), [], 'help needs no proxy')
  assert.deepEqual(missingNodeFlags(['serve', '-h'], [], {}), [])
})

/** One GET on loopback, bounded. */
async function get(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) })
  return { status: res.status, body: await res.text() }
}

test('nanoscope proxy serves from a node started with the flag, and exits 0 on SIGTERM as before', {
  skip: process.platform !== 'linux' && 'reads /proc',
}, async (t) => {
  const upstream = await startUpstream((_req, res) => res.end('through the relaunched proxy'))
  t.after(() => upstream.stop())
  const cli = runCli(['proxy', '--port', '0', '--target', upstream.url])
  t.after(() => cli.stop('SIGKILL'))
  const url = listeningUrl(await cli.firstLine())
  const children = childrenOf(cli.child.pid!)
  assert.equal(children.length, 1, 'one node process started by the launcher')
  assert.ok(children[0]!.args.includes(FLAG), children[0]!.args.join(' '))
  assert.deepEqual(await get(`${url}/x`), { status: 200, body: 'through the relaunched proxy' })
  assert.equal(await cli.stop('SIGTERM'), 0)
  await until(() => !alive(children[0]!.pid), 5000, 'the relaunched proxy to exit')
})

test('when the launcher is killed outright, the proxy it started stops too', {
  skip: process.platform !== 'linux' && 'reads /proc',
}, async (t) => {
  const cli = runCli(['proxy', '--port', '0'])
  t.after(() => cli.stop('SIGKILL'))
  await cli.firstLine()
  const [proxy] = childrenOf(cli.child.pid!)
  assert.ok(proxy, 'the launcher started the proxy')
  t.after(() => {
    if (alive(proxy.pid)) process.kill(proxy.pid, 'SIGKILL')
  })
  await cli.stop('SIGKILL')
  await until(() => !alive(proxy.pid), 5000, 'the orphaned proxy to stop')
})

test('nanoscope serve serves from a node started with its own flag, not the young-generation one', {
  skip: process.platform !== 'linux' && 'reads /proc',
}, async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'nanoscope-flags-'))
  t.after(() => rmSync(home, { recursive: true, force: true }))
  const served = await startServe([], { ...process.env, NANOSCOPE_HOME: home })
  t.after(() => served.cli.stop('SIGKILL'))
  const children = childrenOf(served.cli.child.pid!)
  assert.equal(children.length, 1, 'one node process started by the launcher')
  assert.ok(children[0]!.args.includes(SERVE_FLAG), children[0]!.args.join(' '))
  assert.ok(!children[0]!.args.includes(FLAG), children[0]!.args.join(' '))
  assert.equal((await get(served.uiUrl)).status, 200, 'and it serves the window')
  await served.stop()
  await until(() => !alive(children[0]!.pid), 5000, 'the relaunched serve to exit')
})
