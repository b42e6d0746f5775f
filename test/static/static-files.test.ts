import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { staticServer } from '../../electron/apps/static-server.ts'
import { staticFiles } from '../../electron/core/static/static-files.ts'
import { mountApp, type MountedApp } from '../../electron/proxy/mount-app.ts'
import { bodyText, header, request, type Response } from '../../electron/core/message.ts'
import { get, makeTree, rawRequest } from './fixtures.ts'

const tree = makeTree()
let mounted: MountedApp
before(async () => {
  mounted = await mountApp(staticServer(tree.root), { port: 0 })
})
after(async () => {
  await mounted.stop()
  tree.remove()
})

const serve = staticFiles(tree.root)
/** The status, letting go of any file stream the response holds. */
async function statusOf(pending: Promise<Response>): Promise<number> {
  const res = await pending
  if (res.body.kind === 'stream') res.body.stream.destroy()
  return res.status
}
const call = (target: string, headers: Array<[string, string]> = [], method = 'GET'): Promise<Response> =>
  serve(request({ method, target, headers }))

test('files are served with the content type of their extension, octet-stream otherwise', async () => {
  const expected: Record<string, string> = {
    '/index.html': 'text/html; charset=utf-8',
    '/styles.css': 'text/css; charset=utf-8',
    '/app.js': 'text/javascript; charset=utf-8',
    '/mod.mjs': 'text/javascript; charset=utf-8',
    '/data.json': 'application/json',
    '/code.wasm': 'application/wasm',
    '/pic.svg': 'image/svg+xml',
    '/pic.png': 'image/png',
    '/pic.jpeg': 'image/jpeg',
    '/pic.jpg': 'image/jpeg',
    '/pic.webp': 'image/webp',
    '/pic.gif': 'image/gif',
    '/favicon.ico': 'image/x-icon',
    '/font.woff2': 'font/woff2',
    '/app.js.map': 'application/json',
    '/notes.txt': 'text/plain; charset=utf-8',
    '/doc.pdf': 'application/pdf',
    '/blob.bin': 'application/octet-stream',
    '/README': 'application/octet-stream',
  }
  for (const [path, type] of Object.entries(expected)) {
    const res = await call(path)
    assert.equal(res.status, 200, path)
    assert.equal(header(res, 'Content-Type'), type, path)
    await bodyText(res.body)
  }
})

test('a file streams from disk with its length known up front', async () => {
  const res = await call('/notes.txt?cache=bust')
  assert.equal(res.body.kind, 'stream')
  assert.equal(res.body.kind === 'stream' ? res.body.length : -1, 5)
  assert.equal(header(res, 'Content-Length'), '5')
  assert.equal(await bodyText(res.body), 'hello')
})

test('a folder is served by its index.html, after a redirect from /dir to /dir/ that keeps the query', async () => {
  assert.equal(await bodyText((await call('/')).body), '<h1>home</h1>\n')
  const redirect = await call('/sub?x=1')
  assert.equal(redirect.status, 301)
  assert.equal(header(redirect, 'Location'), '/sub/?x=1')
  assert.equal(await bodyText((await call('/sub/')).body), '<h1>sub</h1>\n')
  assert.equal(await statusOf(call('/empty/')), 404, 'a folder without index.html is not listed')
  assert.equal(await statusOf(call('/notes.txt/')), 404, 'a file is not a folder')
})

test('missing files are 404 and other methods 405 with Allow: GET, HEAD', async () => {
  assert.equal(await statusOf(call('/nope.html')), 404)
  for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']) {
    const res = await call('/index.html', [], method)
    assert.equal(res.status, 405, method)
    assert.equal(header(res, 'Allow'), 'GET, HEAD')
  }
})

test('HEAD answers the headers of GET without a body', async () => {
  const res = await rawRequest(
    mounted.server.port,
    'HEAD /notes.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n',
  )
  assert.equal(res.status, 200)
  assert.match(res.head, /\r\nContent-Length: 5\r\n/)
  assert.match(res.head, /\r\nContent-Type: text\/plain; charset=utf-8\r\n/)
  assert.equal(res.body.length, 0)
})

test('ETag and Last-Modified come with every file, and matching conditions answer 304', async () => {
  const first = await call('/styles.css')
  await bodyText(first.body)
  const etag = header(first, 'ETag')!
  const modified = header(first, 'Last-Modified')!
  assert.match(etag, /^"[0-9a-f]+-[0-9a-f]+"$/)
  assert.equal(await statusOf(call('/styles.css', [['If-None-Match', etag]])), 304)
  assert.equal(
    await statusOf(call('/styles.css', [['If-None-Match', `"other", W/${etag}`]])),
    304,
    'weak comparison, list of tags',
  )
  assert.equal(await statusOf(call('/styles.css', [['If-Modified-Since', modified]])), 304)
  assert.equal(
    await statusOf(
      call('/styles.css', [
        ['If-None-Match', '"other"'],
        ['If-Modified-Since', modified],
      ]),
    ),
    200,
    'If-None-Match wins',
  )
  assert.equal(await statusOf(call('/styles.css', [['If-Modified-Since', 'Thu, 01 Jan 1970 00:00:00 GMT']])), 200)
  const notModified = await rawRequest(
    mounted.server.port,
    `GET /styles.css HTTP/1.1\r\nHost: x\r\nConnection: close\r\nIf-None-Match: ${etag}\r\n\r\n`,
  )
  assert.equal(notModified.status, 304)
  assert.equal(notModified.body.length, 0)
  assert.match(notModified.head, new RegExp(`ETag: ${etag}`))
})

