#!/usr/bin/env node
// `npm start`: the desktop app where Electron's runtime is available, else the same UI in a browser
// (`nanoscope serve`), saying why in one line.
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { SERVE_NODE_FLAGS } from './node-flags.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const args = process.argv.slice(2)
/** How long Electron gets to fail before its output is passed through as that of a running app. */
const STARTUP_MS = 5000

// Finds Electron's binary the way the electron package does (path.txt names it under dist/), without
// require('electron'): when the binary is missing, that require starts a download from outside the registry
// and prints its stack trace on failure.
function electronBinary() {
  let dir
  try {
    dir = dirname(createRequire(import.meta.url).resolve('electron/package.json'))
  } catch {
    return { why: 'the electron package is not installed' }
  }
  const pathFile = join(dir, 'path.txt')
  const name = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH
  if (override) return { path: join(override, name || 'electron') }
  if (!name) return { why: "Electron's runtime was never downloaded (it comes from outside the npm registry)" }
  const path = join(dir, 'dist', name)
  return existsSync(path) ? { path } : { why: `Electron's runtime is missing (${path})` }
}

function serve(why) {
  console.log(`starting the browser UI instead: ${why}`)
  // With serve's Node flags given here, serve runs in this child: no third process to relaunch it with them.
  const child = spawn(
    process.execPath,
    [...SERVE_NODE_FLAGS, fileURLToPath(new URL('./nanoscope.mjs', import.meta.url)), 'serve', ...args],
    { stdio: 'inherit', cwd: root },
  )
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
  child.on('exit', (code) => process.exit(code ?? 0))
}

const electron = electronBinary()
if (!electron.path) serve(electron.why)
else {
  const child = spawn(electron.path, [root, ...args], { stdio: ['inherit', 'inherit', 'pipe'], cwd: root })
  // Electron's stderr is held back for its first seconds: if it cannot start (no display, missing
  // libraries), the fallback says why in one line instead of repeating Electron's own output.
  let stderr = ''
  let passing = false
  const startedFine = setTimeout(() => {
    passing = true
    process.stderr.write(stderr)
  }, STARTUP_MS)
  child.stderr.on('data', (d) => {
    if (passing) process.stderr.write(d)
    else stderr += d
  })
  child.on('error', (error) => {
    clearTimeout(startedFine)
    serve(`Electron could not start (${error.message})`)
  })
  child.on('exit', (code, signal) => {
    clearTimeout(startedFine)
    if (!passing && code !== 0 && signal === null)
      serve(`Electron could not start (${firstLine(stderr) || `exit code ${code}`})`)
    else {
      if (!passing) process.stderr.write(stderr)
      process.exit(code ?? 0)
    }
  })
}

function firstLine(text) {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .find(Boolean) ?? ''
  )
}
