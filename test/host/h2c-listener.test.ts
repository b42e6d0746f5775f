import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Host } from '../../electron/host/host.ts'
import { startH2Upstream } from '../core/h2/h2-fixtures.ts'
import { send } from '../pipeline/fixtures.ts'

test('a listener started through the contract with h2cUpstream reaches an h2c-only server, says so, and exports it', async (t) => {
  const upstream = await startH2Upstream()
  const host = new Host()
  t.after(async () => {
    await host.stop()
    await upstream.stop()
  })
  const connection = host.connectWindow(() => {})
  t.after(() => connection.close())
  const h2c = (await connection.dispatch('startListener', {
    kind: 'proxy',
    mode: 'reverse',
    target: upstream.url,
    port: 0,
    name: 'grpc',
    h2cUpstream: true,
  })) as { id: string; url: string; h2cUpstream?: boolean }
  assert.equal(h2c.h2cUpstream, true)
  const answer = await send(h2c.url, { path: '/over-h2c' })
  assert.equal(answer.status, 200)
  assert.match(answer.body.toString(), /^hello over h2 GET \/over-h2c/)
  const exported = (await connection.dispatch('exportPipeline', { listenerId: h2c.id })) as { content: string }
  assert.equal(JSON.parse(exported.content).listeners[0].h2cUpstream, true)

  // Without it, HTTP/1.1 goes to the h2c-only server, which cannot answer it.
  const plain = (await connection.dispatch('startListener', {
    kind: 'proxy',
    mode: 'reverse',
    target: upstream.url,
    port: 0,
  })) as { url: string; h2cUpstream?: boolean }
  assert.equal(plain.h2cUpstream, undefined)
  assert.notEqual((await send(plain.url, { path: '/over-h1' })).status, 200)
  await assert.rejects(
    connection.dispatch('startListener', { kind: 'proxy', mode: 'forward', port: 0, h2cUpstream: 'yes' }),
    /h2cUpstream/,
  )
})
