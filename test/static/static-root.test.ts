/**
 * The static server's one promise about the disk: nothing outside its root is served, however a path reaches it.
 * A root and a sibling folder whose name starts with the root's name (`www` and `www-private`), over a real socket.
 */
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { staticServer } from '../../electron/apps/static-server.ts'
import { mountApp, type MountedApp } from '../../electron/proxy/mount-app.ts'
import { get, rawRequest } from './fixtures.ts'

const base = mkdtempSync(join(tmpdir(), 'nanoscope-static-root-'))
const root = join(base, 'www')
mkdirSync(root)
mkdirSync(join(base, 'www-private'))
writeFileSync(join(root, 'index.html'), '<h1>public</h1>\n')
writeFileSync(join(root, 'public.txt'), 'public\n')
writeFileSync(join(base, 'www-private', 'secret.txt'), 'TOP SECRET\n')
symlinkSync(join(base, 'www-private', 'secret.txt'), join(root, 'secret-link.txt'))
symlinkSync(join(base, 'www-private'), join(root, 'private-dir'))
symlinkSync(root, join(root, 'self'))

let mounted: MountedApp
before(async () => {
  mounted = await mountApp(staticServer(root), { port: 0 })
})
after(async () => {
  await mounted.stop()
  rmSync(base, { recursive: true, force: true })
})

test('a file in a sibling folder that shares the root name as a prefix is not served through a symlink', async () => {
  const res = await rawRequest(mounted.server.port, get('/secret-link.txt'))
  assert.equal(res.status, 404)
  assert.ok(!res.body.toString().includes('TOP SECRET'), 'the secret never leaves')
})

test('a sibling folder that shares the root name as a prefix is not listed or entered through a symlink', async () => {
  for (const path of ['/private-dir/secret.txt', '/private-dir/', '/private-dir']) {
    const res = await rawRequest(mounted.server.port, get(path))
    assert.equal(res.status, 404, path)
    assert.ok(!res.body.toString().includes('TOP SECRET'), path)
  }
})

test('a symlink that leads back to the root itself serves the root', async () => {
  const res = await rawRequest(mounted.server.port, get('/self/public.txt'))
  assert.equal(res.status, 200)
  assert.equal(res.body.toString(), 'public\n')
  const index = await rawRequest(mounted.server.port, get('/self/'))
  assert.equal(index.status, 200)
  assert.equal(index.body.toString(), '<h1>public</h1>\n')
})

test('a root given with a trailing slash still keeps the sibling out', async () => {
  const slashed = await mountApp(staticServer(`${root}/`), { port: 0 })
  try {
    assert.equal((await rawRequest(slashed.server.port, get('/public.txt'))).status, 200)
    assert.equal((await rawRequest(slashed.server.port, get('/secret-link.txt'))).status, 404)
  } finally {
    await slashed.stop()
  }
})
