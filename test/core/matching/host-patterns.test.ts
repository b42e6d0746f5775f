/** Host patterns (the passthrough and allow lists): exact names, `*.` for the names under one, `*` for all. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { hostMatcher, parseHostList } from '../../../electron/core/matching/host-patterns.ts'

test('an exact pattern matches that host only, ignoring case, spaces, a trailing dot and IPv6 brackets', () => {
  const matches = hostMatcher(['Example.COM', ' [::1] '])
  for (const host of ['example.com', 'EXAMPLE.com.', ' example.com ', '::1', '[::1]'])
    assert.equal(matches(host), true, host)
  for (const host of ['a.example.com', 'example.co', 'xexample.com', '::2', ''])
    assert.equal(matches(host), false, host)
})

test('only a whole bracketed name loses its brackets', () => {
  assert.equal(hostMatcher(['::1x'])('[::1]x'), false)
  assert.equal(hostMatcher(['x::1'])('x[::1]'), false)
})

test('*.name matches every name under it, at any depth, but not the name itself', () => {
  const matches = hostMatcher(['*.example.com'])
  assert.equal(matches('a.example.com'), true)
  assert.equal(matches('a.b.EXAMPLE.com'), true)
  assert.equal(matches('example.com'), false)
  assert.equal(matches('badexample.com'), false)
})

test('* matches every host, and empty patterns match none', () => {
  assert.equal(hostMatcher(['*'])('anything.test'), true)
  assert.equal(hostMatcher(['', '  ', '.'])('anything.test'), false)
  assert.equal(hostMatcher([])('anything.test'), false)
  assert.equal(hostMatcher(['', ' '])(''), false, 'not even a request with an empty Host')
  assert.equal(hostMatcher(['a.test', '*'])('b.test'), true, 'a later * still matches all')
})

test('a --passthrough list splits on commas, trimmed, empty entries dropped', () => {
  assert.deepEqual(parseHostList(' a.com, *.b.com ,,c.com,'), ['a.com', '*.b.com', 'c.com'])
  assert.deepEqual(parseHostList(''), [])
})
