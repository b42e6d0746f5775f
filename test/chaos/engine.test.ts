import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { HttpHandler } from '../../electron/core/http.ts'
import { describeFilter } from '../../electron/core/http.ts'
import { bodyText, header, request, response } from '../../electron/core/message.ts'
import { createChaosEngine, STATE_NOTIFY_MS, type ChaosState } from '../../electron/chaos/engine.ts'

const upstream: HttpHandler = async () => response(200, { body: 'fine' })
const noSleep = async () => {}
const get = (target = 'http://h/') => request({ target })
const status = (code: number, trigger: Record<string, unknown> = { type: 'always' }) => [
  { type: 'trigger', behaviour: { type: 'status', status: code }, trigger },
]

test('the engine is off by default and leaves traffic alone until activated', async () => {
  const engine = createChaosEngine({ sleep: noSleep })
  const handler = engine.filter(upstream)
  assert.equal(engine.describe(), 'none')
  assert.equal(await bodyText((await handler(get())).body), 'fine')
  engine.activate()
  assert.equal(engine.describe(), 'Always Latency (range = PT0.1S to PT0.5S)')
  const res = await handler(get())
  assert.match(header(res, 'X-Nanoscope-Chaos') ?? '', /^Latency \(\d+ms\)$/)
  assert.deepEqual(res.tags, ['chaos'])
  assert.equal(describeFilter(engine.filter), 'applies chaos: Always Latency (range = PT0.1S to PT0.5S)')
})

test('deactivate and toggle switch chaos off and on, keeping the stages', async () => {
  const engine = createChaosEngine({ stages: status(500), sleep: noSleep })
  const handler = engine.filter(upstream)
  engine.toggle()
  assert.equal((await handler(get())).status, 500)
  engine.deactivate()
  assert.equal((await handler(get())).status, 200)
  engine.toggle()
  assert.equal(engine.state().active, true)
  assert.equal(engine.describe(), 'Always ReturnStatus (500)')
})

test('setting stages validates them, names the bad field, and changes nothing on failure', () => {
  const engine = createChaosEngine()
  const before = engine.state()
  const result = engine.setStages(
    '{"type":"trigger","behaviour":{"type":"status","status":99},"trigger":{"type":"always"}}',
    { activate: true },
  )
  assert.ok(!result.ok)
  assert.equal(result.problem.field, '$.behaviour.status')
  assert.deepEqual(engine.state(), before)
})

test('the state counts chaotic exchanges and shows the stages as JSON and the live description', async () => {
  const stages = [
    {
      type: 'trigger',
      behaviour: { type: 'status', status: 418 },
      trigger: { type: 'always' },
      until: { type: 'countdown', count: 2 },
    },
  ]
  const engine = createChaosEngine({ stages: stages, active: true, seed: 9 })
  const handler = engine.filter(upstream)
  assert.equal(engine.state().description, 'Always ReturnStatus (418) until Countdown (2 remaining)')
  const codes = []
  for (let i = 0; i < 3; i++) codes.push((await handler(get())).status)
  assert.deepEqual(codes, [418, 418, 200])
  assert.deepEqual(engine.state(), {
    active: true,
    description: 'Always ReturnStatus (418) until Countdown (0 remaining)',
    stages,
    chaoticCount: 2,
    seed: 9,
  })
  assert.doesNotThrow(() => JSON.stringify(engine.state()))
})

test('a seed makes percentage decisions the same on every run and after stages are set again', async () => {
  const run = async () => {
    const engine = createChaosEngine({
      seed: 42,
      active: true,
      stages: status(500, { type: 'percentage', percentage: 40 }),
    })
    const handler = engine.filter(upstream)
    const first = []
    for (let i = 0; i < 30; i++) first.push((await handler(get())).status)
    engine.setStages(status(500, { type: 'percentage', percentage: 40 }))
    const again = []
    for (let i = 0; i < 30; i++) again.push((await handler(get())).status)
    return { first, again }
  }
  const a = await run()
  assert.deepEqual(a.first, a.again)
  assert.deepEqual(a.first, (await run()).first)
  assert.ok(a.first.includes(500) && a.first.includes(200))
})

test('request triggers can match the body, which the engine buffers only then', async () => {
  const engine = createChaosEngine({ active: true, stages: status(400, { type: 'request', body: '.*"admin".*' }) })
  let forwarded = ''
  const handler = engine.filter(async (req) => {
    forwarded = await bodyText(req.body)
    return response(200)
  })
  assert.equal((await handler(request({ method: 'POST', target: 'http://h/', body: '{"role":"admin"}' }))).status, 400)
  assert.equal((await handler(request({ method: 'POST', target: 'http://h/', body: '{"role":"user"}' }))).status, 200)
  assert.equal(forwarded, '{"role":"user"}', 'the buffered body still reaches the upstream')
})

test('subscribers hear control changes at once and traffic changes within a moment', async () => {
  const engine = createChaosEngine({ stages: status(500) })
  const heard: ChaosState[] = []
  const unsubscribe = engine.subscribe((s) => heard.push(s))
  engine.activate()
  assert.equal(heard.length, 1)
  assert.equal(heard[0]!.active, true)
  engine.setStages(status(503))
  assert.equal(heard[1]!.description, 'Always ReturnStatus (503)')
  await engine.filter(upstream)(get())
  assert.equal(heard.length, 2, 'traffic updates are coalesced')
  await new Promise((resolve) => setTimeout(resolve, STATE_NOTIFY_MS + 100))
  assert.equal(heard.at(-1)!.chaoticCount, 1)
  unsubscribe()
  engine.deactivate()
  assert.equal(heard.length, 3)
})

test('CONNECT requests pass through untouched: chaos cannot reach tunnelled bytes', async () => {
  const engine = createChaosEngine({ active: true, stages: status(500) })
  assert.equal((await engine.filter(upstream)(request({ method: 'CONNECT', target: 'h:443' }))).status, 200)
})
