// Loaded first into each test file's process by file-runner.mjs. It sets up StrykerJS's global before any
// instrumented module loads (with the hit limit that turns an endless loop into a timeout), and on exit writes what
// the runner reads back: the failed tests (noted by file-runner-reporter.mjs), the mutants each test reached and
// what each took (initial run only), and how often the active mutant ran.
//
// Per-test coverage: node:test's `test`, `it` and `describe` are wrapped (their named exports, which is how every
// test file imports them) so that while a test's function runs, StrykerJS's `currentTestId` names it
// (`describe > test`); what runs outside any test (module load, hooks, work a finished test left behind) is the
// file's own, and a mutant reached there runs the whole file. In a mutant run, NANOSCOPE_MUTANT_TESTS lists the tests
// to run; the others are registered as skipped (their hooks and describe bodies still run, as they would).
import { writeFileSync } from 'node:fs'
import { createRequire, syncBuiltinESMExports } from 'node:module'

const stryker = {}
globalThis.__stryker__ = stryker
const limit = process.env.NANOSCOPE_MUTANT_HIT_LIMIT
if (limit) {
  stryker.hitLimit = Number(limit)
  stryker.hitCount = 0
}
/** @type {{ name: string, message: string }[]} */
const failures = []
globalThis.__nanoscopeMutantFailures__ = failures
/** @type {Record<string, number>} milliseconds each test's function took, by its full name */
const times = {}
const only = process.env.NANOSCOPE_MUTANT_TESTS ? new Set(JSON.parse(process.env.NANOSCOPE_MUTANT_TESTS)) : undefined

const nodeTest = createRequire(import.meta.url)('node:test')
/** The names of the describe blocks being registered, outermost first. */
const suites = []

function wrapTest(original) {
  const wrapped = (...args) => {
    const fnAt = args.findIndex((a) => typeof a === 'function')
    const name = typeof args[0] === 'string' ? args[0] : (args[fnAt]?.name ?? '<anonymous>')
    const key = [...suites, name].join(' > ')
    const fn = args[fnAt]
    // A callback-style test (t, done) keeps its own function: its coverage counts for the whole file.
    if (fnAt < 0 || fn.length > 1) return original(...args)
    if (only && !only.has(key)) {
      const options = fnAt > 0 && typeof args[fnAt - 1] === 'object' ? args[fnAt - 1] : {}
      return original(name, { ...options, skip: 'not reached by this mutant' }, fn)
    }
    args[fnAt] = async function reached(t) {
      stryker.currentTestId = key
      const started = performance.now()
      try {
        return await fn.call(this, t)
      } finally {
        times[key] = (times[key] ?? 0) + performance.now() - started
        stryker.currentTestId = undefined
      }
    }
    return original(...args)
  }
  return Object.assign(wrapped, original)
}

function wrapSuite(original) {
  const wrapped = (...args) => {
    const fnAt = args.findIndex((a) => typeof a === 'function')
    if (fnAt < 0) return original(...args)
    const name = typeof args[0] === 'string' ? args[0] : (args[fnAt].name ?? '<anonymous>')
    const body = args[fnAt]
    args[fnAt] = function registering(s) {
      suites.push(name)
      try {
        return body.call(this, s)
      } finally {
        suites.pop()
      }
    }
    return original(...args)
  }
  return Object.assign(wrapped, original)
}

nodeTest.test = wrapTest(nodeTest.test)
nodeTest.it = wrapTest(nodeTest.it)
nodeTest.describe = wrapSuite(nodeTest.describe)
nodeTest.suite = wrapSuite(nodeTest.suite)
syncBuiltinESMExports()

process.on('exit', () => {
  const dryRun = Boolean(process.env.NANOSCOPE_MUTANT_DRY_RUN)
  const coverage = dryRun ? stryker.mutantCoverage : undefined
  const out = process.env.NANOSCOPE_MUTANT_OUT
  if (out)
    writeFileSync(out, JSON.stringify({ failures, coverage, times: dryRun ? times : {}, hitCount: stryker.hitCount }))
})
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => process.exit(128))
