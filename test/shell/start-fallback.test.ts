import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const START = fileURLToPath(new URL('../../bin/start.mjs', import.meta.url))

/** Runs `npm start`'s script until serve prints its two lines, then stops it. */
async function startUntilServing(env: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string }> {
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
