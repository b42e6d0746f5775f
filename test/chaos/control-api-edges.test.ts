import { test } from 'node:test'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import assert from 'node:assert/strict'
import { bodyText, header, request, streamBody } from '../../electron/core/message.ts'
import { Readable } from 'node:stream'
import { chaosControlApi, MAX_CONTROL_BODY } from '../../electron/chaos/control-api.ts'
import { CHAOS_SCHEMAS } from '../../electron/chaos/chaos-schemas.ts'
import { createChaosEngine } from '../../electron/chaos/engine.ts'

const STATUS_418 = '{"type":"trigger","behaviour":{"type":"status","status":418},"trigger":{"type":"always"}}'

function api(basePath?: string) {
  const engine = createChaosEngine()
  return { engine, control: chaosControlApi(engine, basePath) }
}

async function docsOf(control: ReturnType<typeof api>['control']): Promise<string> {
  const docs = control.operations.find((o) => o.operationId === 'getChaosDocs')!
  return bodyText((await docs.handle(request({ target: `${control.basePath}/docs` }))).body)
}

test('the base path must start with a slash and not end with one', () => {
  for (const bad of ['', '/', 'chaos', 'api/chaos', '/chaos/', '/chaos?x', '/cha#os', '/a?b/c']) {
    assert.throws(
      () => api(bad),
      new Error(
        `the chaos base path must start with '/' and not end with one, such as '/chaos'; got ${JSON.stringify(bad)}`,
      ),
      bad,
    )
  }
  for (const good of ['/c', '/_nanoscope/chaos']) assert.equal(api(good).control.basePath, good)
})

test('a custom base path moves every route, the document and the docs page with it', async () => {
  const { control } = api('/_x/chaos')
  const status = await control.handler(request({ target: '/_x/chaos/status' }))
  assert.equal(status.status, 200)
  assert.equal(await bodyText(status.body), '{"chaos":"none"}')
  assert.equal((await control.handler(request({ target: '/chaos/status' }))).status, 404)
  const paths = Object.keys((control.openApi() as { paths: Record<string, unknown> }).paths)
  assert.deepEqual(paths, [
    '/_x/chaos/status',
    '/_x/chaos/state',
    '/_x/chaos/activate',
    '/_x/chaos/activate/new',
    '/_x/chaos/deactivate',
    '/_x/chaos/toggle',
    '/_x/chaos/openapi.json',
    '/_x/chaos',
    '/_x/chaos/docs',
  ])
  assert.ok(
    (await docsOf(control)).includes('<a href="/_x/chaos/openapi.json"><code>/_x/chaos/openapi.json</code></a>'),
  )
})

test('a control body over the limit is a 413 naming the limit, and changes nothing', async () => {
  const { control, engine } = api()
  const over = await control.handler(
    request({ method: 'POST', target: '/chaos/activate', body: STATUS_418.padEnd(MAX_CONTROL_BODY + 1) }),
  )
  assert.equal(over.status, 413)
  assert.equal(header(over, 'content-type'), 'application/json; charset=utf-8')
  assert.deepEqual(JSON.parse(await bodyText(over.body)), { message: 'the body is over 1048576 bytes', field: '$' })
  assert.equal(engine.state().active, false)
  const atLimit = await control.handler(
    request({ method: 'POST', target: '/chaos/activate', body: STATUS_418.padEnd(MAX_CONTROL_BODY) }),
  )
  assert.equal(atLimit.status, 200, 'a body of exactly the limit is read')
  assert.equal(engine.describe(), 'Always ReturnStatus (418)')
})

test('a control body streamed with no length given is read and applied', async () => {
  const { control, engine } = api()
  const res = await control.handler(
    request({ method: 'POST', target: '/chaos/activate/new', body: streamBody(Readable.from([STATUS_418])) }),
  )
  assert.equal(res.status, 200)
  assert.equal(engine.describe(), 'Always ReturnStatus (418)')
})

test('a body of only whitespace activates the stages there are', async () => {
  const { control, engine } = api()
  engine.setStages(STATUS_418)
  const res = await control.handler(request({ method: 'POST', target: '/chaos/activate', body: ' \n\t ' }))
  assert.equal(await bodyText(res.body), '{"chaos":"Always ReturnStatus (418)"}')
  assert.equal(engine.state().active, true)
})

test('the docs page has a try-it button per endpoint, and an editable example body only where one is taken', async () => {
  const { control } = api()
  const html = await docsOf(control)
  for (const o of control.operations) {
    const method = o.method
    const path = `${control.basePath}${o.path}`
    assert.ok(
      html.includes(`<button data-method="${method}" data-path="${path}" data-op="${o.operationId}">Try it</button>`),
      o.operationId,
    )
    assert.equal(html.includes(`<textarea id="body-${o.operationId}"`), o.requestBody !== undefined, o.operationId)
    assert.ok(html.includes(`<pre class="out" id="out-${o.operationId}"></pre>`), o.operationId)
  }
  for (const name of Object.keys(CHAOS_SCHEMAS)) assert.ok(html.includes(`<details id="schema-${name}">`), name)
})

test('the docs page escapes what it shows, so a base path cannot inject markup', async () => {
  const { control } = api(`/c<u>&"'`)
  const html = await docsOf(control)
  assert.ok(!html.includes('<u>'), 'no raw markup from the base path')
  assert.ok(html.includes('<code>/c&#60;u&#62;&#38;&#34;&#39;/openapi.json</code>'))
})

// .txt, not .html: StrykerJS rewrites the scripts of .html files under test/ in its sandbox (disableTypeChecks).
const APPROVED = new URL('./approved/chaos-docs.approved.txt', import.meta.url)

test('the docs page matches the approved rendering', async () => {
  const received = await docsOf(api().control)
  if (!existsSync(APPROVED)) {
    writeFileSync(new URL('./approved/chaos-docs.received.txt', import.meta.url), received)
    assert.fail('no approved page yet: review approved/chaos-docs.received.txt and rename it to .approved.txt')
  }
  assert.equal(received, readFileSync(APPROVED, 'utf8'))
})
