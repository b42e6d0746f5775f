/**
 * What the static file server makes of a file name and of a request path, called in memory: the Content-Type a file
 * is served with, and which request paths name a file under the root and which try to leave it.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { contentTypeFor, DEFAULT_CONTENT_TYPE } from '../../electron/core/static/content-types.ts'
import { requestPath } from '../../electron/core/static/request-path.ts'

test('a file is served with the content type of its last extension, in any case', () => {
  const expected: Array<[string, string]> = [
    ['index.html', 'text/html; charset=utf-8'],
    ['old.HTM', 'text/html; charset=utf-8'],
    ['site.css', 'text/css; charset=utf-8'],
    ['app.js', 'text/javascript; charset=utf-8'],
    ['mod.mjs', 'text/javascript; charset=utf-8'],
    ['data.json', 'application/json'],
    ['app.js.map', 'application/json'],
    ['lib.wasm', 'application/wasm'],
    ['logo.svg', 'image/svg+xml'],
    ['a.png', 'image/png'],
    ['b.JPG', 'image/jpeg'],
    ['c.jpeg', 'image/jpeg'],
    ['d.webp', 'image/webp'],
    ['e.gif', 'image/gif'],
    ['favicon.ico', 'image/x-icon'],
    ['f.woff2', 'font/woff2'],
    ['notes.txt', 'text/plain; charset=utf-8'],
    ['paper.pdf', 'application/pdf'],
  ]
  for (const [name, type] of expected) assert.equal(contentTypeFor(name), type, name)
})

test('a file with no extension, a trailing dot or an unknown extension is application/octet-stream', () => {
  assert.equal(DEFAULT_CONTENT_TYPE, 'application/octet-stream')
  for (const name of ['Makefile', 'archive.', 'data.bin', 'html', '.html.', 'x.tar.gz'])
    assert.equal(contentTypeFor(name), 'application/octet-stream', name)
  assert.equal(contentTypeFor('.html'), 'text/html; charset=utf-8', 'a dot file named for its extension')
})

test('a request path becomes its percent-decoded segments, and a trailing slash marks a folder', () => {
  assert.deepEqual(requestPath('/'), { kind: 'ok', segments: [], directory: true })
  assert.deepEqual(requestPath('/a/b.txt'), { kind: 'ok', segments: ['a', 'b.txt'], directory: false })
  assert.deepEqual(requestPath('/docs/'), { kind: 'ok', segments: ['docs'], directory: true })
  assert.deepEqual(requestPath('/my%20file.txt'), { kind: 'ok', segments: ['my file.txt'], directory: false })
  assert.deepEqual(requestPath('/%2541'), { kind: 'ok', segments: ['%41'], directory: false }, 'decoded once only')
  assert.deepEqual(requestPath('/a..b/.c'), { kind: 'ok', segments: ['a..b', '.c'], directory: false })
})

test('every way out of the root is refused: dot segments, empty segments, encoded separators, NUL, backslashes', () => {
  for (const path of [
    'a/b',
    '',
    '/..',
    '/../etc/passwd',
    '/a/./b',
    '/.',
    '/%2e%2e/x',
    '/%2E',
    '/a//b',
    '//etc/passwd',
    '/a%2fb',
    '/a%5cb',
    '/a%00b',
    '/a\\b',
    '/..%2f',
  ])
    assert.deepEqual(requestPath(path), { kind: 'refused' }, path)
})

test('a segment that is not valid percent-encoding is malformed, not refused', () => {
  assert.deepEqual(requestPath('/%zz'), { kind: 'malformed' })
  assert.deepEqual(requestPath('/ok/%E0%A4%A'), { kind: 'malformed' })
})

test('no accepted path has a segment that could step outside the root', () => {
  fc.assert(
    fc.property(
      fc.array(fc.constantFrom('a', '.', '..', '%2e', '%2E%2e', '%2f', '%5c', '%00', '/', '\\', 'b%20c')),
      (parts) => {
        const answer = requestPath(`/${parts.join('')}`)
        if (answer.kind !== 'ok') return
        for (const s of answer.segments) {
          assert.ok(s !== '' && s !== '.' && s !== '..', s)
          assert.doesNotMatch(s, /[/\\\0]/)
        }
      },
    ),
  )
})
