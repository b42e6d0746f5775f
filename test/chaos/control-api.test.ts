import { test } from 'node:test'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import assert from 'node:assert/strict'
import { bodyText, header, request, type Response } from '../../electron/core/message.ts'
import { chaosControlApi } from '../../electron/chaos/control-api.ts'
import { createChaosEngine } from '../../electron/chaos/engine.ts'
import { openApiProblems } from './openapi-check.ts'
import { Validator } from '@seriousme/openapi-schema-validator'

function api() {
  const engine = createChaosEngine()
  return { engine, control: chaosControlApi(engine) }
}
async function json(res: Response): Promise<unknown> {
  assert.equal(header(res, 'content-type'), 'application/json; charset=utf-8')
  return JSON.parse(await bodyText(res.body))
}
const call = (handler: ReturnType<typeof api>['control']['handler'], method: string, target: string, body?: string) =>
  handler(request({ method, target, ...(body !== undefined ? { body } : {}) }))

test('status says none while chaos is off and describes it once activated', async () => {
  const { control } = api()
  assert.deepEqual(await json(await call(control.handler, 'GET', '/chaos/status')), { chaos: 'none' })
  assert.deepEqual(await json(await call(control.handler, 'POST', '/chaos/activate')), {
    chaos: 'Always Latency (range = PT0.1S to PT0.5S)',
  })
  assert.deepEqual(await json(await call(control.handler, 'GET', '/chaos/status')), {
    chaos: 'Always Latency (range = PT0.1S to PT0.5S)',
  })
})

test('activate with a body and activate/new replace the stages; an empty body just activates', async () => {
  const { control, engine } = api()
  const body = '{"type":"trigger","behaviour":{"type":"status","status":418},"trigger":{"type":"always"}}'
  assert.deepEqual(await json(await call(control.handler, 'POST', '/chaos/activate', body)), {
    chaos: 'Always ReturnStatus (418)',
  })
  engine.deactivate()
  assert.deepEqual(await json(await call(control.handler, 'POST', '/chaos/activate/new', '')), {
    chaos: 'Always ReturnStatus (418)',
  })
  assert.deepEqual(
    await json(await call(control.handler, 'POST', '/chaos/activate/new', `[${body.replace('418', '500')}]`)),
    { chaos: 'Always ReturnStatus (500)' },
  )
})

test('deactivate and toggle answer with the resulting status', async () => {
  const { control } = api()
  assert.deepEqual(await json(await call(control.handler, 'POST', '/chaos/toggle')), {
    chaos: 'Always Latency (range = PT0.1S to PT0.5S)',
  })
  assert.deepEqual(await json(await call(control.handler, 'POST', '/chaos/toggle')), { chaos: 'none' })
  await call(control.handler, 'POST', '/chaos/activate')
  assert.deepEqual(await json(await call(control.handler, 'POST', '/chaos/deactivate')), { chaos: 'none' })
})

test('bad JSON or an unknown type is a 400 naming the bad field, and changes nothing', async () => {
  const { control, engine } = api()
  const bad = await call(
    control.handler,
    'POST',
    '/chaos/activate/new',
    '[{"type":"trigger","behaviour":{"type":"explode"},"trigger":{"type":"always"}}]',
  )
  assert.equal(bad.status, 400)
  const body = (await json(bad)) as { message: string; field: string }
  assert.equal(body.field, '$[0].behaviour.type')
  assert.match(body.message, /^\$\[0\]\.behaviour\.type unknown behaviour "explode"/)
  const broken = await call(control.handler, 'POST', '/chaos/activate', '{not json')
  assert.equal(broken.status, 400)
  assert.match(((await json(broken)) as { message: string }).message, /^\$ is not valid JSON/)
  assert.equal(engine.state().active, false)
})

test('state gives the UI everything: on or off, description, stages JSON and the chaotic count', async () => {
  const { control } = api()
  assert.deepEqual(await json(await call(control.handler, 'GET', '/chaos/state')), {
    active: false,
    description: 'Always Latency (range = PT0.1S to PT0.5S)',
    stages: [
      { type: 'trigger', behaviour: { type: 'latency', min: 'PT0.1S', max: 'PT0.5S' }, trigger: { type: 'always' } },
    ],
    chaoticCount: 0,
  })
})

