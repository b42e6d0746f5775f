import { test } from 'node:test'
import assert from 'node:assert/strict'
import { compileMatch, describeMatch, type MatchSpec } from '../../electron/pipeline/match.ts'
import { request, type Request } from '../../electron/core/message.ts'

async function matches(spec: MatchSpec | undefined, req: Request): Promise<boolean> {
  const m = compileMatch(spec)(req)
  return typeof m === 'boolean' ? m : (await m).matched
}

const get = (target: string, headers: [string, string][] = [], method = 'GET', body?: string) =>
  request({ method, target, headers, ...(body !== undefined ? { body } : {}) })

test('no match means every request', async () => {
  assert.equal(await matches(undefined, get('http://a.example.com/x')), true)
})

test('a method matches in any case, and a list matches any of its methods', async () => {
  assert.equal(await matches({ method: 'post' }, get('http://h/', [], 'POST')), true)
  assert.equal(await matches({ method: ['PUT', 'PATCH'] }, get('http://h/', [], 'patch')), true)
  assert.equal(await matches({ method: ['PUT', 'PATCH'] }, get('http://h/', [], 'GET')), false)
})

test('a host glob with *. matches names under it but not the name itself, ignoring the port and case', async () => {
  assert.equal(await matches({ host: '*.example.com' }, get('http://API.example.com:8443/x')), true)
  assert.equal(await matches({ host: '*.example.com' }, get('http://a.b.example.com/x')), true)
  assert.equal(await matches({ host: '*.example.com' }, get('http://example.com/x')), false)
  assert.equal(await matches({ host: 'example.com' }, get('/x', [['Host', 'example.com:80']])), true)
})

test('in a path glob * stays within one segment and ** crosses segments', async () => {
  assert.equal(await matches({ path: '/api/*' }, get('http://h/api/users')), true)
  assert.equal(await matches({ path: '/api/*' }, get('http://h/api/users/7')), false)
  assert.equal(await matches({ path: '/api/**' }, get('http://h/api/users/7?x=1')), true)
  assert.equal(await matches({ path: '/api/*/items' }, get('http://h/api/7/items')), true)
  assert.equal(await matches({ path: '/a.b' }, get('http://h/aXb')), false, 'a dot is a dot, not any character')
})

test('query and header conditions must all hold; true means the header is present', async () => {
  const req = get('http://h/search?q=cats&page=2', [
    ['X-Trace', 'abc-123'],
    ['Accept', 'text/html'],
  ])
  assert.equal(await matches({ query: { q: 'cat*' } }, req), true)
  assert.equal(await matches({ query: { q: 'cat*', page: '3' } }, req), false)
  assert.equal(await matches({ header: { 'x-trace': true } }, req), true)
  assert.equal(await matches({ header: { 'x-trace': 'abc-*', accept: 'text/*' } }, req), true)
  assert.equal(await matches({ header: { authorization: true } }, req), false)
})

test('a body condition reads the body and hands the buffered request on', async () => {
  const req = get('http://h/upload', [], 'POST', 'hello needle world')
  const m = compileMatch({ body: 'needle' })(req)
  assert.notEqual(typeof m, 'boolean')
  const { matched, buffered } = await (m as Promise<{ matched: boolean; buffered: Request }>)
  assert.equal(matched, true)
  assert.equal(buffered.body.kind, 'bytes')
  assert.equal(await matches({ body: 'haystack' }, get('http://h/upload', [], 'POST', 'hello needle')), false)
})

test('not turns a match around', async () => {
  assert.equal(await matches({ path: '/api/**', not: { method: 'GET' } }, get('http://h/api/x')), false)
  assert.equal(await matches({ path: '/api/**', not: { method: 'GET' } }, get('http://h/api/x', [], 'DELETE')), true)
})

test('a match explains itself in one line', () => {
  assert.equal(
    describeMatch({ method: ['get', 'head'], host: 'api.example.com', path: '/v1/**' }),
    'GET/HEAD requests to api.example.com for /v1/**',
  )
})
