import { test } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import { Host } from '../../electron/host/host.ts'
import type { ExchangeSummary, PausedExchange } from '../../shared/exchange.ts'
import { startUpstream, type TestUpstream } from '../support/upstream.ts'
import { until } from '../support/wait.ts'
import { send } from '../pipeline/fixtures.ts'

interface Setup {
  close: () => void
  host: Host
  upstream: TestUpstream
  url: string
  paused: () => PausedExchange[]
  exchanges: ExchangeSummary[]
  dispatch: (name: string, args: unknown) => Promise<unknown>
}

async function setup(
  t: { after(fn: () => Promise<void> | void): void },
  block: Record<string, unknown>,
): Promise<Setup> {
  const upstream = await startUpstream((req, res, body) => {
    res.setHeader('Content-Type', 'text/plain')
    res.end(`upstream saw ${req.method} ${req.url} ${body.toString()}`)
  })
  const host = new Host()
  t.after(async () => {
    await host.stop()
    await upstream.stop()
  })
  const proxy = await host.startListener({
    kind: 'proxy',
    mode: 'reverse',
    target: upstream.url,
    port: 0,
    name: 'api',
    pipeline: [{ use: 'breakpoint', ...block }],
  })
  let paused: PausedExchange[] = []
  const exchanges: ExchangeSummary[] = []
  const connection = host.connectWindow((name, payload) => {
    if (name === 'paused') paused = (payload as { paused: PausedExchange[] }).paused
    if (name === 'exchanges') exchanges.push(...(payload as { exchanges: ExchangeSummary[] }).exchanges)
  })
  t.after(() => connection.close())
  await connection.dispatch('subscribe', {})
  return {
    close: () => connection.close(),
    host,
    upstream,
    url: proxy.url,
    paused: () => paused,
    exchanges,
    dispatch: (n, a) => connection.dispatch(n, a),
  }
}

test('a paused request continues as edited: method, URL, headers in order and case, and a body whose Content-Length follows it', async (t) => {
  const s = await setup(t, { match: { path: '/api/*' }, on: ['request'] })
  const answer = send(s.url, {
    method: 'POST',
    path: '/api/items',
    headers: { 'Content-Type': 'text/plain', 'Content-Length': '5' },
    body: 'hello',
  })
  await until(() => s.paused().length === 1, 5000, 'the request paused')
  const p = s.paused()[0]!
  assert.equal(p.phase, 'request')
  assert.equal(p.requestBody, undefined, 'events carry no bodies')
  assert.equal(p.requestSize, 5)
  const full = (await s.dispatch('getPaused', { id: p.id })) as PausedExchange
  assert.equal(Buffer.from(full.requestBody!, 'base64').toString(), 'hello', 'getPaused gives the body')
  assert.ok(p.exchangeId, 'the pause names its Traffic row')
  await until(
    () => s.exchanges.some((e) => e.id === p.exchangeId && e.outcome.kind === 'pending'),
    5000,
    'the Traffic row there, pending, while paused',
  )
  assert.equal(s.upstream.requests.length, 0, 'nothing reached the server while paused')
  const headers = p.requestHeaders
    .filter(([n]) => n.toLowerCase() !== 'connection')
    .map(([n, v]) => [n, v] as [string, string])
  const url = p.url.replace('/api/items', '/api/items?edited=1')
  const r = (await s.dispatch('continuePaused', {
    id: p.id,
    edits: {
      method: 'PUT',
      url,
      headers: [['X-First', 'One'], ...headers, ['x-lower', 'kept']],
      body: { text: 'edited body' },
    },
  })) as { resolved: boolean }
  assert.equal(r.resolved, true)
  const res = await answer
  assert.equal(res.body.toString(), 'upstream saw PUT /api/items?edited=1 edited body')
  const got = s.upstream.requests[0]!
  assert.equal(got.rawHeaders[0], 'X-First', 'the edited first header arrives first, case kept')
  assert.ok(got.rawHeaders.includes('x-lower'))
  assert.equal(
    got.rawHeaders[got.rawHeaders.indexOf('Content-Length') + 1],
    '11',
    'Content-Length followed the edited body',
  )
  await until(() => s.paused().length === 0, 2000, 'the paused list emptied for every window')
  assert.equal(
    await s.dispatch('continuePaused', { id: p.id }).then((x) => (x as { resolved: boolean }).resolved),
    false,
    'a second answer finds nothing paused',
  )
})

test('a hand-edited Content-Length stands, even when the body changed', async (t) => {
  const s = await setup(t, {})
  const answer = send(s.url, { method: 'POST', path: '/x', body: 'abc' }).catch((e: Error) => e)
  await until(() => s.paused().length === 1, 5000, 'paused')
  const p = s.paused()[0]!
  const headers = p.requestHeaders.map(
    ([n, v]) => [n, n.toLowerCase() === 'content-length' ? '4' : v] as [string, string],
  )
  await s.dispatch('continuePaused', { id: p.id, edits: { headers, body: { text: 'abcd' } } })
  await answer
  assert.equal(s.upstream.requests[0]!.body.toString(), 'abcd')
})

