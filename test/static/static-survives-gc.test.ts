// `nanoscope static` as users run it, in its own process under --expose-gc and --throw-deprecation: a burst of
// aborted downloads, HEADs, 304s and 405s, then garbage collection. A file handle left to the collector would
// kill the process (Node 26 throws; --throw-deprecation makes DEP0137 throw on older Nodes too).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { closeSync, ftruncateSync, openSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { BIN, listeningUrl } from '../support/cli-process.ts'
import { until } from '../support/wait.ts'
import { get, makeTree, rawRequest } from './fixtures.ts'
import { abortedRequest, openFilesUnder } from './open-files.ts'

const HOOK = fileURLToPath(new URL('./gc-on-signal.mjs', import.meta.url))

test('nanoscope static survives a burst of aborted downloads, HEADs, 304s and 405s followed by garbage collection, with no file left open', {
  timeout: 60_000,
}, async (t) => {
  const tree = makeTree()
  t.after(() => tree.remove())
  const fd = openSync(join(tree.root, 'big.bin'), 'w')
  ftruncateSync(fd, 8 * 1024 * 1024)
  closeSync(fd)
  const child = spawn(
    process.execPath,
    ['--expose-gc', '--throw-deprecation', '--import', HOOK, BIN, 'static', '--dir', tree.root, '--port', '0'],
    { stdio: 'pipe' },
  )
  let out = ''
  let err = ''
  child.stdout.on('data', (d) => {
    out += d
  })
  child.stderr.on('data', (d) => {
    err += d
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  t.after(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM')
      await exited
    }
  })
  const alive = (): void => assert.equal(child.exitCode, null, `nanoscope static died; stderr: ${err}`)
  await until(() => out.includes('\n') || child.exitCode !== null, 15_000, 'the listening line')
  alive()
  const port = Number(new URL(listeningUrl(out.split('\n')[0]!)).port)

  for (let round = 0; round < 10; round++) {
    await Promise.all([
      abortedRequest(port, get('/big.bin'), 'first-bytes'),
      abortedRequest(port, get('/big.bin'), 'at-once'),
      abortedRequest(port, get('/big.bin', 'Range: bytes=1000-\r\n'), 'first-bytes'),
      rawRequest(port, 'HEAD /big.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
      rawRequest(port, 'HEAD /sub/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
      rawRequest(port, get('/styles.css', 'If-None-Match: *\r\n')),
      rawRequest(port, get('/', 'If-None-Match: *\r\n')),
      rawRequest(port, 'POST /notes.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n'),
      rawRequest(port, 'DELETE /big.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
      rawRequest(port, get('/digits.txt', 'Range: bytes=99-\r\n')),
      rawRequest(port, get('/notes.txt/')),
    ])
  }
  const pid = child.pid!
  await until(
    () => openFilesUnder(tree.base, pid).length === 0 || child.exitCode !== null,
    5000,
    'every served file closed',
  ).catch(() => {})
  alive()
  assert.deepEqual(openFilesUnder(tree.base, pid), [], 'files the server still holds after the burst')

  child.kill('SIGUSR2')
  await until(() => err.includes('gc done') || child.exitCode !== null, 10_000, 'garbage collection in the server')
  await new Promise((r) => setTimeout(r, 200))
  alive()
  assert.doesNotMatch(err, /Warning|DEP0/, 'no warning printed by Node')
  const after = await rawRequest(port, get('/digits.txt'))
  assert.equal(after.body.toString(), '0123456789', 'still serving after garbage collection')
  child.kill('SIGTERM')
  assert.equal(await exited, 0, 'exits cleanly on SIGTERM')
})
