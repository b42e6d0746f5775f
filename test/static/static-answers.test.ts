/**
 * The static file handler called in memory, on the fixture tree: the exact status and headers of each answer, so
 * a header dropped, reordered or misnamed is noticed without a socket. The socket tests beside this one pin the
 * same answers on the wire.
 */
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { staticFiles } from '../../electron/core/static/static-files.ts'
import { etagOf } from '../../electron/core/static/conditional.ts'
import { bodyText, header, request, type Header, type Response } from '../../electron/core/message.ts'
import { makeTree } from './fixtures.ts'

const tree = makeTree()
mkdirSync(join(tree.root, 'no-index'))
mkdirSync(join(tree.root, 'index-is-dir', 'index.html'), { recursive: true })
writeFileSync(join(tree.root, 'empty.txt'), '')
after(() => tree.remove())
const serve = staticFiles(tree.root)
const get = (target: string, ...headers: Header[]) => serve(request({ target, headers }))
const names = (res: Response) => res.headers.map((h) => h[0])

async function plain(res: Response, status: number, reason: string, extra: Header[] = []): Promise<void> {
  const text = `${status} ${reason}\n`
  assert.equal(res.status, status)
  assert.deepEqual(res.headers, [
    ['Content-Type', 'text/plain; charset=utf-8'],
    ['Content-Length', String(text.length)],
    ...extra,
  ])
  assert.equal(await bodyText(res.body), text)
}

test('a file comes with its type, validators, ranges, nosniff and length, in that order, and its bytes', async () => {
  const res = await get('/digits.txt')
  assert.equal(res.status, 200)
  assert.deepEqual(names(res), [
    'Content-Type',
    'ETag',
    'Last-Modified',
    'Accept-Ranges',
    'X-Content-Type-Options',
    'Content-Length',
  ])
  assert.equal(header(res, 'Content-Type'), 'text/plain; charset=utf-8')
  assert.equal(header(res, 'Accept-Ranges'), 'bytes')
  assert.equal(header(res, 'X-Content-Type-Options'), 'nosniff')
  assert.equal(header(res, 'Content-Length'), '10')
  assert.equal(res.body.kind === 'stream' && res.body.length, 10)
  assert.equal(await bodyText(res.body), '0123456789')
})

test('a range is 206 with its Content-Range after the length and only its bytes; HEAD ignores a range', async () => {
  const res = await get('/digits.txt?x=1', ['Range', 'bytes=2-4'])
  assert.equal(res.status, 206)
  assert.deepEqual(res.headers.slice(-2), [
    ['Content-Length', '3'],
    ['Content-Range', 'bytes 2-4/10'],
  ])
  assert.equal(await bodyText(res.body), '234')
  const head = await serve(request({ method: 'HEAD', target: '/digits.txt', headers: [['Range', 'bytes=2-4']] }))
  assert.equal(head.status, 200)
  assert.equal(header(head, 'Content-Length'), '10')
  assert.equal(head.body.kind, 'bytes')
  assert.equal(await bodyText(head.body), '')
})

test('an unsatisfiable range is a plain 416 naming the size; a matching ETag a 304 with only the validators', async () => {
  await plain(await get('/digits.txt', ['Range', 'bytes=10-']), 416, 'Range Not Satisfiable', [
    ['Content-Range', 'bytes */10'],
  ])
  const first = await get('/digits.txt')
  await bodyText(first.body)
  const etag = header(first, 'ETag')!
  const again = await get('/digits.txt', ['If-None-Match', etag])
  assert.equal(again.status, 304)
  assert.deepEqual(names(again), ['ETag', 'Last-Modified'])
  assert.equal(await bodyText(again.body), '')
})

test('an empty file is a 200 with length 0 and no stream', async () => {
  const res = await get('/empty.txt')
  assert.equal(res.status, 200)
  assert.equal(header(res, 'Content-Length'), '0')
  assert.equal(res.body.kind, 'bytes')
})

test('methods other than GET and HEAD are a plain 405 with Allow; any case of GET is GET', async () => {
  await plain(await serve(request({ method: 'POST', target: '/digits.txt' })), 405, 'Method Not Allowed', [
    ['Allow', 'GET, HEAD'],
  ])
  const lower = await serve(request({ method: 'get', target: '/digits.txt' }))
  assert.equal(lower.status, 200)
  await bodyText(lower.body)
})

test('targets that are not a path are a plain 400; an absolute-form target is served by its path', async () => {
  await plain(await get('*'), 400, 'Bad Request')
  await plain(await get('example.com:443'), 400, 'Bad Request')
  await plain(await get('/%zz'), 400, 'Bad Request')
  const absolute = await get('http://any.host/digits.txt?q')
  assert.equal(absolute.status, 200)
  assert.equal(await bodyText(absolute.body), '0123456789')
})

test('missing files, refused paths, dotfiles, a file asked for as a folder and a folder without index are 404', async () => {
  for (const target of [
    '/nope.txt',
    '/../secret/passwd',
    '/.env',
    '/sub/.hidden/x.txt',
    '/digits.txt/',
    '/no-index/',
    '/index-is-dir/',
    '/out-file',
  ])
    await plain(await get(target), 404, 'Not Found')
  const wellKnown = await get('/.well-known/security.txt')
  assert.equal(wellKnown.status, 200)
  await bodyText(wellKnown.body)
})

test('a folder without its slash is redirected to it, keeping the query, with an empty body', async () => {
  const res = await get('/sub?a=1')
  assert.equal(res.status, 301)
  assert.deepEqual(res.headers, [
    ['Location', '/sub/?a=1'],
    ['Content-Length', '0'],
  ])
  assert.equal((await get('/sub')).headers[0]![1], '/sub/')
  const index = await get('/sub/')
  assert.equal(index.status, 200)
  assert.equal(header(index, 'Content-Type'), 'text/html; charset=utf-8')
  assert.equal(await bodyText(index.body), '<h1>sub</h1>\n')
})

test('a root that does not exist serves nothing; a device under the root is not a file', async () => {
  await plain(await staticFiles(join(tree.base, 'missing'))(request({ target: '/' })), 404, 'Not Found')
  await plain(await staticFiles('/dev')(request({ target: '/null' })), 404, 'Not Found')
})

test('dotfiles can be allowed; the description says which', async () => {
  const open = staticFiles(tree.root, { dotfiles: 'allow', index: 'index.html' })
  const env = await open(request({ target: '/.env' }))
  assert.equal(env.status, 200)
  assert.equal(await bodyText(env.body), 'API_KEY=secret\n')
  assert.match(
    serve.description,
    /^serves the files under .+ \(GET and HEAD; index\.html for folders; nothing outside it, no dotfiles\)$/,
  )
  assert.match(open.description, /nothing outside it\)$/)
  assert.equal(etagOf({ size: 0, mtimeMs: 0 }), '"0-0"')
})

test('a named pipe under the root is a 404 at once, not a request that waits forever for a writer', async (t) => {
  try {
    execFileSync('mkfifo', [join(tree.root, 'pipe')])
  } catch {
    t.skip('no mkfifo on this system')
    return
  }
  const answer = get('/pipe')
  const timer = new Promise<'waiting'>((resolve) => setTimeout(() => resolve('waiting'), 1000).unref())
  const res = await Promise.race([answer, timer])
  assert.notEqual(res, 'waiting', 'still waiting after a second')
  await plain(res as Response, 404, 'Not Found')
})