test("an aborted request never reaches the server and the client's connection is closed", async (t) => {
  const s = await setup(t, {})
  const answer = send(s.url, { path: '/secret' }).then(
    () => 'answered',
    (e: Error) => `failed: ${e.message}`,
  )
  await until(() => s.paused().length === 1, 5000, 'paused')
  await s.dispatch('abortPaused', { id: s.paused()[0]!.id })
  assert.match(await answer, /^failed: /)
  await new Promise((r) => setTimeout(r, 100))
  assert.equal(s.upstream.requests.length, 0)
})

test('Respond answers the client from the editor without going upstream', async (t) => {
  const s = await setup(t, {})
  const answer = send(s.url, { path: '/r' })
  await until(() => s.paused().length === 1, 5000, 'paused')
  await s.dispatch('respondPaused', {
    id: s.paused()[0]!.id,
    status: 418,
    headers: [['X-From', 'editor']],
    body: { text: 'short and stout' },
  })
  const res = await answer
  assert.equal(res.status, 418)
  assert.equal(res.headers['x-from'], 'editor')
  assert.equal(res.headers['content-length'], '15')
  assert.equal(res.body.toString(), 'short and stout')
  assert.equal(s.upstream.requests.length, 0)
})

test('a paused response is edited before it reaches the client', async (t) => {
  const s = await setup(t, { on: ['response'] })
  const answer = send(s.url, { path: '/resp' })
  await until(() => s.paused().length === 1, 5000, 'paused')
  const p = s.paused()[0]!
  assert.equal(p.phase, 'response')
  assert.equal(p.status, 200)
  const full = (await s.dispatch('getPaused', { id: p.id })) as PausedExchange
  assert.equal(Buffer.from(full.responseBody!, 'base64').toString(), 'upstream saw GET /resp ')
  await s.dispatch('continuePaused', {
    id: p.id,
    edits: { status: 201, headers: p.responseHeaders, body: { text: 'changed' } },
  })
  assert.equal(await s.dispatch('getPaused', { id: p.id }), null, 'a resolved pause is gone')
  const res = await answer
  assert.equal(res.status, 201)
  assert.equal(res.body.toString(), 'changed')
  assert.equal(res.headers['content-length'], '7')
})

test('a breakpoint nobody answers continues unchanged after its timeout, and its row says so', async (t) => {
  const s = await setup(t, { timeoutSeconds: 0.3 })
  const res = await send(s.url, { method: 'POST', path: '/late', body: 'as sent' })
  assert.equal(res.body.toString(), 'upstream saw POST /late as sent')
  await until(
    () => s.exchanges.some((e) => e.path === '/late' && e.outcome.kind === 'completed'),
    5000,
    'the row completed',
  )
  assert.match(
    s.exchanges.find((e) => e.path === '/late' && e.outcome.kind === 'completed')!.note ?? '',
    /breakpoint timed out: request continued unchanged/,
  )
})

test('a client that leaves while paused is marked, and continuing it sends nothing upstream', async (t) => {
  const s = await setup(t, {})
  const req = http.request(`${s.url}/gone`, { agent: false })
  req.on('error', () => undefined)
  req.end()
  await until(() => s.paused().length === 1, 5000, 'paused')
  req.destroy()
  await until(() => s.paused()[0]?.clientGone === true, 5000, 'the pause marked as client gone')
  await s.dispatch('continuePaused', { id: s.paused()[0]!.id })
  await new Promise((r) => setTimeout(r, 200))
  assert.equal(s.upstream.requests.length, 0)
})

test('200 requests paused at once are all released on timeout: none lost, none sent twice', async (t) => {
  const s = await setup(t, { timeoutSeconds: 1 })
  const answers = Array.from({ length: 200 }, (_, i) => send(s.url, { path: `/many/${i}`, timeoutMs: 15_000 }))
  await until(() => s.paused().length === 200, 10_000, 'all 200 paused')
  assert.equal(s.upstream.requests.length, 0)
  const results = await Promise.all(answers)
  assert.ok(results.every((r, i) => r.body.toString() === `upstream saw GET /many/${i} `))
  const paths = s.upstream.requests.map((r) => r.url).sort()
  assert.equal(paths.length, 200)
  assert.equal(new Set(paths).size, 200)
  assert.equal(s.paused().length, 0)
})

test('stopping the host continues everything paused, unchanged', async (t) => {
  const s = await setup(t, {})
  const answer = send(s.url, { path: '/at-close' })
  await until(() => s.paused().length === 1, 5000, 'paused')
  s.host.breakpoints.releaseAll()
  assert.equal((await answer).body.toString(), 'upstream saw GET /at-close ')
})

