#!/usr/bin/env node
// Runs every check `npm test` promises: the linter (Biome, biome.json), the strict type check, then every test file under test/ with
// node's own test runner (its closing summary is what CI reads). Pass file paths to run only those.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { findBrowser } from './support/find-browser.mjs'

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
  // Lint first: a finding (error or warning) fails the run before anything slower starts.
  const lint = spawnSync('npx', ['biome', 'check', '--error-on-warnings', '.'], { cwd: root, stdio: 'inherit' })
  if (lint.status !== 0) {
    console.error(
      'Lint failed: fix the findings above (npm run lint; biome.json says which rules are off and why in CONTRIBUTING.md).',
    )
    process.exit(1)
  }
  const tsc = spawnSync('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit'], { cwd: root, stdio: 'inherit' })
  if (tsc.status !== 0) {
    console.error('Type check failed: fix the errors above (npm run typecheck).')
    process.exit(1)
  }
  // The browser tests open the built UI: build it fresh so they never test a stale bundle.
  const build = spawnSync('npx', ['vite', 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
  })
  if (build.status !== 0) {
    console.error('Building the UI failed: see above (npm run build).')
    process.exit(1)
  }
}

const files = only.length > 0 ? only : findTests(join(root, 'test'))
// Named before the run, and unpacked once here (for @sparticuz/chromium) rather than by concurrent test files.
const browser = findBrowser()
console.log(
  'path' in browser
    ? `Browser tests use ${browser.source}: ${browser.path}`
    : `No browser for the browser tests: ${browser.missing}`,
)

// Tests never touch the user's real data directory (sessions, the CA): they get a fresh one.
const home = mkdtempSync(join(tmpdir(), 'nanoscope-test-home-'))
// Any deprecation warning fails the run: --throw-deprecation turns it into an uncaught exception in the process
// that printed it, so the test file that caused it fails with a stack. It is passed in NODE_OPTIONS rather than
// as a flag so that every process the suite starts (each test file, the CLI children) inherits it; scanning the
// output instead would miss the children whose stderr a test captures.
const nodeOptions = [process.env.NODE_OPTIONS, '--throw-deprecation'].filter(Boolean).join(' ')
// The usual reporter (as node picks it: spec on a terminal, and everywhere from Node 23; TAP otherwise), plus one
// that notes each skipped test and why, for the closing line below.
const major = Number(process.versions.node.split('.')[0])
const reporter = process.stdout.isTTY || major >= 23 ? 'spec' : 'tap'
const skips = join(home, 'skipped.jsonl')
const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-concurrency=2',
    '--test-timeout=120000',
    `--test-reporter=${reporter}`,
    '--test-reporter-destination=stdout',
    `--test-reporter=${pathToFileURL(join(root, 'test', 'support', 'skip-reporter.mjs'))}`,
    `--test-reporter-destination=${skips}`,
    ...files,
  ],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NODE_OPTIONS: nodeOptions, NANOSCOPE_TEST: '1', NANOSCOPE_HOME: home },
  },
)
const skipped = existsSync(skips)
  ? readFileSync(skips, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line))
  : []
rmSync(home, { recursive: true, force: true })
// Only when something was skipped (under NANOSCOPE_REQUIRE_ALL=1 a missing counterpart fails instead, so CI has
// none), one line after the runner's own summary: how many, and why. Tests are counted as the runner counts them;
// a skipped suite counts apart, since the runner does not list the tests inside it.
if (skipped.length > 0) {
  const reasons = new Map()
  for (const { reason } of skipped) reasons.set(reason, (reasons.get(reason) ?? 0) + 1)
  const why = [...reasons].map(([reason, count]) => `${count} × ${reason}`).join('; ')
  const suites = skipped.filter((s) => s.suite).length
  const tests = skipped.length - suites
  console.log(
    `skipped ${tests} ${tests === 1 ? 'test' : 'tests'}${suites ? ` and ${suites} ${suites === 1 ? 'suite' : 'suites'}` : ''}: ${why}`,
  )
}
process.exit(result.status ?? 1)
