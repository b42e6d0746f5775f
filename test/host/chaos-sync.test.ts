import { test } from 'node:test'
import assert from 'node:assert/strict'
import { request as httpRequest } from 'node:http'
import { Host } from '../../electron/host/host.ts'
import { until } from '../support/wait.ts'
import type { ChaosInfo, ExchangeSummary } from '../../shared/exchange.ts'
import { startUpstream } from '../support/upstream.ts'

function send(
  port: number,
  method: string,
  path: string,
  hostHeader: string,
  body?: string,
): Promise<{ status: number; text: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    httpRequest({ host: '127.0.0.1', port, method, path, headers: { Host: hostHeader } }, (res) => {
      let text = ''
      res
        .setEncoding('utf8')
        .on('data', (d) => {
          text += d
        })
        .on('end', () => resolve({ status: res.statusCode ?? 0, text, headers: res.headers }))
    })
      .on('error', reject)
      .end(body)
  })
}

test('chaos switched on through the control API shows in the window, and switched off from the window shows in the API', async (t) => {
  const upstream = await startUpstream()
  const host = new Host()
  t.after(async () => {
    await host.stop()
    await upstream.stop()
  })
  const proxy = await host.startListener({ kind: 'proxy', mode: 'forward', port: 0 })
  const chaosEvents: ChaosInfo[] = []
  const exchanges: ExchangeSummary[] = []
  const connection = host.connectWindow((name, payload) => {
    if (name === 'chaos') chaosEvents.push(payload as ChaosInfo)
    if (name === 'exchanges')
      exchanges.push(
        ...(payload as { exchanges: ExchangeSummary[] }).exchanges.filter((e) => e.outcome.kind !== 'pending'),
      )
  })
  t.after(() => connection.close())
  await connection.dispatch('subscribe', {})
  const self = `127.0.0.1:${proxy.port}`

  const activated = await send(
    proxy.port,
    'POST',
    '/chaos/activate',
    self,
    JSON.stringify({ type: 'trigger', trigger: { type: 'always' }, behaviour: { type: 'status', status: 503 } }),
  )
  assert.equal(activated.status, 200)
  assert.deepEqual(JSON.parse(activated.text), { chaos: 'Always ReturnStatus (503)' })
  await until(() => chaosEvents.some((e) => e.active))

  const proxied = await send(proxy.port, 'GET', `${upstream.url}/anything`, `127.0.0.1:${upstream.port}`)
  assert.equal(proxied.status, 503)
  assert.equal(upstream.requests.length, 0)
  await until(() => exchanges.length === 1)
  assert.ok(exchanges[0]!.tags.includes('chaos'))
  assert.match(exchanges[0]!.note ?? '', /503/)
  const info = (await connection.dispatch('getChaos', { listenerId: proxy.id })) as { chaos: ChaosInfo }
  assert.equal(info.chaos.chaoticCount, 1)

  await connection.dispatch('setChaos', { listenerId: proxy.id, active: false })
  const status = await send(proxy.port, 'GET', '/chaos/status', self)
  assert.deepEqual(JSON.parse(status.text), { chaos: 'none' })
  assert.equal((await send(proxy.port, 'GET', `${upstream.url}/again`, `127.0.0.1:${upstream.port}`)).status, 200)
})

test('bad chaos JSON from the window is refused with the field named', async (t) => {
  const host = new Host()
  t.after(() => host.stop())
  const proxy = await host.startListener({ kind: 'proxy', mode: 'forward', port: 0 })
  const connection = host.connectWindow(() => {})
  t.after(() => connection.close())
  await assert.rejects(
    connection.dispatch('setChaos', {
      listenerId: proxy.id,
      stages: { type: 'trigger', trigger: { type: 'always' }, behaviour: { type: 'explode' } },
    }),
    /behaviour/,
  )
})
