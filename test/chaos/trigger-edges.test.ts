import { test } from 'node:test'
import assert from 'node:assert/strict'
import { request } from '../../electron/core/message.ts'
import { chaosRequest } from '../../electron/chaos/chaos-request.ts'
import { always, and, matchRequest, not, or } from '../../electron/chaos/triggers.ts'

const req = (target: string, headers: Array<[string, string]> = [], body?: string) =>
  chaosRequest(request({ method: 'POST', target, headers }), body)

test('only a trigger that matches on the body asks the engine to buffer the body', () => {
  const onBody = matchRequest({ body: 'x' })
  assert.equal(always().needsBody, false)
  assert.equal(matchRequest({ path: '/a', headers: { Accept: '.*' } }).needsBody, false)
  assert.equal(onBody.needsBody, true)
  assert.equal(not(onBody).needsBody, true)
  assert.equal(not(always()).needsBody, false)
  for (const combine of [and, or]) {
    assert.equal(combine(always(), onBody).needsBody, true, `${combine.name} of a body match and always`)
    assert.equal(combine(always(), always()).needsBody, false, `${combine.name} of two triggers that never read it`)
  }
})

test('a body pattern spans lines, and an empty pattern matches a request without a body', () => {
  assert.equal(matchRequest({ body: 'first.*last' }).fires(req('http://h/', [], 'first\nlast')), true)
  assert.equal(matchRequest({ body: '' }).fires(req('http://h/')), true)
  assert.equal(matchRequest({ body: '' }).fires(req('http://h/', [], 'something')), false)
})

test('a query matches by its name and value together, any of its values', () => {
  const t = matchRequest({ queries: { q: 'x' } })
  assert.equal(t.fires(req('http://h/?q=y&q=x')), true)
  assert.equal(t.fires(req('http://h/?q=y')), false)
  assert.equal(t.fires(req('http://h/?p=x')), false)
})

test('a header matches by its name in any case and its value, any of its values, beside other headers', () => {
  const t = matchRequest({ headers: { 'X-Env': 'test' } })
  assert.equal(
    t.fires(
      req('http://h/', [
        ['Accept', '*/*'],
        ['x-env', 'prod'],
        ['X-ENV', 'test'],
      ]),
    ),
    true,
  )
  assert.equal(
    t.fires(
      req('http://h/', [
        ['Accept', '*/*'],
        ['X-Env', 'prod'],
      ]),
    ),
    false,
  )
  assert.equal(t.fires(req('http://h/', [['X-Other', 'test']])), false)
})
