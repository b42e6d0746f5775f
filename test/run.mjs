#!/usr/bin/env node
// Runs every check `npm test` promises: the strict type check, then every test file under test/ with
// node's own test runner (its closing summary is what CI reads). Pass file paths to run only those.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const only = process.argv.slice(2)

function findTests(dir) {
  const found = []
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) found.push(...findTests(path))
    else if (/\.test\.(ts|tsx|mjs)$/.test(name)) found.push(relative(root, path))
  }
  return found.sort()
}

if (only.length === 0) {
  const tsc = spawnSync('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit'], { cwd: root, stdio: 'inherit' })
  if (tsc.status !== 0) {
    console.error('Type check failed: fix the errors above (npm run typecheck).')
    process.exit(1)
  }
  // The browser tests open the built UI: build it fresh so they never test a stale bundle.
  const build = spawnSync('npx', ['vite', 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' })
  if (build.status !== 0) {
    console.error('Building the UI failed: see above (npm run build).')
    process.exit(1)
  }
}

const files = only.length > 0 ? only : findTests(join(root, 'test'))
// Tests never touch the user's real data directory (sessions, the CA): they get a fresh one.
const home = mkdtempSync(join(tmpdir(), 'nanoscope-test-home-'))
// Any deprecation warning fails the run: --throw-deprecation turns it into an uncaught exception in the process
// that printed it, so the test file that caused it fails with a stack. It is passed in NODE_OPTIONS rather than
// as a flag so that every process the suite starts (each test file, the CLI children) inherits it; scanning the
// output instead would miss the children whose stderr a test captures.
const nodeOptions = [process.env.NODE_OPTIONS, '--throw-deprecation'].filter(Boolean).join(' ')
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=120000', ...files],
  { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_OPTIONS: nodeOptions, NANOSCOPE_TEST: '1', NANOSCOPE_HOME: home } },
)
rmSync(home, { recursive: true, force: true })
process.exit(result.status ?? 1)
