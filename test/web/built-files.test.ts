import { test } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serveBuiltFile } from '../../electron/web/built-files.ts'
import { until } from '../support/wait.ts'
import { get, rawRequest } from '../static/fixtures.ts'
import { abortedRequest, openFilesUnder } from '../static/open-files.ts'

test('the served UI closes its files after downloads the client abandons, and after HEADs', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'nanoscope-built-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, 'index.html'), '<p>ui</p>')
  const fd = openSync(join(dir, 'big.js'), 'w')
  ftruncateSync(fd, 8 * 1024 * 1024)
  closeSync(fd)
  const server = http.createServer((req, res) => serveBuiltFile(dir, req, res))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  )
  const port = (server.address() as { port: number }).port
  for (let i = 0; i < 5; i++) {
    await Promise.all([
      abortedRequest(port, get('/big.js'), 'first-bytes'),
      abortedRequest(port, get('/big.js'), 'at-once'),
      rawRequest(port, 'HEAD /big.js HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
    ])
  }
  await until(() => openFilesUnder(dir).length === 0, 3000, 'every file closed').catch(() => {})
  assert.deepEqual(openFilesUnder(dir), [], 'files still open after the clients left')
  assert.equal((await rawRequest(port, get('/'))).body.toString(), '<p>ui</p>', 'still serving')
})
