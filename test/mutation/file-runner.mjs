// A StrykerJS test runner for node's own test runner (`testRunner: 'nanoscope-files'` in stryker.config.mjs): each
// test file runs alone in a fresh `node --import tsx <file>`, as under StrykerJS's TAP runner, so a mutant meets the
// same module state `npm test` gives each file. What it does differently, and why (CONTRIBUTING.md, "Mutation
// testing", has the figures):
// - coverage per test, not per file (file-runner-hook.mjs): a mutant runs only the tests that reached it, the rest of
//   their file registered as skipped; what a file reaches outside its tests (module load, hooks) runs that file whole;
// - the files run cheapest first, by their time in the initial run (saved in the sandbox, so a test runner StrykerJS
//   restarts after a timeout still has them), not in path order: a small unit test kills most mutants, and the
//   seconds-long socket and CLI files then never start;
// - a file stops at its first failed test (file-runner-reporter.mjs), the verdict read from node's test events;
// - a file that exits non-zero with no failed test (the mutant broke a module as it loaded) kills the mutant, as it
//   would fail `npm test`; in the initial run, with no mutant active, it is an error.
import { spawn } from 'node:child_process'
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { glob } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { commonTokens, declareClassPlugin, PluginKind } from '@stryker-mutator/api/plugin'
import {
  DryRunStatus,
  determineHitLimitReached,
  MutantRunStatus,
  TestStatus,
  toMutantRunResult,
} from '@stryker-mutator/api/test-runner'
import { inSample, mutantKey, OUTSIDE, sampleFraction, treeRelative } from './sample.mjs'

const hook = pathToFileURL(fileURLToPath(new URL('./file-runner-hook.mjs', import.meta.url))).href
const reporter = pathToFileURL(fileURLToPath(new URL('./file-runner-reporter.mjs', import.meta.url))).href
/** Each file's time in the initial run, in the sandbox's folder (the test runner's working directory). */
/** A mutant reached outside any test of a file: the file runs whole. */
const WHOLE = Symbol('whole file')
/** What starting a test file's node costs before its first test, to weigh a file run for a few tests (ms). */
const PROCESS_MS = 300
const timesFile = () => join(process.cwd(), '.nanoscope-file-times.json')

class FileRunner {
  static inject = [commonTokens.options, commonTokens.logger]
  /** @type {string[]} */
  files = []
  /** @type {Map<string, number>} */
  times = new Map()
  runs = 0

  constructor(options, log) {
    this.options = options
    this.log = log
  }

  capabilities() {
    return { reloadEnvironment: true }
  }

  async init() {
    this.files = await testFiles(this.options.nanoscopeFiles.testFiles)
    if (existsSync(timesFile())) this.times = new Map(Object.entries(JSON.parse(readFileSync(timesFile(), 'utf8'))))
  }

  async dryRun(options) {
    const result = await this.run(
      (options.testFiles ?? this.files).map((file) => ({ file })),
      { dryRun: true, bail: !options.disableBail },
    )
    if (result.status === DryRunStatus.Complete) {
      for (const test of result.tests) this.times.set(test.id, test.timeSpentMs)
      writeFileSync(timesFile(), JSON.stringify(Object.fromEntries(this.times)))
    }
    return result
  }

  async mutantRun(options) {
    // A sampled run (sample.mjs): a mutant outside the sample is not tested, and counts in no score.
    const fraction = sampleFraction()
    if (
      fraction !== undefined &&
      !inSample(mutantKey(treeRelative(options.activeMutant.fileName), options.activeMutant), fraction)
    ) {
      return { status: MutantRunStatus.Error, errorMessage: OUTSIDE }
    }
    // Test ids are `file` (what ran outside any test: the whole file must run) or `file#describe > test`.
    const byFile = new Map()
    for (const id of options.testFilter ?? this.files) {
      const at = id.indexOf('#')
      const file = at < 0 ? id : id.slice(0, at)
      const tests = byFile.get(file) ?? new Set()
      if (at < 0) tests.add(WHOLE)
      else tests.add(id.slice(at + 1))
      byFile.set(file, tests)
    }
    const cost = (file, tests) => {
      const whole = this.times.get(file) ?? Number.POSITIVE_INFINITY
      if (tests.has(WHOLE)) return whole
      let sum = PROCESS_MS
      for (const test of tests) sum += this.times.get(`${file}#${test}`) ?? 0
      return Math.min(whole, sum)
    }
    const plan = [...byFile]
      .map(([file, tests]) => ({ file, tests: tests.has(WHOLE) ? undefined : [...tests], cost: cost(file, tests) }))
      .sort((a, b) => a.cost - b.cost)
    return toMutantRunResult(
      await this.run(plan, {
        activeMutant: options.activeMutant.id,
        hitLimit: options.hitLimit,
        bail: !options.disableBail,
      }),
    )
  }

