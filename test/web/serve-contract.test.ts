import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { request as httpRequest } from 'node:http'
import { Host } from '../../electron/host/host.ts'
import { startWebUi, type RunningWebUi } from '../../electron/web/serve.ts'
import { connectContract } from '../support/contract-client.ts'
import { startUpstream } from '../support/upstream.ts'

async function setUp(t: { after(fn: () => unknown): void }) {
  const staticDir = mkdtempSync(join(tmpdir(), 'nanoscope-ui-'))
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Nanoscope</title>')
  const upstream = await startUpstream((req, res, body) => res.end(`echo ${req.method} ${req.url} ${body.length}`))
  const host = new Host()
  const proxy = await host.startListener({ kind: 'proxy', mode: 'forward', port: 0 })
  const ui = await startWebUi(host, { staticDir })
  t.after(async () => {
    await ui.stop()
    await host.stop()
    await upstream.stop()
    rmSync(staticDir, { recursive: true, force: true })
  })
  return { host, proxy, ui, upstream, wsUrl: wsUrlOf(ui) }
}

function wsUrlOf(ui: RunningWebUi, token = ui.token): string {
  return `ws://127.0.0.1:${ui.port}/api/ws?token=${token}`
}

/** One request through the forward proxy (absolute-form, as HTTP_PROXY clients send). */
function viaProxy(proxyPort: number, url: string, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: proxyPort,
        method: body ? 'POST' : 'GET',
        path: url,
        headers: { Host: new URL(url).host },
      },
      (res) => {
        let text = ''
        res
          .setEncoding('utf8')
          .on('data', (d) => {
            text += d
          })
          .on('end', () => resolve({ status: res.statusCode ?? 0, text }))
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

test('a subscriber receives every exchange made through the proxy exactly once and in order', async (t) => {
  const { proxy, upstream, wsUrl } = await setUp(t)
  const client = await connectContract(wsUrl)
  t.after(() => client.close())
  const snapshot = await client.invoke('subscribe', {})
  assert.equal(snapshot.exchanges.length, 0)
  assert.equal(snapshot.listeners[0]?.id, proxy.id)
  for (let i = 0; i < 60; i++) await viaProxy(proxy.port, `${upstream.url}/n/${i}`)
  await client.waitFor(() => client.exchangesSeen().length >= 60)
  const seen = client.exchangesSeen()
  assert.equal(seen.length, 60)
  assert.deepEqual(
    seen.map((e) => e.path),
    Array.from({ length: 60 }, (_, i) => `/n/${i}`),
  )
  assert.deepEqual(
    seen.map((e) => e.seq),
    [...seen.map((e) => e.seq)].sort((a, b) => a - b),
  )
  assert.ok(seen.every((e) => e.status === 200 && e.outcome.kind === 'completed'))
})

test('two windows subscribed at once each receive every exchange exactly once, the same summaries in the same order', async (t) => {
  const { proxy, upstream, wsUrl } = await setUp(t)
  const one = await connectContract(wsUrl)
  const two = await connectContract(wsUrl)
  t.after(() => {
    one.close()
    two.close()
  })
  await one.invoke('subscribe', {})
  await two.invoke('subscribe', {})
  await Promise.all(Array.from({ length: 40 }, (_, i) => viaProxy(proxy.port, `${upstream.url}/both/${i}`)))
  const ended = (c: typeof one) => c.exchangesSeen().filter((e) => e.outcome.kind !== 'pending')
  await one.waitFor(() => ended(one).length >= 40)
  await two.waitFor(() => ended(two).length >= 40)
  assert.equal(new Set(ended(one).map((e) => e.id)).size, 40)
  assert.deepEqual(ended(two), ended(one))
  assert.deepEqual(
    ended(one)
      .map((e) => e.path)
      .sort(),
    Array.from({ length: 40 }, (_, i) => `/both/${i}`).sort(),
  )
})

test('a body is fetched by id with the headers exactly as on the wire', async (t) => {
  const { proxy, upstream, wsUrl } = await setUp(t)
  const client = await connectContract(wsUrl)
  t.after(() => client.close())
  await client.invoke('subscribe', {})
  await viaProxy(proxy.port, `${upstream.url}/post`, 'hello body')
  await client.waitFor(() => client.exchangesSeen().length === 1)
  const detail = await client.invoke('getExchange', { id: client.exchangesSeen()[0]!.id })
  assert.ok(detail)
  assert.equal(Buffer.from(detail.requestBody!.base64, 'base64').toString(), 'hello body')
  assert.equal(Buffer.from(detail.responseBody!.base64, 'base64').toString(), 'echo POST /post 10')
  assert.equal(detail.requestHeaders[0]?.[0], 'Host')
})

test('a late subscriber gets a snapshot and then the live stream with no gap and no duplicate', async (t) => {
  const { proxy, upstream, wsUrl } = await setUp(t)
  for (let i = 0; i < 20; i++) await viaProxy(proxy.port, `${upstream.url}/early/${i}`)
  const traffic = Promise.all(Array.from({ length: 30 }, (_, i) => viaProxy(proxy.port, `${upstream.url}/late/${i}`)))
  const client = await connectContract(wsUrl)
  t.after(() => client.close())
  const snapshot = await client.invoke('subscribe', {})
  await traffic
  // An exchange in flight when the snapshot was taken is in it as pending, and completes in the live stream.
  const ended = () => [...snapshot.exchanges.filter((e) => e.outcome.kind !== 'pending'), ...client.exchangesSeen()]
  await client.waitFor(() => ended().length >= 50)
  const ids = ended().map((e) => e.id)
  assert.equal(ids.length, 50)
  assert.equal(new Set(ids).size, 50)
  const inFlight = snapshot.exchanges.filter((e) => e.outcome.kind === 'pending').map((e) => e.id)
  assert.ok(
    inFlight.every((id) => ids.includes(id)),
    'each exchange pending in the snapshot completes live',
  )
})

test('a wrong token or a foreign Origin is refused, and a foreign Host header too', async (t) => {
  const { ui } = await setUp(t)
  await assert.rejects(connectContract(wsUrlOf(ui, 'wrong')), /401/)
  await assert.rejects(connectContract(wsUrlOf(ui), { origin: 'https://evil.example' }), /403/)
  const ok = await connectContract(wsUrlOf(ui), { origin: `http://127.0.0.1:${ui.port}` })
  ok.close()
  const status = await new Promise<number>((resolve, reject) => {
    httpRequest(
      { host: '127.0.0.1', port: ui.port, path: '/', headers: { Host: `rebind.example:${ui.port}` } },
      (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      },
    )
      .on('error', reject)
      .end()
  })
  assert.equal(status, 421)
})

test('commands with wrong payload types get a clear error, not a crash', async (t) => {
  const { wsUrl } = await setUp(t)
  const client = await connectContract(wsUrl)
  t.after(() => client.close())
  await assert.rejects(client.invoke('getExchange', { id: 7 } as never), /"id" must be a non-empty string/)
  await assert.rejects(
    client.invoke('startListener', { kind: 'proxy', mode: 'reverse' } as never),
    /"target" is required/,
  )
  await assert.rejects(client.invoke('updateSettings', { maxExchanges: -1 } as never), /maxExchanges/)
  await assert.rejects(client.invoke('nope' as never, {} as never), /unknown command/)
  assert.deepEqual(await client.invoke('pauseCapture', {}), { capturing: false })
})

test('listeners start and stop through the contract and every window hears about it', async (t) => {
  const { wsUrl, upstream } = await setUp(t)
  const client = await connectContract(wsUrl)
  t.after(() => client.close())
  const info = await client.invoke('startListener', { kind: 'latency', mode: 'reverse', target: upstream.url, port: 0 })
  assert.ok(info.pipeline.length >= 3)
  assert.ok(info.pipeline.some((line) => /reports the time each exchange took/.test(line)))
  await client.waitFor(() => client.events.some((e) => e.name === 'listeners'))
  assert.deepEqual(await client.invoke('stopListener', { id: info.id }), { stopped: true })
})