test('a single byte range is answered 206 with Content-Range; an unsatisfiable one 416 with bytes */size', async () => {
  const cases: Array<[string, number, string, string]> = [
    ['bytes=2-4', 206, 'bytes 2-4/10', '234'],
    ['bytes=7-', 206, 'bytes 7-9/10', '789'],
    ['bytes=-3', 206, 'bytes 7-9/10', '789'],
    ['bytes=5-100', 206, 'bytes 5-9/10', '56789'],
  ]
  for (const [range, status, contentRange, body] of cases) {
    const res = await rawRequest(mounted.server.port, get('/digits.txt', `Range: ${range}\r\n`))
    assert.equal(res.status, status, range)
    assert.match(res.head, new RegExp(`Content-Range: ${contentRange}\\r\\n`), range)
    assert.match(res.head, new RegExp(`Content-Length: ${body.length}\\r\\n`), range)
    assert.equal(res.body.toString(), body, range)
  }
  for (const range of ['bytes=10-', 'bytes=99-100', 'bytes=-0']) {
    const res = await rawRequest(mounted.server.port, get('/digits.txt', `Range: ${range}\r\n`))
    assert.equal(res.status, 416, range)
    assert.match(res.head, /Content-Range: bytes \*\/10\r\n/, range)
  }
  for (const range of ['bytes=0-1,4-5', 'lines=1-2', 'bytes=x-y', 'bytes=5-2']) {
    const res = await rawRequest(mounted.server.port, get('/digits.txt', `Range: ${range}\r\n`))
    assert.equal(res.status, 200, range)
    assert.equal(res.body.toString(), '0123456789', range)
  }
  const stale = await call('/digits.txt', [
    ['Range', 'bytes=0-1'],
    ['If-Range', '"stale"'],
  ])
  assert.equal(stale.status, 200, 'an If-Range that no longer matches gets the whole file')
  await bodyText(stale.body)
})

test('every way out of the root is refused without revealing anything', async () => {
  const attempts: Array<[string, number]> = [
    ['/../secret/passwd', 404],
    ['/sub/../../secret/passwd', 404],
    ['/%2e%2e/secret/passwd', 404],
    ['/%2E%2E/secret/passwd', 404],
    ['/.%2e/secret/passwd', 404],
    ['/..%2fsecret%2fpasswd', 404],
    ['/%2e%2e%2fsecret%2fpasswd', 404],
    ['/..%5csecret%5cpasswd', 404],
    ['/..\\secret\\passwd', 404],
    ['/%2fetc%2fpasswd', 404],
    ['//etc/passwd', 404],
    ['/index.html%00.txt', 404],
    ['/%00', 404],
    ['/out-file', 404],
    ['/out-dir/passwd', 404],
    ['/out-dir/', 404],
    ['/%E0%A4%A', 400],
    ['/%zz', 400],
  ]
  for (const [path, status] of attempts) {
    const res = await rawRequest(mounted.server.port, get(path))
    assert.equal(res.status, status, path)
    const text = res.head + res.body.toString()
    assert.doesNotMatch(text, /SECRET|passwd|secret|nanoscope-static|\/tmp/, path)
  }
  const inside = await rawRequest(mounted.server.port, get('/inside-link.css'))
  assert.equal(inside.status, 200, 'a symlink that stays inside the root is served')
  assert.equal(inside.body.toString(), 'body{}')
})

test('the static server explains itself in one line', () => {
  assert.match(
    staticServer('.').handler.description ?? '',
    /^serves the files under .+ \(GET and HEAD; index.html for folders; nothing outside it, no dotfiles\)$/,
  )
})

test('dotfiles and dot-folders answer 404 by default, /.well-known/ aside; dotfiles: allow serves them', async () => {
  const hidden = ['/.env', '/.git/config', '/.git/', '/sub/.hidden/x.txt', '/%2eenv']
  for (const path of hidden) assert.equal(await statusOf(call(path)), 404, path)
  assert.equal(await bodyText((await call('/.well-known/security.txt')).body), 'Contact: mailto:a@b\n')
  const open = staticFiles(tree.root, { dotfiles: 'allow' })
  assert.equal(await bodyText((await open(request({ method: 'GET', target: '/.env' }))).body), 'API_KEY=secret\n')
  assert.equal(await bodyText((await open(request({ method: 'GET', target: '/.git/config' }))).body), '[core]\n')
})