test('a chunked response held at a breakpoint reaches the client whole, continued unchanged or with an edited body', async (t) => {
  const upstream = await startUpstream((_req, res) => {
    res.write('first ')
    setTimeout(() => res.end('second'), 20)
  })
  const host = new Host()
  t.after(async () => {
    await host.stop()
    await upstream.stop()
  })
  const proxy = await host.startListener({
    kind: 'proxy',
    mode: 'reverse',
    target: upstream.url,
    port: 0,
    pipeline: [{ use: 'breakpoint', on: ['response'] }],
  })
  const first = send(proxy.url, { path: '/one' })
  await until(() => host.breakpoints.list().length === 1, 5000, 'paused')
  const held = host.breakpoints.list()[0]!
  // Transfer-Encoding is hop-by-hop, gone before blocks see the response: the client's framing is made afresh.
  assert.ok(!held.responseHeaders?.some(([n]) => n.toLowerCase() === 'transfer-encoding'))
  assert.equal(held.responseSize, 12)
  host.breakpoints.resolve(held.id, { kind: 'continue' })
  assert.equal((await first).body.toString(), 'first second')
  const second = send(proxy.url, { path: '/two' })
  await until(() => host.breakpoints.list().length === 1, 5000, 'paused again')
  host.breakpoints.resolve(host.breakpoints.list()[0]!.id, {
    kind: 'continue',
    edits: { body: { text: 'a new body' } },
  })
  assert.equal((await second).body.toString(), 'a new body')
})

test('stopping a listener continues its paused exchanges, so the stop does not wait on them', async (t) => {
  const s = await setup(t, {})
  const answer = send(s.url, { path: '/at-stop' }).then(
    (r) => r.body.toString(),
    (e: Error) => e.message,
  )
  await until(() => s.paused().length === 1, 5000, 'paused')
  const listener = s.host.listeners.list()[0]!
  const started = Date.now()
  await s.host.stopListener(listener.id)
  assert.ok(Date.now() - started < 3000, 'the stop did not wait for a timeout')
  assert.equal(s.host.breakpoints.list().length, 0)
  await answer
})

test('a response larger than a breakpoint holds passes unchanged, and its row says why', async (t) => {
  const big = Buffer.alloc(9 * 1024 * 1024, 0x61)
  const upstream = await startUpstream((_req, res) => {
    res.write(big.subarray(0, 1024))
    res.end(big.subarray(1024))
  })
  const host = new Host()
  t.after(async () => {
    await host.stop()
    await upstream.stop()
  })
  const exchanges: ExchangeSummary[] = []
  const connection = host.connectWindow((name, payload) => {
    if (name === 'exchanges') exchanges.push(...(payload as { exchanges: ExchangeSummary[] }).exchanges)
  })
  t.after(() => connection.close())
  await connection.dispatch('subscribe', {})
  const proxy = await host.startListener({
    kind: 'proxy',
    mode: 'reverse',
    target: upstream.url,
    port: 0,
    pipeline: [{ use: 'breakpoint', on: ['response'] }],
  })
  const res = await send(proxy.url, { path: '/big', timeoutMs: 20_000 })
  assert.equal(host.breakpoints.list().length, 0, 'nothing was paused')
  assert.equal(res.body.length, big.length)
  assert.ok(res.body.equals(big))
  await until(
    () => exchanges.some((e) => e.path === '/big' && e.outcome.kind === 'completed'),
    5000,
    'the row completed',
  )
  assert.equal(
    exchanges.find((e) => e.path === '/big' && e.outcome.kind === 'completed')!.note,
    'breakpoint: response body too large to hold; passed unchanged',
  )
})

test('Edit and resend sends the captured request as edited, as a new exchange linked to the original', async (t) => {
  const s = await setup(t, { match: { path: '/never' } })
  await send(s.url, { method: 'POST', path: '/orig', body: 'first' })
  await until(
    () => s.exchanges.some((e) => e.path === '/orig' && e.outcome.kind === 'completed'),
    5000,
    'the original captured',
  )
  const original = s.exchanges.find((e) => e.path === '/orig')!
  const r = (await s.dispatch('resend', {
    id: original.id,
    edits: { method: 'PUT', body: { text: 'second, longer' } },
  })) as { status: number }
  assert.equal(r.status, 200)
  const got = s.upstream.requests.at(-1)!
  assert.equal(`${got.method} ${got.body.toString()}`, 'PUT second, longer')
  assert.equal(got.rawHeaders[got.rawHeaders.indexOf('Content-Length') + 1], '14')
  await until(
    () => s.exchanges.some((e) => e.tags.includes(`resent-from:${original.id}`)),
    5000,
    'the resent exchange, linked',
  )
  await assert.rejects(
    s.dispatch('resend', { id: original.id, edits: { headers: [['Bad Name', 'x']] } }),
    /"edits.headers.0.0" must be a header name/,
  )
})

test('the last window closing continues everything paused; while one stays open, nothing is released', async (t) => {
  const s = await setup(t, {})
  const other = s.host.connectWindow(() => undefined)
  const answer = send(s.url, { path: '/at-window-close' })
  await until(() => s.host.breakpoints.list().length === 1, 5000, 'paused')
  other.close()
  await new Promise((r) => setTimeout(r, 100))
  assert.equal(s.host.breakpoints.list().length, 1, 'one window still open: still paused')
  s.close()
  assert.equal((await answer).body.toString(), 'upstream saw GET /at-window-close ')
})
