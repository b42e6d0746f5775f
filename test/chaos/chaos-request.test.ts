/** What a chaos trigger sees of a request: host, path, decoded query and, when asked for, the body. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { request } from '../../electron/core/message.ts'
import { chaosRequest } from '../../electron/chaos/chaos-request.ts'

const seen = (target: string, headers: Array<[string, string]> = [], body?: string) =>
  chaosRequest(request({ method: 'GET', target, headers }), body)

test('any query of names and values, percent-encoded, reads back as the same pairs in order', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.string({ minLength: 1 }), fc.string())), (pairs) => {
      const query = pairs.map(([n, v]) => `${encodeURIComponent(n)}=${encodeURIComponent(v)}`).join('&')
      assert.deepEqual(seen(`/p?${query}`).query, pairs)
    }),
  )
})

test('a query name without = has an empty value, + is a space, and a bad escape is kept as written', () => {
  assert.deepEqual(seen('/p?flag&=orphan&a+b=c+d&bad=%zz&&').query, [
    ['flag', ''],
    ['', 'orphan'],
    ['a b', 'c d'],
    ['bad', '%zz'],
  ])
})

test('the path is what precedes the query, in origin and absolute form; a CONNECT target has neither', () => {
  assert.deepEqual([seen('/a/b?x=1').path, seen('/a/b').path, seen('/a/b').query], ['/a/b', '/a/b', []])
  assert.deepEqual([seen('http://h.test/c?x').path, seen('http://h.test/c?x').host], ['/c', 'h.test'])
  const connect = seen('h.test:443')
  assert.deepEqual([connect.host, connect.path, connect.query], ['h.test:443', '', []])
})

test('the host of an origin-form request is its Host header, or empty without one', () => {
  assert.equal(seen('/a', [['Host', 'api.test:8080']]).host, 'api.test:8080')
  assert.equal(seen('/a').host, '')
})

test('the body is there only when it was read for a trigger', () => {
  assert.equal('body' in seen('/a'), false)
  assert.equal(seen('/a', [], 'text').body, 'text')
})
