// Every path through the static server lets go of the file it opened: no descriptor is left for the garbage
// collector to close (a DEP0137 warning before Node 26, an uncaught exception that kills the process since).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { closeSync, ftruncateSync, openSync } from 'node:fs'
import { join } from 'node:path'
import { staticServer } from '../../electron/apps/static-server.ts'
import { staticFiles } from '../../electron/core/static/static-files.ts'
import { mountApp } from '../../electron/proxy/mount-app.ts'
import { startServer } from '../../electron/core/server/node-server.ts'
import { pipeline } from '../../electron/core/http.ts'
import { bodyText, request } from '../../electron/core/message.ts'
import { until } from '../support/wait.ts'
import { get, makeTree, rawRequest } from './fixtures.ts'
import { abortedRequest, openFilesUnder } from './open-files.ts'

const tree = makeTree()
const BIG = 8 * 1024 * 1024
before(() => {
  const fd = openSync(join(tree.root, 'big.bin'), 'w')
  ftruncateSync(fd, BIG) // sparse; large enough that a download is still going when the client leaves
  closeSync(fd)
})
after(() => tree.remove())
const serve = staticFiles(tree.root)

/** Waits (bounded) until nothing under the served tree is open; fails naming what is still held. */
async function noFileLeftOpen(what: string): Promise<void> {
  try {
    await until(() => openFilesUnder(tree.base).length === 0, 3000, 'every file closed')
  } catch {
    assert.deepEqual(openFilesUnder(tree.base), [], `${what}: files still open`)
  }
}

test('an answer without a file body closes the file it opened: HEAD, 304, 416, a file asked as a folder, a folder', async () => {
  const cases: Array<[string, string, Array<[string, string]>, number]> = [
    ['HEAD', '/notes.txt', [], 200],
    ['GET', '/styles.css', [['If-None-Match', '*']], 304],
    ['HEAD', '/styles.css', [['If-Modified-Since', 'Fri, 01 Jan 2100 00:00:00 GMT']], 304],
    ['GET', '/digits.txt', [['Range', 'bytes=99-']], 416],
    ['GET', '/notes.txt/', [], 404],
    ['GET', '/sub', [], 301],
    ['GET', '/empty/', [], 404],
    ['GET', '/out-file', [], 404],
    ['POST', '/notes.txt', [], 405],
  ]
  for (const [method, target, headers, status] of cases) {
    const res = await serve(request({ method, target, headers }))
    assert.equal(res.status, status, `${method} ${target}`)
    assert.equal(res.body.kind, 'bytes', `${method} ${target} has no file stream`)
    assert.deepEqual(openFilesUnder(tree.base), [], `${method} ${target} answered with its file closed`)
  }
})

test('a file body closes its file when read to the end, destroyed before a byte, or destroyed midway', async () => {
  const read = await serve(request({ target: '/digits.txt' }))
  assert.equal(await bodyText(read.body), '0123456789')
  await noFileLeftOpen('read to the end')

  const untouched = await serve(request({ target: '/big.bin' }))
  assert.equal(openFilesUnder(tree.base).length, 1, 'the body holds its file until it is read or destroyed')
  if (untouched.body.kind === 'stream') untouched.body.stream.destroy()
  await noFileLeftOpen('destroyed before a byte was read')

  const midway = await serve(request({ target: '/big.bin' }))
  assert.equal(midway.body.kind, 'stream')
  if (midway.body.kind === 'stream') {
    const stream = midway.body.stream
    await new Promise<void>((resolve) => stream.once('data', () => resolve()))
    stream.destroy()
  }
  await noFileLeftOpen('destroyed midway')
})

for (const [adapter, start] of [
  ['the wire server', async () => (await mountApp(staticServer(tree.root), { port: 0 })).server],
  [
    'the node:http server',
    () => startServer(pipeline(staticServer(tree.root).filters, staticFiles(tree.root)), { port: 0 }),
  ],
] as const) {
  test(`${adapter} closes every file after aborted downloads, HEADs, 304s, 405s, 416s and refused folders`, async (t) => {
    const server = await start()
    t.after(() => server.stop())
    const { port } = server
    for (let round = 0; round < 5; round++) {
      await Promise.all([
        abortedRequest(port, get('/big.bin'), 'first-bytes'),
        abortedRequest(port, get('/big.bin'), 'at-once'),
        rawRequest(port, 'HEAD /big.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
        rawRequest(port, get('/styles.css', 'If-None-Match: *\r\n')),
        rawRequest(port, 'POST /notes.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n'),
        rawRequest(port, get('/digits.txt', 'Range: bytes=99-\r\n')),
        rawRequest(port, get('/notes.txt/')),
        rawRequest(port, get('/empty/')),
      ])
    }
    await noFileLeftOpen(adapter)
    const whole = await rawRequest(port, get('/digits.txt'))
    assert.equal(whole.body.toString(), '0123456789', 'still serving afterwards')
    await noFileLeftOpen(`${adapter}, after a whole download`)
  })
}
