import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { locate, locateTarget } from '../../electron/capture/request-location.ts'
import { request } from '../../electron/core/message.ts'

const at = (target: string, host?: string) =>
  locate(request({ target, headers: host === undefined ? [] : [['hOsT', host]] }))

test('an origin-form target is joined to the Host header, found whatever its case, and stays as sent', () => {
  assert.deepEqual(at('/a/../b?q=1#x', 'api.test:81'), {
    url: 'http://api.test:81/a/../b?q=1#x',
    host: 'api.test:81',
    path: '/a/../b?q=1#x',
  })
})

test('an origin-form target with no Host header is its own URL, with an empty host', () => {
  assert.deepEqual(at('/p?q'), { url: '/p?q', host: '', path: '/p?q' })
  assert.deepEqual(at('/p', ''), { url: '/p', host: '', path: '/p' })
})

test('an asterisk target (OPTIONS *) names the Host as its URL and keeps * as its path', () => {
  assert.deepEqual(at('*', 'h.test'), { url: 'http://h.test', host: 'h.test', path: '*' })
  assert.deepEqual(at('*'), { url: '*', host: '', path: '*' })
})

test('an absolute http or https target is the URL; its host runs to the first / ? or #, its path drops the fragment', () => {
  assert.deepEqual(at('http://a.test/x?y#frag', 'ignored'), {
    url: 'http://a.test/x?y#frag',
    host: 'a.test',
    path: '/x?y',
  })
  assert.deepEqual(at('https://a.test:8443'), { url: 'https://a.test:8443', host: 'a.test:8443', path: '/' })
  assert.deepEqual(at('http://a.test?q=1'), { url: 'http://a.test?q=1', host: 'a.test', path: '?q=1' })
  assert.deepEqual(at('http://a.test#top'), { url: 'http://a.test#top', host: 'a.test', path: '/' })
  assert.deepEqual(at('https://b.test/#'), { url: 'https://b.test/#', host: 'b.test', path: '/' })
})

test('an absolute target with another scheme is read the same way', () => {
  assert.deepEqual(at('ws://w.test/chat?room=1#x'), {
    url: 'ws://w.test/chat?room=1#x',
    host: 'w.test',
    path: '/chat?room=1',
  })
  assert.deepEqual(at('Svn+SSH://s.test'), { url: 'Svn+SSH://s.test', host: 's.test', path: '/' })
})

test('an authority-form target (CONNECT) or one that cannot be parsed is shown as sent, with no path', () => {
  assert.deepEqual(at('secure.test:443', 'other'), { url: 'secure.test:443', host: 'secure.test:443', path: '' })
  assert.deepEqual(at('not a target'), { url: 'not a target', host: 'not a target', path: '' })
  assert.deepEqual(at('1http://x/'), { url: '1http://x/', host: '1http://x/', path: '' })
})

test('the Host header is read only for targets that need it', () => {
  let reads = 0
  const host = () => {
    reads++
    return 'h'
  }
  locateTarget('http://a/', host, null)
  locateTarget('ws://a/', host, null)
  locateTarget('a:443', host, null)
  assert.equal(reads, 0)
  locateTarget('/', host, null)
  locateTarget('*', host, null)
  assert.equal(reads, 2)
})

const GENERIC = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)([^#]*)/

test('the quick reading of http and https targets agrees with the general one for any target', () => {
  const part = fc.string({ unit: fc.constantFrom('a', '/', '?', '#', ':', '.', '1', '%', '@') })
  fc.assert(
    fc.property(fc.constantFrom('http://', 'https://'), part, (scheme, rest) => {
      const target = scheme + rest
      const [, host = '', path = ''] = GENERIC.exec(target)!
      assert.deepEqual(
        locateTarget(target, () => 'never', null),
        {
          url: target,
          host,
          path: path === '' ? '/' : path,
        },
      )
    }),
    { numRuns: 300 },
  )
})
