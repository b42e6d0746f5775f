import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { HttpHandler } from '../../electron/core/http.ts'
import { bodyText, header, request, response, withHeader } from '../../electron/core/message.ts'
import { describeRoutes, pathParam, pathParams, route, routes } from '../../electron/core/routing.ts'

const says =
  (text: string): HttpHandler =>
  async (req) =>
    response(200, { body: `${text} ${JSON.stringify(pathParams(req))}` })

const table = [
  route('GET', '/users/{id}', says('get user')),
  route('DELETE', '/users/{id}', says('delete user')),
  route('GET', '/users', says('list users')),
  route('*', '/files/{path:.*}', says('file')),
  route('GET', '/orders/{year:\\d{4}}/{n}', says('order')),
]
const app = routes(...table)

async function call(method: string, target: string): Promise<[number, string]> {
  const res = await app(request({ method, target }))
  return [res.status, await bodyText(res.body)]
}

test('routes send each request to the first route matching its method and path', async () => {
  assert.deepEqual(await call('GET', '/users/7?full=1'), [200, 'get user {"id":"7"}'])
  assert.deepEqual(await call('DELETE', '/users/7'), [200, 'delete user {"id":"7"}'])
  assert.deepEqual(await call('GET', '/users'), [200, 'list users {}'])
  assert.deepEqual(await call('GET', '/orders/2024/15'), [200, 'order {"year":"2024","n":"15"}'])
})

test('routes match the path of an absolute-form target', async () => {
  assert.deepEqual(await call('GET', 'http://api.test:8080/users/9?x'), [200, 'get user {"id":"9"}'])
})

test('a {name:regex} parameter can span slashes and a * route takes any method', async () => {
  assert.deepEqual(await call('PUT', '/files/a/b/c.txt'), [200, 'file {"path":"a/b/c.txt"}'])
  assert.deepEqual(await call('GET', '/files/'), [200, 'file {"path":""}'])
})

test('path parameters are percent-decoded, and a malformed escape is left as sent', async () => {
  assert.deepEqual(await call('GET', '/users/Ada%20Lovelace%2F1'), [200, 'get user {"id":"Ada Lovelace/1"}'])
  assert.deepEqual(await call('GET', '/users/100%'), [200, 'get user {"id":"100%"}'])
})

test('routes answer 404 when no path matches', async () => {
  const res = await app(request({ target: '/nope' }))
  assert.equal(res.status, 404)
  assert.equal(await bodyText(res.body), 'No route for GET /nope\n')
  assert.equal((await app(request({ target: '/orders/24/1' }))).status, 404)
  assert.equal((await app(request({ method: 'CONNECT', target: 'h:443' }))).status, 404)
})

test('routes answer 405 with Allow when only the method differs', async () => {
  const res = await app(request({ method: 'POST', target: '/users/7' }))
  assert.equal(res.status, 405)
  assert.equal(header(res, 'Allow'), 'GET, DELETE')
  assert.equal(await bodyText(res.body), 'POST is not allowed on /users/7; try GET, DELETE\n')
})

test('pathParam reads one parameter and survives filters that copy the request', async () => {
  const handler: HttpHandler = async (req) => {
    const copied = withHeader(req, 'X-Filtered', 'yes')
    return response(200, { body: pathParam(copied, 'id') })
  }
  const res = await routes(route('GET', '/things/{id}', handler))(request({ target: '/things/42' }))
  assert.equal(await bodyText(res.body), '42')
})

test('pathParam throws, saying how to fix it, when the route declares no such parameter', async () => {
  const res = routes(route('GET', '/things/{id}', async (req) => response(200, { body: pathParam(req, 'name') })))
  await assert.rejects(
    res(request({ target: '/things/1' })),
    /declare it in the route pattern, e.g. '\/users\/\{name\}'/,
  )
})

test('routes explain themselves one line each', () => {
  assert.deepEqual(describeRoutes(...table), [
    'GET /users/{id}',
    'DELETE /users/{id}',
    'GET /users',
    'ANY /files/{path:.*}',
    'GET /orders/{year:\\d{4}}/{n}',
  ])
})

test('a bad route pattern is refused when the route is made', () => {
  assert.throws(() => route('GET', 'users', says('x')), /start with '\/'/)
  assert.throws(() => route('GET', '/a/{id', says('x')), /unclosed/)
  assert.throws(() => route('GET', '/a/{id}/{id}', says('x')), /repeated/)
  assert.throws(() => route('GET', '/a/{id:(}', says('x')), /invalid regex/)
})
