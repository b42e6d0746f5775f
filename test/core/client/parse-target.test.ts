import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { parseTarget } from '../../../electron/core/client/node-client.ts'

/** The absolute-form target as a pattern: `scheme://authority`, then the path and query up to any fragment. */
const ABSOLUTE = /^(https?:\/\/[^/?#]*)([^#]*)/i

test('an absolute-form target splits into its origin and the path and query as sent, without the fragment', () => {
  assert.deepEqual(
    { ...parseTarget('HTTPS://Example.com:8443/a/../b?c=1#frag') },
    {
      secure: true,
      host: 'example.com',
      port: 8443,
      authority: 'example.com:8443',
      key: 'https://example.com:8443',
      where: 'example.com:8443',
      path: '/a/../b?c=1',
    },
  )
  assert.equal(parseTarget('http://h?x')?.path, '/?x', 'a query straight after the authority gets its slash')
  assert.equal(parseTarget('http://h')?.path, '/')
  assert.equal(parseTarget('/relative'), undefined)
  assert.equal(parseTarget('httpx://h/'), undefined)
  assert.equal(parseTarget('ftp://h/'), undefined)
  assert.equal(parseTarget('http:/h/'), undefined)
})

test('any target splits as the absolute-form pattern splits it', () => {
  const piece = fc.constantFrom(
    'http',
    'HTTP',
    'https',
    'hTtPs',
    'httpx',
    'ftp',
    '://',
    ':/',
    '/',
    '?',
    '#',
    'h',
    'a.b',
    ':80',
    '[::1]',
    's',
    '',
  )
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 8 }), (pieces) => {
      const target = pieces.join('')
      const got = parseTarget(target)
      const match = ABSOLUTE.exec(target)
      if (!match) return assert.equal(got, undefined, target)
      if (got === undefined) {
        // Only an origin that is no URL with a host (none, or a bad port) is refused.
        assert.equal(URL.canParse(`${match[1]}/`) && new URL(`${match[1]}/`).hostname !== '', false, target)
        return
      }
      const rest = match[2] ?? ''
      assert.equal(got.path, rest === '' ? '/' : rest.startsWith('/') ? rest : `/${rest}`, target)
      assert.equal(got.key, parseTarget(match[1]!)?.key, target)
    }),
    { numRuns: 3000 },
  )
})
