import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Host } from '../../electron/host/host.ts'
import type { ExchangeSummary, ListenerInfo } from '../../shared/exchange.ts'
import { startUpstream } from '../support/upstream.ts'
import { until } from '../support/wait.ts'
import { send } from '../pipeline/fixtures.ts'

test("a window sets a proxy's blocks through the contract: every window hears, Traffic marks what a block did, and export prints a runnable file", async (t) => {
  const upstream = await startUpstream((req, res) => res.end(`upstream ${req.url}`))
  const host = new Host()
  t.after(async () => {
    await host.stop()
    await upstream.stop()
  })
  const proxy = await host.startListener({ kind: 'proxy', mode: 'reverse', target: upstream.url, port: 0, name: 'api' })
  assert.deepEqual(proxy.blocks, [{ use: 'chaos' }], 'every proxy the window starts carries a chaos block')
  const heard: ListenerInfo[][] = []
  const exchanges: ExchangeSummary[] = []
  const connection = host.connectWindow((name, payload) => {
    if (name === 'listeners') heard.push((payload as { listeners: ListenerInfo[] }).listeners)
    if (name === 'exchanges') exchanges.push(...(payload as { exchanges: ExchangeSummary[] }).exchanges)
  })
  t.after(() => connection.close())
  await connection.dispatch('subscribe', {})

  const problems = (await connection.dispatch('checkPipeline', {
    listenerId: proxy.id,
    pipeline: [{ use: 'mock', respond: { status: 99 } }, { use: 'nope' }],
  })) as { problems: string[] }
  assert.deepEqual(problems.problems, [
    'pipeline[0].respond.status: must be between 100 and 599',
    'pipeline[1].use: unknown block "nope" (known: block, breakpoint, chaos, latency, mapLocal, mapRemote, mock, record, rewrite, script, sniff, throttle)',
  ])
  await assert.rejects(
    connection.dispatch('setPipeline', { listenerId: proxy.id, pipeline: [{ use: 'nope' }] }),
    /pipeline\[0\]\.use: unknown block "nope"/,
  )
  assert.equal(
    (await send(proxy.url, { path: '/health' })).body.toString(),
    'upstream /health',
    'a refused pipeline leaves the old one running',
  )

  const info = (await connection.dispatch('setPipeline', {
    listenerId: proxy.id,
    pipeline: [{ use: 'mock', name: 'health', match: { path: '/health' }, respond: { body: 'fine' } }],
  })) as ListenerInfo
  assert.deepEqual(
    info.blocks?.map((b) => b.use),
    ['mock', 'chaos'],
  )
  assert.equal(info.blockLines?.[0], 'answers requests for /health with 200')
  assert.ok(
    heard.some((list) => list.find((l) => l.id === proxy.id)?.blocks?.length === 2),
    'windows heard the change',
  )
  assert.equal((await send(proxy.url, { path: '/health' })).body.toString(), 'fine')
  await until(
    () => exchanges.some((e) => e.path === '/health' && e.tags.includes('mocked')),
    5000,
    'the mocked exchange in Traffic',
  )
  assert.ok(exchanges.find((e) => e.tags.includes('mocked'))!.tags.includes('rule:api/health'))

  const file = (await connection.dispatch('exportPipeline', { listenerId: proxy.id })) as {
    fileName: string
    content: string
  }
  assert.equal(file.fileName, 'api.pipeline.json')
  const parsed = JSON.parse(file.content)
  assert.equal(parsed.listeners[0].target, upstream.url)
  assert.deepEqual(
    parsed.listeners[0].pipeline.map((b: { use: string }) => b.use),
    ['mock', 'chaos'],
  )
})
