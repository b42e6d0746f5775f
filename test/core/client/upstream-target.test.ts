/**
 * How the HTTP/1.1 client reads where a request goes from its absolute-form target (RFC 9112 §3.2.2): scheme,
 * host, port (the scheme's default when none), the pool key, and the path exactly as sent.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseTarget } from '../../../electron/core/client/node-client.ts'

test('an http target without a port goes to 80, an https one to 443, each keyed by scheme, host and port', () => {
  assert.deepEqual(parseTarget('http://Example.com/a?b'), {
    secure: false,
    host: 'example.com',
    port: 80,
    authority: 'example.com',
    key: 'http://example.com:80',
    where: 'example.com:80',
    path: '/a?b',
  })
  assert.deepEqual(parseTarget('HTTPS://example.com'), {
    secure: true,
    host: 'example.com',
    port: 443,
    authority: 'example.com',
    key: 'https://example.com:443',
    where: 'example.com:443',
    path: '/',
  })
})

test('an explicit port is kept, an IPv6 host loses its brackets where it is dialled but keeps them in the key', () => {
  assert.deepEqual(parseTarget('https://[::1]:8443/x'), {
    secure: true,
    host: '::1',
    port: 8443,
    authority: '[::1]:8443',
    key: 'https://[::1]:8443',
    where: '::1:8443',
    path: '/x',
  })
  assert.equal(parseTarget('http://h:80/')?.authority, 'h', 'a default port written out is dropped from the authority')
})

test('the path and query go out as sent, with a slash before a bare query and no fragment', () => {
  assert.equal(parseTarget('http://h/a/../b?x=%20')?.path, '/a/../b?x=%20')
  assert.equal(parseTarget('http://h?q=1')?.path, '/?q=1')
  assert.equal(parseTarget('http://h/p#frag')?.path, '/p')
})

test('a target that is not an absolute http(s) URL, or has no usable host, goes nowhere', () => {
  for (const target of ['/p', 'ftp://h/p', 'h:443', 'http:///p', 'http://a b/', 'http://[zz]/'])
    assert.equal(parseTarget(target), undefined, target)
  assert.equal(parseTarget('http://a b/'), undefined, 'asked twice: the remembered answer is the same')
})
