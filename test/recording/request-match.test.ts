import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {
  compareNearness,
  differences,
  matchKey,
  nearness,
  parseQuery,
  splitUrl,
  type RequestShape,
} from '../../electron/recording/match.ts'

function shape(over: Partial<RequestShape> = {}): RequestShape {
  return {
    method: 'GET',
    scheme: 'http',
    host: 'example.com',
    path: '/a',
    query: [],
    headers: [],
    body: new Uint8Array(0),
    ...over,
  }
}

test('an absolute URL splits into a lower-case scheme and host (default port dropped), its raw path and its query', () => {
  assert.deepEqual(splitUrl('HTTP://Example.COM:80/A/%7e/../b?x=1&y#frag'), {
    scheme: 'http',
    host: 'example.com',
    path: '/A/%7e/../b',
    query: 'x=1&y',
  })
  assert.deepEqual(splitUrl('https://example.com:443'), { scheme: 'https', host: 'example.com', path: '/', query: '' })
  assert.deepEqual(splitUrl('https://example.com:8443?q'), {
    scheme: 'https',
    host: 'example.com:8443',
    path: '/',
    query: 'q',
  })
  assert.deepEqual(splitUrl('http://example.com/p#x?y'), { scheme: 'http', host: 'example.com', path: '/p', query: '' })
  assert.equal(splitUrl('/relative/path'), undefined)
  assert.equal(splitUrl('http:///no-host'), undefined)
  assert.equal(splitUrl('http://user@host/'), undefined)
})

test('query pairs are decoded (a plus is a space), sorted by name then value, without empty pairs or ignored names', () => {
  assert.deepEqual(parseQuery(''), [])
  assert.deepEqual(parseQuery('b=2&a=2&a=1&&c&d=x%20y+z&e=%zz'), [
    ['a', '1'],
    ['a', '2'],
    ['b', '2'],
    ['c', ''],
    ['d', 'x y z'],
    ['e', '%zz'],
  ])
  assert.deepEqual(parseQuery('a=1=2&x=%3D'), [
    ['a', '1=2'],
    ['x', '='],
  ])
  assert.deepEqual(parseQuery('_=123&q=1&ts=9', new Set(['_', 'ts'])), [['q', '1']])
  assert.deepEqual(parseQuery('q=b&q=a&q=b'), [
    ['q', 'a'],
    ['q', 'b'],
    ['q', 'b'],
  ])
})

test('parsing a query does not depend on the order of its pairs', () => {
  const pair = fc.tuple(fc.stringMatching(/^[a-c]{0,2}$/), fc.stringMatching(/^[a-c]{0,2}$/))
  fc.assert(
    fc.property(
      fc
        .array(pair, { maxLength: 8 })
        .chain((ps) =>
          fc.tuple(fc.constant(ps), fc.shuffledSubarray(ps, { minLength: ps.length, maxLength: ps.length })),
        ),
      ([ps, shuffled]) => {
        const q = (xs: typeof ps) => xs.map(([n, v]) => `${n}=${v}`).join('&')
        assert.deepEqual(parseQuery(q(ps)), parseQuery(q(shuffled)))
      },
    ),
  )
})

test('the match key ignores the method’s case and, asked to, the scheme; body and headers count only when chosen', () => {
  const a = shape({ method: 'get', query: [['q', '1']] })
  assert.equal(matchKey(a, {}), JSON.stringify(['GET', 'http', 'example.com', '/a', [['q', '1']]]))
  assert.equal(matchKey(a, {}, true), JSON.stringify(['GET', '*', 'example.com', '/a', [['q', '1']]]))
  assert.equal(matchKey(shape({ scheme: 'https' }), {}, true), matchKey(shape(), {}, true))
  assert.notEqual(matchKey(shape({ scheme: 'https' }), {}), matchKey(shape(), {}))
  const withBody = shape({ body: Buffer.from('one') })
  assert.equal(matchKey(withBody, {}), matchKey(shape(), {}))
  assert.notEqual(matchKey(withBody, { matchBody: true }), matchKey(shape(), { matchBody: true }))
  assert.equal(
    matchKey(withBody, { matchBody: true }),
    JSON.stringify(['GET', 'http', 'example.com', '/a', [], 'dpLDrTVAu4A8Ags67mbNiIcSMjTqDG5xQ8Ct1z/0Me0=']),
  )
  const withHeader = shape({
    headers: [
      ['X-Tenant', 'a'],
      ['x-tenant', 'b'],
    ],
  })
  assert.equal(matchKey(withHeader, {}), matchKey(shape(), {}))
  assert.equal(
    matchKey(withHeader, { matchHeaders: ['X-TENANT'] }),
    JSON.stringify(['GET', 'http', 'example.com', '/a', [], ['a', 'b']]),
  )
})

