import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { SERVE_NODE_FLAGS } from '../../bin/node-flags.mjs'
import { childrenOf } from '../support/process-tree.ts'

const START = fileURLToPath(new URL('../../bin/start.mjs', import.meta.url))

/** Runs `npm start`'s script until serve prints its two lines, then (after `whileServing`, given its pid) stops it. */
async function startUntilServing(
  env: NodeJS.ProcessEnv,
  whileServing?: (pid: number) => void,
): Promise<{ stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [START, '--port', '0', '--proxy-port', '0'], {
    env: { ...process.env, ...env },
    stdio: 'pipe',
  })
  let stdout = ''
  let stderr = ''
  child.stderr.on('data', (d) => {
    stderr += d
  })
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()))
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`serve did not start within 30 s; stdout: ${stdout}; stderr: ${stderr}`)),
        30_000,
      )
      child.stdout.on('data', (d) => {
        stdout += d
        if (/proxy listening on/.test(stdout)) {
          clearTimeout(timer)
          resolve()
        }
      })
      child.on('exit', () => {
        clearTimeout(timer)
        reject(new Error(`exited early; stdout: ${stdout}; stderr: ${stderr}`))
      })
    })
    whileServing?.(child.pid!)
  } finally {
    child.kill('SIGTERM')
    const force = setTimeout(() => child.kill('SIGKILL'), 5000)
    await exited
    clearTimeout(force)
  }
  return { stdout, stderr }
}

test('where Electron starts but fails at once, npm start says why in one line and serves the browser UI', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'nanoscope-fake-electron-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const fake = join(dir, 'electron')
  writeFileSync(
    fake,
    '#!/bin/sh\necho "electron: error while loading shared libraries: libnss3.so" >&2\necho "second line of noise" >&2\nexit 127\n',
  )
  chmodSync(fake, 0o755)
  const { stdout, stderr } = await startUntilServing({ ELECTRON_OVERRIDE_DIST_PATH: dir })
  const lines = stdout.split('\n')
  assert.equal(
    lines[0],
    'starting the browser UI instead: Electron could not start (electron: error while loading shared libraries: libnss3.so)',
  )
  assert.match(lines[1]!, /^nanoscope serve listening on http:\/\/127\.0\.0\.1:\d+\/\?token=/)
  assert.equal(stderr, '')
})

const electronDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'))
const runtimeMissing = !existsSync(join(electronDir, 'path.txt'))

test("where Electron's runtime was never downloaded, npm start says so in one line, with no download attempt or stack trace", {
  skip: runtimeMissing ? false : "Electron's runtime is installed here",
}, async () => {
  const { stdout, stderr } = await startUntilServing({ ELECTRON_OVERRIDE_DIST_PATH: '' }) // '' counts as unset
  const lines = stdout.split('\n')
  assert.match(lines[0]!, /^starting the browser UI instead: Electron's runtime was never downloaded/)
  assert.match(lines[1]!, /^nanoscope serve listening on /)
  assert.doesNotMatch(stdout + stderr, /Downloading Electron|fetch failed|\n\s+at /)
  assert.equal(stderr, '')
})

test('npm start runs serve with its Node flags in one child process, not through a second launcher', {
  skip: process.platform !== 'linux' && 'reads /proc',
}, async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'nanoscope-start-home-'))
  const empty = mkdtempSync(join(tmpdir(), 'nanoscope-no-electron-'))
  t.after(() => {
    rmSync(home, { recursive: true, force: true })
    rmSync(empty, { recursive: true, force: true })
  })
  let serve: { pid: number; args: string[] }[] = []
  let below: unknown[] = []
  await startUntilServing({ ELECTRON_OVERRIDE_DIST_PATH: empty, NANOSCOPE_HOME: home }, (pid) => {
    serve = childrenOf(pid)
    below = serve.length === 1 ? childrenOf(serve[0]!.pid) : []
  })
  assert.equal(serve.length, 1, 'one child: serve')
  for (const flag of SERVE_NODE_FLAGS) assert.ok(serve[0]!.args.includes(flag), serve[0]!.args.join(' '))
  assert.deepEqual(below, [], 'serve was not started again')
})
