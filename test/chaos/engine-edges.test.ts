import { test } from 'node:test'
import assert from 'node:assert/strict'
import { PassThrough } from 'node:stream'
import type { HttpHandler } from '../../electron/core/http.ts'
import { bodyText, request, response, streamBody, type Request } from '../../electron/core/message.ts'
import { createChaosEngine, STATE_NOTIFY_MS, type ChaosState } from '../../electron/chaos/engine.ts'

const upstream: HttpHandler = async () => response(200, { body: 'fine' })
const get = (target = 'http://h/') => request({ target })
const status = (code: number, trigger: Record<string, unknown> = { type: 'always' }) => [
  { type: 'trigger', behaviour: { type: 'status', status: code }, trigger },
]
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

test('invalid initial stages are a programmer error that names the bad field', () => {
  assert.throws(
    () => createChaosEngine({ stages: status(99) }),
    new Error(
      'the initial chaos stages are invalid: $[0].behaviour.status must be a whole number from 100 to 599; got 99',
    ),
  )
})

test('a websocket upgrade and a CONNECT in any letter case pass through untouched while chaos is on', async () => {
  const engine = createChaosEngine({ active: true, stages: status(500) })
  const handler = engine.filter(upstream)
  const upgrade: Request = {
    ...request({ target: 'http://h/socket', headers: [['Upgrade', 'websocket']] }),
    connection: { socket: new PassThrough(), head: Buffer.alloc(0) },
  }
  assert.equal((await handler(upgrade)).status, 200, 'upgrade')
  assert.equal((await handler(request({ method: 'connect', target: 'h:443' }))).status, 200, 'connect')
  assert.equal((await handler(get())).status, 500, 'a plain GET meets the chaos')
  assert.equal(engine.state().chaoticCount, 1)
})

test('stages set without activate leave chaos off, and with activate turn it on', async () => {
  const engine = createChaosEngine()
  assert.ok(engine.setStages(status(503)).ok)
  assert.equal(engine.state().active, false)
  assert.equal(engine.describe(), 'none')
  assert.equal((await engine.filter(upstream)(get())).status, 200)
  assert.ok(engine.setStages(status(503), { activate: true }).ok)
  assert.equal(engine.describe(), 'Always ReturnStatus (503)')
  assert.equal((await engine.filter(upstream)(get())).status, 503)
})

test('an exchange chaos let through unchanged is not counted as chaotic', async () => {
  const engine = createChaosEngine({
    active: true,
    stages: [{ type: 'trigger', behaviour: { type: 'none' }, trigger: { type: 'always' } }, ...status(500)],
  })
  assert.equal(await bodyText((await engine.filter(upstream)(get())).body), 'fine')
  const picky = createChaosEngine({ active: true, stages: status(500, { type: 'request', method: 'POST' }) })
  assert.equal((await picky.filter(upstream)(get())).status, 200)
  assert.equal(engine.state().chaoticCount, 0)
  assert.equal(picky.state().chaoticCount, 0)
})

test('latency waits through the injected sleep, with the client request signal', async () => {
  const slept: Array<[number, AbortSignal | undefined]> = []
  const engine = createChaosEngine({
    active: true,
    stages: [
      { type: 'trigger', behaviour: { type: 'latency', min: 'PT2S', max: 'PT2S' }, trigger: { type: 'always' } },
    ],
    sleep: async (ms, signal) => {
      slept.push([ms, signal])
    },
  })
  const signal = new AbortController().signal
  const started = performance.now()
  const res = await engine.filter(upstream)({ ...get(), signal })
  assert.ok(performance.now() - started < 1000, 'no real two seconds waited')
  assert.equal(res.status, 200)
  assert.deepEqual(slept, [[2000, signal]])
})

test('a request body streams on to the upstream when no trigger reads bodies', async (t) => {
  const engine = createChaosEngine({ active: true, stages: status(500, { type: 'request', method: 'POST' }) })
  const stream = new PassThrough()
  t.after(() => stream.destroy())
  stream.write('first part ')
  let seenBeforeEnd = false
  const handler = engine.filter(async (req) => {
    seenBeforeEnd = !stream.writableEnded
    stream.end('and the rest')
    return response(200, { body: await bodyText(req.body) })
  })
  let timer: NodeJS.Timeout | undefined
  const res = await Promise.race([
    handler(request({ method: 'PUT', target: 'http://h/', body: streamBody(stream) })),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('the upstream never had the request')), 2000)
    }),
  ]).finally(() => clearTimeout(timer))
  assert.equal(seenBeforeEnd, true, 'the upstream had the request before its body ended')
  assert.equal(await bodyText(res.body), 'first part and the rest')
})

test('traffic within one notification window is heard once, after the window', async () => {
  const engine = createChaosEngine({ active: true, stages: status(500) })
  const heard: ChaosState[] = []
  engine.subscribe((s) => heard.push(s))
  for (let i = 0; i < 3; i++) await engine.filter(upstream)(get())
  assert.equal(heard.length, 0, 'not at once')
  await pause(STATE_NOTIFY_MS + 150)
  assert.deepEqual(
    heard.map((s) => s.chaoticCount),
    [3],
  )
})

test('a control change hears the traffic before it and cancels the notification traffic had scheduled', async () => {
  const engine = createChaosEngine({ active: true, stages: status(500) })
  const heard: ChaosState[] = []
  engine.subscribe((s) => heard.push(s))
  await engine.filter(upstream)(get())
  engine.deactivate()
  assert.deepEqual(
    heard.map((s) => [s.active, s.chaoticCount]),
    [[false, 1]],
  )
  await pause(STATE_NOTIFY_MS + 150)
  assert.equal(heard.length, 1, 'nothing more once the window has passed')
  await engine.filter(upstream)(get())
  engine.activate()
  await engine.filter(upstream)(get())
  await pause(STATE_NOTIFY_MS + 150)
  assert.deepEqual(
    heard.map((s) => [s.active, s.chaoticCount]),
    [
      [false, 1],
      [true, 1],
      [true, 2],
    ],
    'a later window schedules afresh',
  )
})

test('a listener that unsubscribed hears nothing more, and with nobody listening nothing is scheduled', async () => {
  const engine = createChaosEngine({ active: true, stages: status(500) })
  const heard: ChaosState[] = []
  const unsubscribe = engine.subscribe((s) => heard.push(s))
  unsubscribe()
  await engine.filter(upstream)(get())
  engine.toggle()
  await pause(STATE_NOTIFY_MS + 100)
  assert.deepEqual(heard, [])
})

test('the state carries the seed only when one was given', () => {
  assert.equal('seed' in createChaosEngine().state(), false)
  assert.equal(createChaosEngine({ seed: 0 }).state().seed, 0)
  assert.ok(Object.isFrozen(createChaosEngine().state()))
})

test('every control change is heard at once, and a rejected one not at all', () => {
  const engine = createChaosEngine({ stages: status(500) })
  const heard: string[] = []
  engine.subscribe((s) => heard.push(`${s.active ? 'on' : 'off'}: ${s.description}`))
  engine.toggle()
  engine.toggle()
  engine.activate()
  assert.ok(!engine.setStages(status(99)).ok)
  engine.setStages(status(503))
  engine.deactivate()
  assert.deepEqual(heard, [
    'on: Always ReturnStatus (500)',
    'off: Always ReturnStatus (500)',
    'on: Always ReturnStatus (500)',
    'on: Always ReturnStatus (503)',
    'off: Always ReturnStatus (503)',
  ])
})