  async run(plan, how) {
    const tests = []
    const perTest = {}
    for (const { file, tests: only } of plan) {
      const outcome = await this.runFile(file, only, how)
      const hit = determineHitLimitReached(outcome.hitCount, how.hitLimit)
      if (hit) return hit
      if (outcome.crashed && how.dryRun) {
        return { status: DryRunStatus.Error, errorMessage: `${file} ${outcome.crashed}` }
      }
      const failed = outcome.failures.length > 0 || outcome.crashed
      tests.push({
        id: file,
        name: `${file} (what runs outside its tests, or all of it)`,
        fileName: file,
        timeSpentMs: outcome.ms,
        ...(failed
          ? {
              status: TestStatus.Failed,
              failureMessage: outcome.crashed ?? outcome.failures.map((f) => `${f.name}: ${f.message}`).join('; '),
            }
          : { status: TestStatus.Success }),
      })
      if (how.dryRun) {
        perTest[file] = outcome.coverage?.static ?? {}
        for (const [key, ms] of Object.entries(outcome.times ?? {})) {
          const id = `${file}#${key}`
          tests.push({ id, name: key, fileName: file, timeSpentMs: ms, status: TestStatus.Success })
          perTest[id] = outcome.coverage?.perTest?.[key] ?? {}
        }
      }
      if (failed && how.bail) break
    }
    return { status: DryRunStatus.Complete, tests, mutantCoverage: { static: {}, perTest } }
  }

  /** One test file in its own node; resolves with its failed tests, coverage and hit count (from the hook). */
  runFile(file, only, { dryRun = false, activeMutant, hitLimit, bail }) {
    const out = join(tmpdir(), `nanoscope-mutant-${process.pid}-${this.runs++}.json`)
    const env = {
      ...process.env,
      NANOSCOPE_MUTANT_OUT: out,
      NANOSCOPE_MUTANT_DRY_RUN: dryRun ? '1' : '',
      NANOSCOPE_MUTANT_BAIL: bail ? '1' : '',
      NANOSCOPE_MUTANT_HIT_LIMIT: hitLimit === undefined ? '' : String(hitLimit),
      NANOSCOPE_MUTANT_TESTS: only ? JSON.stringify(only) : '',
    }
    // The instrumented code reads the active mutant from here when it first loads, in this file's process and in any
    // process the test starts (a CLI child inherits the variable, as under the TAP runner).
    if (activeMutant === undefined) delete env.__STRYKER_ACTIVE_MUTANT__
    else env.__STRYKER_ACTIVE_MUTANT__ = activeMutant
    const args = [
      '--import',
      hook,
      '--import',
      'tsx',
      `--test-reporter=${reporter}`,
      '--test-reporter-destination=stderr',
      file,
    ]
    const started = performance.now()
    return new Promise((resolve) => {
      const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] })
      let stderr = ''
      child.stderr.on('data', (chunk) => {
        stderr = (stderr + chunk).slice(-4000)
      })
      child.on('close', (code, signal) => {
        const ms = performance.now() - started
        let saved = { failures: [] }
        try {
          saved = JSON.parse(readFileSync(out, 'utf8'))
        } catch {
          // No file: the process died before its exit handler ran.
        }
        rmSync(out, { force: true })
        const failures = saved.failures ?? []
        const crashed =
          (code !== 0 || signal !== null) && failures.length === 0
            ? `exited with ${signal ?? `code ${code}`} and no failed test: ${stderr.trim().slice(-1500)}`
            : undefined
        if (crashed && this.log.isDebugEnabled()) this.log.debug(`${file}: ${crashed}`)
        resolve({ ms, failures, crashed, coverage: saved.coverage, times: saved.times, hitCount: saved.hitCount })
      })
    })
  }
}

/** The files the globs name, less those a `!glob` names (scopes.mjs), sorted. Node 22's own `glob`. */
async function testFiles(patterns) {
  const matching = async (globs) => {
    const found = new Set()
    for (const pattern of globs) for await (const file of glob(pattern)) found.add(file)
    return found
  }
  const left = await matching(patterns.filter((p) => !p.startsWith('!')))
  for (const file of await matching(patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1)))) left.delete(file)
  return [...left].sort()
}

export const strykerPlugins = [declareClassPlugin(PluginKind.TestRunner, 'nanoscope-files', FileRunner)]
export const strykerValidationSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  properties: {
    nanoscopeFiles: {
      type: 'object',
      properties: { testFiles: { type: 'array', items: { type: 'string' } } },
      required: ['testFiles'],
    },
  },
}
