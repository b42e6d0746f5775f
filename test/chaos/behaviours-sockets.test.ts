/** Each behaviour's effect as a client sees it over real sockets on 127.0.0.1. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { chaosRig, rejection, send } from './fixtures.ts'

const always = (behaviour: Record<string, unknown>) => [{ type: 'trigger', behaviour, trigger: { type: 'always' } }]

test('a reset is seen by the client as a reset, and the upstream is never called', async (t) => {
  const rig = await chaosRig({ stages: always({ type: 'reset' }), active: true })
  t.after(() => rig.stop())
  const error = await rejection(send(rig.proxy.server.url))
  assert.equal(error.code, 'ECONNRESET', error.message)
  assert.equal(rig.upstream.requests.length, 0)
})

test('a hang gives no answer until the client gives up', async (t) => {
  const rig = await chaosRig({ stages: always({ type: 'hang' }), active: true })
  t.after(() => rig.stop())
  const error = await rejection(send(rig.proxy.server.url, { giveUpMs: 300 }))
  assert.equal(error.message, 'gave up')
})

test('a hang with closeAfter drops the connection after that long', async (t) => {
  const rig = await chaosRig({ stages: always({ type: 'hang', closeAfter: 'PT0.2S' }), active: true })
  t.after(() => rig.stop())
  const started = performance.now()
  const error = await rejection(send(rig.proxy.server.url, { giveUpMs: 3000 }))
  assert.equal(error.code, 'ECONNRESET', error.message)
  assert.ok(performance.now() - started >= 190, 'not before closeAfter')
})

test('latency delays the answer and says by how much', async (t) => {
  const rig = await chaosRig({ stages: always({ type: 'latency', min: 'PT0.2S', max: 'PT0.2S' }), active: true })
  t.after(() => rig.stop())
  const answer = await send(rig.proxy.server.url + '/x')
  assert.equal(answer.body, 'hello world from /x')
  assert.ok(answer.ms >= 190, `${answer.ms} ms`)
  assert.equal(answer.headers['x-nanoscope-chaos'], 'Latency (200ms)')
  assert.equal(answer.headers['x-http4k-chaos'], 'Latency (200ms)')
})

test('dribble sends the whole body in pieces spread over the period', async (t) => {
  const rig = await chaosRig({ stages: always({ type: 'dribble', period: 'PT0.5S' }), active: true })
  t.after(() => rig.stop())
  const answer = await send(rig.proxy.server.url + '/slow')
  assert.equal(answer.body, 'hello world from /slow')
  assert.ok(answer.ms >= 450, `${answer.ms} ms`)
  assert.ok(answer.chunks >= 3, `${answer.chunks} chunks`)
  assert.match(String(answer.headers['x-nanoscope-chaos']), /^Dribble \(22b over 500ms\)$/)
})

test('status, no body and truncate reach the client as sent', async (t) => {
  const rig = await chaosRig({ active: true })
  t.after(() => rig.stop())
  rig.engine.setStages(always({ type: 'status', status: 503 }))
  const status = await send(rig.proxy.server.url)
  assert.equal(status.status, 503)
  assert.equal(status.headers['x-http4k-chaos'], 'Status 503')
  rig.engine.setStages(always({ type: 'body' }))
  assert.equal((await send(rig.proxy.server.url)).body, '')
  rig.engine.setStages(always({ type: 'truncate', bytes: 5 }))
  const cut = await send(rig.proxy.server.url)
  assert.equal(cut.body, 'hello')
  assert.equal(cut.headers['content-length'], '5')
  assert.equal(rig.engine.state().chaoticCount, 3)
})

test('a truncated request body reaches the upstream cut short', async (t) => {
  const rig = await chaosRig({ stages: always({ type: 'truncaterequest', bytes: 3 }), active: true })
  t.after(() => rig.stop())
  await send(rig.proxy.server.url, { method: 'POST', body: 'abcdefgh', headers: { 'Content-Type': 'text/plain' } })
  assert.equal(rig.upstream.requests[0]?.body.toString(), 'abc')
})
