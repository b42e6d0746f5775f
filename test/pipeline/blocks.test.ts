import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, writeFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { openSession } from '../../electron/recording/session-store.ts'
import { startUpstream } from '../support/upstream.ts'
import { rig, send } from './fixtures.ts'

test('mock answers matching requests itself and the server never sees them; others go through', async (t) => {
  const r = await rig([
    {
      use: 'mock',
      match: { path: '/health' },
      respond: { status: 201, headers: { 'Content-Type': 'text/plain' }, body: 'all good' },
    },
  ])
  t.after(() => r.stop())
  const mocked = await send(r.url, { path: '/health' })
  assert.equal(mocked.status, 201)
  assert.equal(mocked.body.toString(), 'all good')
  assert.equal(mocked.headers['content-type'], 'text/plain')
  const passed = await send(r.url, { path: '/other' })
  assert.equal(passed.body.toString(), 'upstream saw GET /other 0')
  assert.deepEqual(
    r.upstream.requests.map((q) => q.url),
    ['/other'],
  )
})

test("mock with a bodyFile and a delay answers with the file's bytes after the delay", async (t) => {
  const r = await rig([{ use: 'mock', respond: { bodyFile: 'answer.bin', delayMs: 150 } }], {
    setup: (dir) => writeFileSync(path.join(dir, 'answer.bin'), Buffer.from([0, 1, 2, 255])),
  })
  t.after(() => r.stop())
  const a = await send(r.url)
  assert.deepEqual([...a.body], [0, 1, 2, 255])
  assert.ok(a.ms >= 140, `answered after ${a.ms} ms`)
})

test('block refuses with 403 naming the rule, or resets the connection, and never forwards', async (t) => {
  const r = await rig([
    { use: 'block', name: 'no admin', match: { path: '/admin/**' } },
    { use: 'block', match: { path: '/drop' }, close: true },
  ])
  t.after(() => r.stop())
  const refused = await send(r.url, { path: '/admin/users/1' })
  assert.equal(refused.status, 403)
  assert.match(refused.body.toString(), /rule "no admin" on listener "test"/)
  await assert.rejects(send(r.url, { path: '/drop' }), /socket hang up|ECONNRESET/)
  assert.equal(r.upstream.requests.length, 0)
})

test('mapRemote sends matching requests to another origin with method, path, query and body kept, and Host following it', async (t) => {
  const other = await startUpstream((req, res, body) =>
    res.end(`other saw ${req.method} ${req.url} ${body.toString()} host=${req.headers.host}`),
  )
  const r = await rig([{ use: 'mapRemote', match: { path: '/api/**' }, to: other.url }])
  t.after(async () => {
    await r.stop()
    await other.stop()
  })
  const a = await send(r.url, { method: 'POST', path: '/api/items?x=1', body: 'payload' })
  assert.equal(a.body.toString(), `other saw POST /api/items?x=1 payload host=127.0.0.1:${other.port}`)
  assert.equal((await send(r.url, { path: '/rest' })).body.toString(), 'upstream saw GET /rest 0')
})

test('mapRemote with keepHost keeps the Host header the client sent', async (t) => {
  const other = await startUpstream((req, res) => res.end(`host=${req.headers.host}`))
  const r = await rig([{ use: 'mapRemote', to: other.url, keepHost: true }])
  t.after(async () => {
    await r.stop()
    await other.stop()
  })
  const a = await send(r.url, { path: '/x' })
  assert.equal(a.body.toString(), `host=127.0.0.1:${r.upstream.port}`, 'the Host routing set for the original target')
})

test("mapLocal serves a folder under the match's prefix, with ranges, and never dotfiles or files outside it", async (t) => {
  const served = await rig([{ use: 'mapLocal', match: { path: '/static/**' }, dir: 'public' }], {
    setup: (dir) => {
      mkdirSync(path.join(dir, 'public', 'css'), { recursive: true })
      writeFileSync(path.join(dir, 'public', 'css', 'site.css'), 'body { color: red }')
      writeFileSync(path.join(dir, 'public', '.env'), 'SECRET=1')
      writeFileSync(path.join(dir, 'secret.txt'), 'outside')
    },
  })
  t.after(() => served.stop())
  const css = await send(served.url, { path: '/static/css/site.css' })
  assert.equal(css.status, 200)
  assert.equal(css.body.toString(), 'body { color: red }')
  assert.match(String(css.headers['content-type']), /text\/css/)
  const part = await send(served.url, { path: '/static/css/site.css', headers: { Range: 'bytes=0-3' } })
  assert.equal(part.status, 206)
  assert.equal(part.body.toString(), 'body')
  assert.equal((await send(served.url, { path: '/static/.env' })).status, 404)
  assert.equal((await send(served.url, { path: '/static/..%2fsecret.txt' })).status, 404)
  assert.equal((await send(served.url, { path: '/elsewhere' })).body.toString(), 'upstream saw GET /elsewhere 0')
})