test('differences name what stops a match, in words, in the order matching checks them', () => {
  const request = shape({
    method: 'post',
    host: 'a.test',
    path: '/x',
    query: [
      ['p', '1'],
      ['q', '2'],
    ],
    headers: [['X-T', 'one']],
    body: Buffer.from('abc'),
  })
  const recorded = shape({
    method: 'GET',
    host: 'b.test',
    path: '/y',
    query: [
      ['q', '2'],
      ['r', '3'],
    ],
    headers: [['x-t', 'two']],
    body: Buffer.from('abcd'),
  })
  assert.deepEqual(differences(request, recorded, { matchBody: true, matchHeaders: ['x-t'] }, true), [
    'method post is not GET',
    'host a.test is not b.test',
    'path /x is not /y',
    'query has p=1, not recorded',
    'query lacks recorded r=3',
    'body differs (3 bytes, recorded 4)',
    'header x-t is ["one"], recorded ["two"]',
  ])
  assert.deepEqual(differences(request, recorded, {}, false), [
    'method post is not GET',
    'path /x is not /y',
    'query has p=1, not recorded',
    'query lacks recorded r=3',
  ])
})

test('a request like the recorded one in every checked part has no differences, whatever its scheme and method case', () => {
  const request = shape({
    method: 'get',
    scheme: 'https',
    query: [['q', '1']],
    headers: [['X-T', 'v']],
    body: Buffer.from('same'),
  })
  const recorded = shape({ method: 'GET', query: [['q', '1']], headers: [['x-t', 'v']], body: Buffer.from('same') })
  assert.deepEqual(differences(request, recorded, { matchBody: true, matchHeaders: ['X-T'] }, true), [])
  assert.deepEqual(
    differences(shape({ body: Buffer.from('a') }), shape({ body: Buffer.from('b') }), {}, true),
    [],
    'bodies count only when asked',
  )
})

test('query differences count repeated pairs as a multiset', () => {
  const q = (...pairs: [string, string][]) => shape({ query: pairs })
  assert.deepEqual(differences(q(['a', '1'], ['a', '1']), q(['a', '1']), {}, true), ['query has a=1, not recorded'])
  assert.deepEqual(differences(q(['a', '1']), q(['a', '1'], ['a', '1']), {}, true), ['query lacks recorded a=1'])
  assert.deepEqual(differences(q(['a', '1'], ['b', '2']), q(['b', '2'], ['a', '1']), {}, true), [])
})

test('nearness puts a similar path first, then a matching method, fewer query differences, the host, then the rest', () => {
  const request = shape({ path: '/a.tx' })
  const near = shape({ path: '/a.txt' })
  const far = shape({ path: '/' })
  const n = (r: RequestShape, hostToo = true) =>
    nearness(request, r, differences(request, r, { matchBody: true }, hostToo))
  assert.deepEqual(n(near), [1, 0, 0, 0, 1])
  assert.deepEqual(n(far), [4, 0, 0, 0, 1])
  assert.ok(compareNearness(n(near), n(far)) < 0)
  assert.ok(compareNearness(n(far), n(near)) > 0)
  assert.equal(compareNearness(n(near), n(near)), 0)
  const all = shape({
    method: 'PUT',
    host: 'other.test',
    path: '/a.tx',
    query: [
      ['x', '1'],
      ['y', '2'],
    ],
    body: Buffer.from('b'),
  })
  assert.deepEqual(n(all), [0, 1, 2, 1, 5])
  assert.deepEqual(n(all, false), [0, 1, 2, 0, 4])
  assert.equal(compareNearness([0, 1, 5], [0, 2, 0]), -1)
  assert.equal(compareNearness([3, 0, 0], [1, 9, 9]), 2)
})
