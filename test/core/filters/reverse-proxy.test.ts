import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { HttpHandler } from '../../../electron/core/http.ts'
import { request, response, type Request } from '../../../electron/core/message.ts'
import { reverseProxyTo } from '../../../electron/core/filters/reverse-proxy.ts'

function upstream(): { handler: HttpHandler; seen: Request[] } {
  const seen: Request[] = []
  return {
    seen,
    handler: async (req) => {
      seen.push(req)
      return response(200)
    },
  }
}

test('reverseProxyTo forwards an origin-form request under the base URL with the base host', async () => {
  const up = upstream()
  await reverseProxyTo('https://api.example.com:8443/v1/')(up.handler)(
    request({
      target: '/users?page=2',
      headers: [
        ['host', 'localhost:9000'],
        ['Accept', 'text/html'],
      ],
    }),
  )
  assert.equal(up.seen[0]?.target, 'https://api.example.com:8443/v1/users?page=2')
  assert.deepEqual(up.seen[0]?.headers, [
    ['host', 'api.example.com:8443'],
    ['Accept', 'text/html'],
  ])
})

test('reverseProxyTo joins a bare origin without double slashes and uses only the path of an absolute-form target', async () => {
  const up = upstream()
  const send = reverseProxyTo('http://backend.test')(up.handler)
  await send(request({ target: '/' }))
  await send(request({ target: 'http://ignored.test/a%2Fb?x' }))
  assert.deepEqual(
    up.seen.map((r) => r.target),
    ['http://backend.test/', 'http://backend.test/a%2Fb?x'],
  )
  assert.deepEqual(
    up.seen.map((r) => r.headers),
    [[['Host', 'backend.test']], [['Host', 'backend.test']]],
  )
})

test('reverseProxyTo answers 400 for a target with no path', async () => {
  const up = upstream()
  const res = await reverseProxyTo('http://backend.test')(up.handler)(request({ method: 'CONNECT', target: 'h:443' }))
  assert.equal(res.status, 400)
  assert.equal(up.seen.length, 0)
})

test('reverseProxyTo refuses an invalid base URL at construction, saying how to fix it', () => {
  for (const base of ['backend.test', 'ftp://x.test', 'http://x.test/?q=1', 'not a url']) {
    assert.throws(
      () => reverseProxyTo(base),
      /needs an absolute http or https URL.*such as 'https:\/\/api\.example\.com\/v1'/,
    )
  }
})

test('reverseProxyTo explains itself', () => {
  assert.equal(
    reverseProxyTo('https://api.example.com/v1/').description,
    'forwards every request under https://api.example.com/v1',
  )
})
