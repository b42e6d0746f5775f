import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { HttpHandler } from '../../../electron/core/http.ts'
import { bodyText, header, request, response, type Request } from '../../../electron/core/message.ts'
import { proxyHost } from '../../../electron/core/filters/proxy-host.ts'

function upstream(): { handler: HttpHandler; seen: Request[] } {
  const seen: Request[] = []
  return {
    seen,
    handler: async (req) => {
      seen.push(req)
      return response(200, { body: 'from upstream' })
    },
  }
}

test('proxyHost rebuilds the upstream URL from the Host header of an origin-form request', async () => {
  const up = upstream()
  const res = await proxyHost()(up.handler)(
    request({
      target: '/a/../b?q=1%20',
      headers: [
        ['Accept', '*/*'],
        ['host', 'Example.com:8080'],
      ],
    }),
  )
  assert.equal(res.status, 200)
  assert.equal(up.seen[0]?.target, 'http://example.com:8080/a/../b?q=1%20')
  assert.deepEqual(up.seen[0]?.headers, [
    ['Accept', '*/*'],
    ['host', 'example.com:8080'],
  ])
})

test('proxyHost uses an absolute-form target and makes the Host header agree with it', async () => {
  const up = upstream()
  await proxyHost()(up.handler)(
    request({
      target: 'http://api.test:80/x',
      headers: [
        ['HOST', 'elsewhere'],
        ['X-A', '1'],
      ],
    }),
  )
  assert.equal(up.seen[0]?.target, 'http://api.test/x')
  assert.deepEqual(up.seen[0]?.headers, [
    ['HOST', 'api.test'],
    ['X-A', '1'],
  ])
})

test('proxyHost adds a Host header to an absolute-form request that has none, and a path when the URL has none', async () => {
  const up = upstream()
  await proxyHost()(up.handler)(request({ target: 'http://api.test?q' }))
  assert.equal(up.seen[0]?.target, 'http://api.test/?q')
  assert.equal(header(up.seen[0]!, 'Host'), 'api.test')
})

test('proxyHost with https switches http in to https out, moving a default port to 443', async () => {
  const up = upstream()
  const send = proxyHost({ https: true })(up.handler)
  await send(request({ target: '/http4k', headers: [['Host', 'github.com']] }))
  await send(request({ target: 'http://github.com:80/a' }))
  await send(request({ target: 'http://localhost:8443/b' }))
  assert.deepEqual(
    up.seen.map((r) => r.target),
    ['https://github.com/http4k', 'https://github.com/a', 'https://localhost:8443/b'],
  )
  assert.deepEqual(
    up.seen.map((r) => header(r, 'Host')),
    ['github.com', 'github.com', 'localhost:8443'],
  )
})

test('proxyHost keeps IPv6 literal hosts in brackets', async () => {
  const up = upstream()
  await proxyHost()(up.handler)(request({ target: '/', headers: [['Host', '[::1]:3000']] }))
  assert.equal(up.seen[0]?.target, 'http://[::1]:3000/')
})

test('proxyHost answers 400 without calling upstream when there is no host anywhere', async () => {
  const up = upstream()
  const res = await proxyHost()(up.handler)(request({ target: '/no-host' }))
  assert.equal(res.status, 400)
  assert.equal(res.generated?.cause, 'bad-request')
  assert.equal(await bodyText(res.body), 'cannot tell where to send this request: no absolute URL and no Host header\n')
  assert.equal(up.seen.length, 0)
})

test('proxyHost answers 400 for an unparsable host or target', async () => {
  const up = upstream()
  const send = proxyHost()(up.handler)
  for (const req of [
    request({ target: '/', headers: [['Host', 'bad host']] }),
    request({ target: '/', headers: [['Host', '']] }),
    request({ target: '/', headers: [['Host', 'a:99999']] }),
    request({ target: 'http:///nohost' }),
    request({ target: 'garbage' }),
  ])
    assert.equal((await send(req)).status, 400, req.target)
  assert.equal(up.seen.length, 0)
})

test('proxyHost passes authority-form CONNECT requests through untouched', async () => {
  const up = upstream()
  const connect = request({ method: 'CONNECT', target: 'example.com:443', headers: [['Host', 'example.com:443']] })
  await proxyHost({ https: true })(up.handler)(connect)
  assert.equal(up.seen[0], connect)
})

test('proxyHost explains itself', () => {
  assert.equal(proxyHost().description, 'rebuilds the upstream URL from the request')
  assert.equal(
    proxyHost({ https: true }).description,
    'rebuilds the upstream URL from the request and switches it to https',
  )
})
