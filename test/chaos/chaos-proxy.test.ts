/** The chaos proxy app over real sockets: which requests reach the control API and which the upstream. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { chaosRig, send } from './fixtures.ts'

const status500 = [{ type: 'trigger', behaviour: { type: 'status', status: 500 }, trigger: { type: 'always' } }]

test('in forward mode a proxied request for a /chaos path reaches the upstream', async (t) => {
  const rig = await chaosRig({ forward: true })
  t.after(() => rig.stop())
  const answer = await send(rig.proxy.server.url, { path: `${rig.upstream.url}/chaos/status` })
  assert.equal(answer.body, 'hello world from /chaos/status')
  assert.equal(rig.upstream.requests[0]?.url, '/chaos/status')
})

test('in forward mode a request addressed to the proxy itself is answered by the control API', async (t) => {
  const rig = await chaosRig({ forward: true })
  t.after(() => rig.stop())
  const off = await send(`${rig.proxy.server.url}/chaos/status`)
  assert.equal(off.headers['content-type'], 'application/json; charset=utf-8')
  assert.deepEqual(JSON.parse(off.body), { chaos: 'none' })
  const port = new URL(rig.proxy.server.url).port
  const viaLocalhost = await send(`${rig.proxy.server.url}/chaos/activate`, {
    method: 'POST',
    headers: { Host: `localhost:${port}` },
    body: JSON.stringify(status500),
  })
  assert.deepEqual(JSON.parse(viaLocalhost.body), { chaos: 'Always ReturnStatus (500)' })
  assert.equal(rig.upstream.requests.length, 0)
})

test('chaos applies to proxied traffic and never to the control endpoints', async (t) => {
  const rig = await chaosRig({ forward: true, stages: status500, active: true })
  t.after(() => rig.stop())
  const proxied = await send(rig.proxy.server.url, { path: `${rig.upstream.url}/x` })
  assert.equal(proxied.status, 500)
  assert.equal(proxied.headers['x-nanoscope-chaos'], 'Status 500')
  const control = await send(`${rig.proxy.server.url}/chaos/status`)
  assert.equal(control.status, 200)
  assert.equal(control.headers['x-nanoscope-chaos'], undefined)
  assert.equal(rig.engine.state().chaoticCount, 1)
})

test('an origin-form request for another host is proxied there, even under /chaos', async (t) => {
  const rig = await chaosRig({ forward: true })
  t.after(() => rig.stop())
  const answer = await send(`${rig.proxy.server.url}/chaos/status`, {
    headers: { Host: `127.0.0.1:${rig.upstream.port}` },
  })
  assert.equal(answer.body, 'hello world from /chaos/status')
})

test('in reverse mode every request, /chaos included, goes to the target', async (t) => {
  const rig = await chaosRig()
  t.after(() => rig.stop())
  const answer = await send(`${rig.proxy.server.url}/chaos/status`)
  assert.equal(answer.body, 'hello world from /chaos/status')
})

test("the app's pipeline explains itself, chaos included", async (t) => {
  const rig = await chaosRig({ forward: true, stages: status500 })
  t.after(() => rig.stop())
  assert.ok(
    rig.proxy.pipeline.includes('answers the chaos control API at /chaos for requests addressed to this proxy'),
    rig.proxy.pipeline.join('\n'),
  )
  assert.ok(rig.proxy.pipeline.includes('applies chaos: none'), rig.proxy.pipeline.join('\n'))
})
