import { test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { Host } from '../../electron/host/host.ts'
import { FileListeners } from '../../electron/host/file-listeners.ts'
import { loadPipelineFile } from '../../electron/pipeline/pipeline-runner.ts'
import type { ListenerInfo } from '../../shared/exchange.ts'
import { startUpstream } from '../support/upstream.ts'
import { until } from '../support/wait.ts'
import { send } from '../pipeline/fixtures.ts'
import { scriptDir } from '../pipeline/script-fixtures.ts'

const TAG = (v: string) =>
  `export default (next) => (req) => next({ ...req, headers: [...req.headers, ['x-tag', '${v}']] })\n`

test('the window keeps, edits and moves the script blocks its pipeline file gave, but cannot name a new script file', async (t) => {
  const upstream = await startUpstream((req, res) => res.end(`tag=${req.headers['x-tag'] ?? '-'}`))
  const s = scriptDir()
  s.write('tag.mjs', TAG('file'))
  s.write('other.mjs', TAG('other'))
  const file = path.join(s.dir, 'nanoscope.pipeline.json')
  writeFileSync(
    file,
    JSON.stringify({
      listeners: [{ name: 'api', port: 0, target: upstream.url, pipeline: [{ use: 'script', file: './tag.mjs' }] }],
    }),
  )
  const host = new Host()
  const fromFile = new FileListeners(host, file)
  t.after(async () => {
    await fromFile.stop()
    await host.stop()
    await upstream.stop()
    s.remove()
  })
  const loaded = loadPipelineFile(file)
  assert.ok(loaded.ok)
  await fromFile.start(loaded.value)
  const proxy = host.listeners.list().find((l) => l.name === 'api')!
  assert.equal((await send(proxy.url)).body.toString(), 'tag=file')

  const connection = host.connectWindow(() => {})
  t.after(() => connection.close())
  const kept = (await connection.dispatch('setPipeline', {
    listenerId: proxy.id,
    pipeline: [{ use: 'latency' }, { use: 'script', file: 'tag.mjs', name: 'renamed', timeoutMs: 5000 }],
  })) as ListenerInfo
  assert.deepEqual(
    kept.blocks?.map((b) => b.use),
    ['latency', 'script', 'chaos'],
  )

  const checked = (await connection.dispatch('checkPipeline', {
    listenerId: proxy.id,
    pipeline: [
      { use: 'script', file: 'tag.mjs' },
      { use: 'script', file: './other.mjs' },
    ],
  })) as { problems: string[] }
  assert.equal(checked.problems.length, 1)
  assert.match(checked.problems[0]!, /^pipeline\[1\]\.file: the window cannot add the script .*other\.mjs/)
  await assert.rejects(
    connection.dispatch('setPipeline', { listenerId: proxy.id, pipeline: [{ use: 'script', file: './other.mjs' }] }),
    /^Error: pipeline\[0\]\.file: the window cannot add the script .*other\.mjs: scripts run with your rights/,
  )
  await assert.rejects(
    connection.dispatch('startListener', {
      kind: 'proxy',
      mode: 'forward',
      port: 0,
      baseDir: s.dir,
      pipeline: [{ use: 'script', file: './tag.mjs' }],
    }),
    /pipeline\[0\]\.file: the window cannot add the script .*tag\.mjs/,
    'a new listener has no file behind it, so no script at all',
  )
  assert.equal((await send(proxy.url)).body.toString(), 'tag=file', 'the refused pipeline left the running one alone')

  const removed = (await connection.dispatch('setPipeline', { listenerId: proxy.id, pipeline: [] })) as ListenerInfo
  assert.deepEqual(
    removed.blocks?.map((b) => b.use),
    ['chaos'],
  )
  await connection.dispatch('setPipeline', { listenerId: proxy.id, pipeline: [{ use: 'script', file: './tag.mjs' }] })
  assert.equal(
    (await send(proxy.url)).body.toString(),
    'tag=file',
    'a script the file gave may be put back after the window removed it',
  )
})

test('a script save that does not load shows on its block in every window, and clears when a good save follows', async (t) => {
  const upstream = await startUpstream((req, res) => res.end(`tag=${req.headers['x-tag'] ?? '-'}`))
  const s = scriptDir()
  s.write('tag.mjs', TAG('one'))
  const host = new Host()
  t.after(async () => {
    await host.stop()
    await upstream.stop()
    s.remove()
  })
  const heard: ListenerInfo[] = []
  const connection = host.connectWindow((name, payload) => {
    if (name === 'listeners') heard.push(...(payload as { listeners: ListenerInfo[] }).listeners)
  })
  t.after(() => connection.close())
  const proxy = await host.startListener({
    kind: 'proxy',
    mode: 'reverse',
    target: upstream.url,
    port: 0,
    baseDir: s.dir,
    pipeline: [{ use: 'script', file: 'tag.mjs' }],
  })
  assert.equal(proxy.blockProblems, undefined)
  s.write('tag.mjs', 'export default {}\n')
  await until(
    () => heard.some((l) => l.id === proxy.id && l.blockProblems?.[0]),
    3000,
    'the window hearing of the failed save',
  )
  const withProblem = heard.findLast((l) => l.id === proxy.id)!
  assert.match(
    withProblem.blockProblems![0]!,
    /^not reloaded, the previous version keeps running: its default export is an object, not a Filter function/,
  )
  assert.equal(withProblem.blockProblems![1], null, 'the chaos block has no problem')
  assert.equal((await send(proxy.url)).body.toString(), 'tag=one')
  s.write('tag.mjs', TAG('two'))
  await until(() => heard.findLast((l) => l.id === proxy.id)?.blockProblems === undefined, 3000, 'the problem clearing')
  assert.equal((await send(proxy.url)).body.toString(), 'tag=two')
})