test('rewrite changes the request on its way up and the response on its way back', async (t) => {
  const upstream = await startUpstream((req, res, body) => {
    res.setHeader('Set-Cookie', 'a=1')
    res.setHeader('X-Keep', 'kept')
    res.end(
      `path=${req.url} auth=${req.headers.authorization} gone=${req.headers['x-remove-me'] ?? 'yes'} body=${body.toString()} secret-token`,
    )
  })
  const r = await rig(
    [
      {
        use: 'rewrite',
        request: {
          setHeaders: { Authorization: 'Bearer dev' },
          removeHeaders: ['X-Remove-Me'],
          setPath: '/v2/items',
          setQuery: { debug: '1', drop: null },
          replaceBody: { find: 'world', replace: 'there' },
        },
        response: {
          status: 418,
          removeHeaders: ['set-cookie'],
          setHeaders: { 'X-Rewritten': 'yes' },
          replaceBody: { find: 'secret-\\w+', replace: '[redacted]', regex: true },
        },
      },
    ],
    { server: upstream },
  )
  t.after(() => r.stop())
  const a = await send(r.url, {
    method: 'POST',
    path: '/items?drop=me&keep=2',
    headers: { 'X-Remove-Me': '1' },
    body: 'hello world',
  })
  assert.equal(a.status, 418)
  assert.equal(a.headers['set-cookie'], undefined)
  assert.equal(a.headers['x-rewritten'], 'yes')
  assert.equal(a.headers['x-keep'], 'kept')
  assert.equal(a.body.toString(), 'path=/v2/items?keep=2&debug=1 auth=Bearer dev gone=yes body=hello there [redacted]')
  assert.equal(a.headers['content-length'], String(a.body.length))
})

test('throttle streams 128 KiB at 64 KiB/s in about two seconds, and its absence costs nothing', async (t) => {
  const big = Buffer.alloc(128 * 1024, 7)
  const upstream = await startUpstream((_req, res) => res.end(big))
  const r = await rig([{ use: 'throttle', match: { path: '/slow' }, downBytesPerSecond: 64 * 1024 }], {
    server: upstream,
  })
  t.after(() => r.stop())
  const slow = await send(r.url, { path: '/slow', timeoutMs: 10_000 })
  assert.equal(slow.body.length, big.length)
  assert.ok(slow.ms >= 1700 && slow.ms < 4000, `took ${slow.ms} ms`)
  const fast = await send(r.url, { path: '/fast' })
  assert.equal(fast.body.length, big.length)
  assert.ok(fast.ms < 1000, `unthrottled took ${fast.ms} ms`)
})

test('latency and sniff print their lines, and record writes each exchange to a session', async (t) => {
  const r = await rig([{ use: 'latency' }, { use: 'sniff' }, { use: 'record', dir: 'session' }])
  t.after(() => r.stop())
  await send(r.url, { path: '/one' })
  await send(r.url, { method: 'POST', path: '/two', body: 'abc' })
  await r.listener.stop()
  const text = r.out.join('')
  assert.match(text, /GET http:\/\/127\.0\.0\.1:\d+\/one 200 [\d.]+ms/)
  // The sniffer prints what crossed the wire: hop-by-hop headers gone, Via added.
  assert.match(
    text,
    /POST http:\/\/127\.0\.0\.1:\d+\/two HTTP\/1\.1\nHost: [^\n]+\nContent-Length: 3\nVia: 1\.1 nanoscope\n\nabc\n/,
  )
  const session = await openSession(path.join(r.dir, 'session'))
  assert.deepEqual(
    session.records.map((x) => `${x.request.method} ${new URL(x.request.url).pathname} ${x.response?.status}`),
    ['GET /one 200', 'POST /two 200'],
  )
  assert.ok(readdirSync(path.join(r.dir, 'session')).includes('session.json'))
})

test('chaos from its http4k JSON answers 503 to matching requests while it is active', async (t) => {
  const r = await rig([
    {
      use: 'chaos',
      active: true,
      match: { path: '/flaky' },
      stages: [{ type: 'trigger', behaviour: { type: 'status', status: 503 }, trigger: { type: 'always' } }],
    },
  ])
  t.after(() => r.stop())
  assert.equal((await send(r.url, { path: '/flaky' })).status, 503)
  assert.equal((await send(r.url, { path: '/steady' })).status, 200)
  assert.equal(r.listener.app.chaos?.state().active, true)
})

test('a switched-off block stays in the list but out of the path', async (t) => {
  const r = await rig([{ use: 'mock', enabled: false, respond: { body: 'mocked' } }])
  t.after(() => r.stop())
  assert.equal((await send(r.url)).body.toString(), 'upstream saw GET / 0')
  assert.equal(r.listener.blocks.length, 1)
})