test('the OpenAPI document is structurally valid OpenAPI 3', async () => {
  const { control } = api()
  const doc = (await json(await call(control.handler, 'GET', '/chaos/openapi.json'))) as Record<string, unknown>
  assert.deepEqual(openApiProblems(doc), [])
  assert.deepEqual(await json(await call(control.handler, 'GET', '/chaos')), doc, "also served at http4k's location")
})

test('the OpenAPI document passes an OpenAPI validator (the official OpenAPI 3.1 JSON Schema)', async () => {
  const { control } = api()
  const doc = (await json(await call(control.handler, 'GET', '/chaos/openapi.json'))) as Record<string, unknown>
  const validator = new Validator()
  const result = await validator.validate(doc)
  assert.equal(validator.version, '3.1')
  assert.deepEqual(result.errors ?? [], [], JSON.stringify(result.errors))
  assert.equal(result.valid, true)
  const broken = await new Validator().validate({ ...doc, paths: { '/chaos/status': { get: { responses: 'none' } } } })
  assert.equal(broken.valid, false, 'the validator does reject a broken document')
})

test('every path and method in the OpenAPI document is served, and every served route is documented', async () => {
  const { control } = api()
  const doc = control.openApi() as { paths: Record<string, Record<string, unknown>> }
  const documented = Object.entries(doc.paths)
    .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
    .sort()
  assert.deepEqual([...control.routes.map((r) => r.description)].sort(), documented)
  for (const line of documented) {
    const [method, path] = line.split(' ') as [string, string]
    const res = await call(control.handler, method, path)
    assert.equal(res.status, 200, `${line} is served`)
  }
  for (const [method, path] of [
    ['GET', '/chaos/nope'],
    ['DELETE', '/chaos/status'],
    ['GET', '/chaos/activate'],
  ] as const) {
    assert.ok(
      [404, 405].includes((await call(control.handler, method, path)).status),
      `${method} ${path} is not served`,
    )
  }
})

test('the request body schema in the document is the one that validates, and its example is accepted', async () => {
  const { control, engine } = api()
  const doc = control.openApi() as {
    paths: Record<
      string,
      Record<string, { requestBody?: { content: Record<string, { schema: unknown; example: unknown }> } }>
    >
    components: { schemas: Record<string, unknown> }
  }
  const content = doc.paths['/chaos/activate/new']!.post!.requestBody!.content['application/json']!
  assert.deepEqual(content.schema, { $ref: '#/components/schemas/Stages' })
  assert.ok(engine.setStages(content.example).ok)
  const behaviour = doc.components.schemas.Behaviour as { discriminator: { mapping: Record<string, string> } }
  assert.deepEqual(Object.keys(behaviour.discriminator.mapping).sort(), [
    'body',
    'dribble',
    'hang',
    'latency',
    'none',
    'reset',
    'response',
    'snip',
    'sniprequest',
    'status',
    'truncate',
    'truncaterequest',
  ])
})

test('the docs page is self-contained HTML listing every endpoint', async () => {
  const { control } = api()
  const res = await call(control.handler, 'GET', '/chaos/docs')
  assert.equal(header(res, 'content-type'), 'text/html; charset=utf-8')
  const html = await bodyText(res.body)
  assert.match(html, /^<!doctype html>/)
  assert.doesNotMatch(html, /<(script|link|img)[^>]+(src|href)=["']?(https?:)?\/\//i, 'nothing loaded from elsewhere')
  for (const r of control.routes) assert.ok(html.includes(`<code>${r.pattern}</code>`), r.description)
})

const APPROVED = new URL('./approved/chaos-openapi.approved.json', import.meta.url)

test('the OpenAPI document matches the approved rendering', () => {
  const received = `${JSON.stringify(api().control.openApi(), null, 2)}\n`
  if (!existsSync(APPROVED)) {
    writeFileSync(new URL('./approved/chaos-openapi.received.json', import.meta.url), received)
    assert.fail('no approved document yet: review approved/chaos-openapi.received.json and rename it to .approved.json')
  }
  assert.equal(received, readFileSync(APPROVED, 'utf8'))
})
