/**
 * The edges of routing that the main routing tests do not reach: how 404 and 405 answers are labelled, which
 * parameter names a pattern accepts, literal text with regex characters in it, and what a route matches alone.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { bodyText, request, response } from '../../electron/core/message.ts'
import { pathParams, route, routes } from '../../electron/core/routing.ts'

const ok = async () => response(200, { body: 'ok' })

test('a 404 and a 405 from the router are plain text, and the 405 lists each allowed method once', async () => {
  const app = routes(route('GET', '/a', ok), route('get', '/a', ok), route('PUT', '/{x}', ok))
  const missing = await app(request({ target: '/a/b' }))
  assert.equal(missing.status, 404)
  assert.deepEqual(missing.headers, [['Content-Type', 'text/plain; charset=utf-8']])
  const wrong = await app(request({ method: 'POST', target: '/a' }))
  assert.equal(wrong.status, 405)
  assert.deepEqual(wrong.headers, [
    ['Allow', 'GET, PUT'],
    ['Content-Type', 'text/plain; charset=utf-8'],
  ])
  assert.equal(await bodyText(wrong.body), 'POST is not allowed on /a; try GET, PUT\n')
})

test('a request-target with no path is a 404 naming the target as sent', async () => {
  const res = await routes(route('GET', '/', ok))(request({ method: 'OPTIONS', target: '*' }))
  assert.equal(res.status, 404)
  assert.equal(await bodyText(res.body), 'No route for OPTIONS *\n')
})

test('a method matches whatever its case, in the route and in the request', async () => {
  const app = routes(route('post', '/p', ok))
  assert.equal((await app(request({ method: 'post', target: '/p' }))).status, 200)
  assert.equal((await app(request({ method: 'POST', target: '/p' }))).status, 200)
  assert.equal(route('post', '/p', ok).description, 'POST /p')
})

test('literal text in a pattern is literal: regex characters match only themselves', () => {
  const r = route('GET', '/v1.0/a+b/(c)/$d^', ok)
  assert.deepEqual(r.match('/v1.0/a+b/(c)/$d^'), {})
  assert.equal(r.match('/v1x0/aab/c/d'), undefined)
  assert.equal(r.match('/v1.0/a+b/(c)/$d^/more'), undefined, 'the whole path must match')
  assert.equal(r.match('/prefix/v1.0/a+b/(c)/$d^'), undefined)
})

test('a plain parameter takes one non-empty segment; a regex one takes what its regex takes', () => {
  const one = route('GET', '/u/{id}/x', ok)
  assert.deepEqual(one.match('/u/7/x'), { id: '7' })
  assert.equal(one.match('/u//x'), undefined)
  assert.equal(one.match('/u/7/8/x'), undefined)
  const nested = route('GET', '/d/{n:[0-9]{2}}-{rest:.+}', ok)
  assert.deepEqual(nested.match('/d/42-a/b'), { n: '42', rest: 'a/b' })
  assert.equal(nested.match('/d/4-a'), undefined)
  assert.equal(nested.description, 'GET /d/{n:[0-9]{2}}-{rest:.+}', 'a route says its pattern as written')
})

test('a parameter name must be an identifier: a bad one is refused when the route is made, naming it', () => {
  for (const [pattern, name] of [
    ['/a/{1x}', '1x'],
    ['/a/{a-b}', 'a-b'],
    ['/a/{}', ''],
    ['/a/{:.*}', ''],
  ] as const)
    assert.throws(
      () => route('GET', pattern, ok),
      new Error(
        `route pattern ${JSON.stringify(pattern)} has a bad or repeated parameter name ${JSON.stringify(name)}: use {name} or {name:regex}`,
      ),
    )
  assert.deepEqual(route('GET', '/a/{_b9}', ok).match('/a/z'), { _b9: 'z' })
  assert.throws(() => route('GET', '/a/{id:(}', ok), /^Error: route pattern "\/a\/\{id:\(\}" has an invalid regex: ./)
  assert.throws(() => route('GET', '/a/{id', ok), new Error(`route pattern "/a/{id" has an unclosed '{'`))
})

test('a request that came through no router has no path parameters', () => {
  assert.deepEqual(pathParams(request({ target: '/u/1' })), {})
})
