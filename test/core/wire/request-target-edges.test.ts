/**
 * The edges of reading a request-target (RFC 9112 §3.2) and of writing an authority for a scheme (RFC 9110 §4.2),
 * with a fast-check property that every origin- or absolute-form target keeps its path and query as sent.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {
  normaliseAuthority,
  parseTarget,
  targetPath,
  targetPathAndQuery,
} from '../../../electron/core/wire/request-target.ts'

test('a scheme may hold letters, digits, plus, dot and dash after its first letter', () => {
  assert.deepEqual(parseTarget('Git+SSH.x-1://h/p'), {
    form: 'absolute',
    scheme: 'git+ssh.x-1',
    authority: 'h',
    pathAndQuery: '/p',
  })
  assert.equal(parseTarget('1http://h/p'), undefined, 'a scheme starts with a letter')
})

test('an absolute target with no path gets "/" before its query, and its fragment is dropped', () => {
  assert.deepEqual(parseTarget('http://h?x=1'), {
    form: 'absolute',
    scheme: 'http',
    authority: 'h',
    pathAndQuery: '/?x=1',
  })
  assert.deepEqual(parseTarget('http://h:81'), {
    form: 'absolute',
    scheme: 'http',
    authority: 'h:81',
    pathAndQuery: '/',
  })
  assert.deepEqual(parseTarget('https://h/a#frag'), {
    form: 'absolute',
    scheme: 'https',
    authority: 'h',
    pathAndQuery: '/a',
  })
})

test('an authority-form target is a host or bracketed IPv6 literal with a port, and nothing else', () => {
  assert.deepEqual(parseTarget('a-b.example:8443'), { form: 'authority', authority: 'a-b.example:8443' })
  for (const target of ['example.com', 'a b:443', 'user@h:443', 'h/x:443', '[zz]:443', 'h:', 'h:443/', ':443', '**'])
    assert.equal(parseTarget(target), undefined, target)
})

test('only origin- and absolute-form targets have a path and a path-and-query', () => {
  for (const target of ['*', 'h:443', 'nonsense']) {
    assert.equal(targetPath(target), undefined, target)
    assert.equal(targetPathAndQuery(target), undefined, target)
  }
  assert.equal(targetPathAndQuery('/a?b=c'), '/a?b=c')
  assert.equal(targetPathAndQuery('http://h/a?b=c'), '/a?b=c')
  assert.equal(targetPath('http://h/a/b?c'), '/a/b')
  assert.equal(targetPath('/just/a/path'), '/just/a/path')
})

test('each scheme drops its own default port, written with any leading zeros, and keeps any other', () => {
  assert.equal(normaliseAuthority('ws', 'h:80'), 'h')
  assert.equal(normaliseAuthority('wss', 'h:443'), 'h')
  assert.equal(normaliseAuthority('wss', 'h:80'), 'h:80')
  assert.equal(normaliseAuthority('http', 'h:0080'), 'h')
  assert.equal(normaliseAuthority('http', 'h:08080'), 'h:8080')
  assert.equal(normaliseAuthority('ftp', 'h:21'), 'h:21', 'a scheme with no default keeps its port')
  assert.equal(normaliseAuthority('http', '[::1]:80'), '[::1]')
  assert.equal(normaliseAuthority('http', 'h'), 'h')
})

test('an authority with spaces, a path, a query, a fragment, user info or a backslash is refused', () => {
  for (const authority of ['a b', 'h/x', 'h?x', 'h#x', 'u@h', 'h\\x', '\th', ':80', '[zz]'])
    assert.equal(normaliseAuthority('http', authority), undefined, JSON.stringify(authority))
})

test('any origin-form or absolute-form target keeps its path and query exactly as sent', () => {
  const pathChar = fc.constantFrom('a', 'Z', '0', '/', '.', '..', '%2e', '%7E', '?', '=', '&', ';', '~', '+', ' ')
  const tail = fc.array(pathChar, { maxLength: 12 }).map((parts) => parts.join(''))
  fc.assert(
    fc.property(tail, fc.constantFrom('', 'http://h', 'https://h:8443', 'ws://[::1]:9'), (rest, origin) => {
      const sent = `/${rest}`
      assert.equal(targetPathAndQuery(`${origin}${sent}`), sent)
      const q = sent.indexOf('?')
      assert.equal(targetPath(`${origin}${sent}`), q < 0 ? sent : sent.slice(0, q))
    }),
  )
})
