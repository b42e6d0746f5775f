#!/usr/bin/env node
// `npm start`: the desktop app where Electron's runtime is available, else the same UI in a browser
// (`nanoscope serve`), saying why.
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

// require('electron') starts a download in the background when the binary is missing; its failure is
// expected here and must not take this launcher down.
process.on('unhandledRejection', () => {})

const root = fileURLToPath(new URL('..', import.meta.url))
const args = process.argv.slice(2)

function electronBinary() {
  try {
    const path = createRequire(import.meta.url)('electron')
    return typeof path === 'string' ? { path } : { why: 'the electron package did not give a binary path' }
  } catch (error) {
    return { why: `Electron's runtime is not available here (${String(error?.message ?? error).split('\n')[0]})` }
  }
}

function serve(why) {
  console.log(`starting the browser UI instead: ${why}`)
  const child = spawn(process.execPath, [fileURLToPath(new URL('./nanoscope.mjs', import.meta.url)), 'serve', ...args], { stdio: 'inherit', cwd: root })
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
  child.on('exit', (code) => process.exit(code ?? 0))
}

const electron = electronBinary()
if (!electron.path) serve(electron.why)
else {
  const child = spawn(electron.path, [root, ...args], { stdio: ['inherit', 'inherit', 'pipe'], cwd: root })
  let stderr = ''
  child.stderr.on('data', (d) => { stderr += d; process.stderr.write(d) })
  child.on('error', (error) => serve(`Electron could not start (${error.message})`))
  child.on('exit', (code, signal) => {
    if (code !== 0 && signal === null && /cannot open display|Missing X server|libnss|error while loading/i.test(stderr)) {
      serve(`Electron exited (${stderr.split('\n')[0]})`)
    } else process.exit(code ?? 0)
  })
}
