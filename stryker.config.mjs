// StrykerJS, for `npm run mutate` (test/mutation/mutate.mjs), which sets NANOSCOPE_MUTATE_SCOPE to one entry of
// test/mutation/scopes.mjs per run. CONTRIBUTING.md ("Mutation testing") says why the TAP runner and how to read it.
import { fileURLToPath } from 'node:url'
import { readFileSync } from 'node:fs'
import { mutateGlobs, SCOPES } from './test/mutation/scopes.mjs'

const scope = process.env.NANOSCOPE_MUTATE_SCOPE ?? 'web'
const chosen = SCOPES[scope.split('/')[0]]
// `core/static` mutates a folder inside the scope, `core/client/upstream-failure.ts` one file; the scope's tests. A
// sampled run (test/mutation/sample.mjs) names the place of each sampled mutant instead, so the type checker, which
// otherwise checks every mutant of the folder, checks about the sample only.
const mutate = process.env.NANOSCOPE_MUTATE_RANGES
  ? JSON.parse(readFileSync(process.env.NANOSCOPE_MUTATE_RANGES, 'utf8'))
  : mutateGlobs(scope)
// Absolute when test/mutation/mutate.mjs runs this in a copy of the tree: the reports stay in the working tree's.
const reports = process.env.NANOSCOPE_MUTATE_REPORTS ?? `reports/mutation/${scope}`

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate,
  // file-runner.mjs: each test file in its own node, cheapest first (CONTRIBUTING.md says why). NANOSCOPE_MUTATE_RUNNER=tap
  // runs StrykerJS's TAP runner instead, the way this was measured first, to compare verdicts and times.
  ...(process.env.NANOSCOPE_MUTATE_RUNNER === 'tap'
    ? {
        testRunner: 'tap',
        tap: {
          testFiles: chosen.tests,
          nodeArgs: ['--import', 'tsx', '--test-reporter=tap', '--test-reporter-destination=stdout'],
          forceBail: true,
        },
      }
    : {
        testRunner: 'nanoscope-files',
        nanoscopeFiles: { testFiles: chosen.tests },
      }),
  // perTest: both runners report coverage per test file, so each mutant runs only the files that reached it.
  coverageAnalysis: 'perTest',
  // A sampled run type-checks only its sample (test/mutation/sampled-checker.mjs); the same TypeScript checker.
  checkers: [process.env.NANOSCOPE_MUTATE_SAMPLE ? 'nanoscope-sampled-typescript' : 'typescript'],
  // test/mutation/mutate.mjs writes a tsconfig holding only the scope's code and tests (what they import comes in
  // with them): checking a mutant then costs what that part of the tree costs, not the whole project.
  tsconfigFile: process.env.NANOSCOPE_MUTATE_TSCONFIG ?? 'tsconfig.json',
  // TypeScript 7's native checker (the compiler the project builds with) through the checker's native preview: each
  // mutant is checked against an incremental snapshot of the whole program. NANOSCOPE_MUTATE_CHECKER=ts5 uses the
  // TypeScript 5 compiler API instead, the way this was first measured (CONTRIBUTING.md has both figures).
  typescriptChecker: {
    prioritizePerformanceOverAccuracy: true,
    experimentalNativePreview: process.env.NANOSCOPE_MUTATE_CHECKER !== 'ts5',
  },
  checkerNodeArgs: ['--import', fileURLToPath(new URL('./test/mutation/typescript-5-hook.mjs', import.meta.url))],
  incremental: true,
  // A sampled run keeps its own file: its mutants outside the sample are "errors" a full run must not reuse.
  incrementalFile: process.env.NANOSCOPE_MUTATE_SAMPLE
    ? `${reports}/incremental-sample-${process.env.NANOSCOPE_MUTATE_SAMPLE}.json`
    : `${reports}/incremental.json`,
  appendPlugins: [
    fileURLToPath(new URL('./test/mutation/file-runner.mjs', import.meta.url)),
    fileURLToPath(new URL('./test/mutation/survivor-reporter.mjs', import.meta.url)),
    fileURLToPath(new URL('./test/mutation/sampled-checker.mjs', import.meta.url)),
  ],
  // survivors: reports/mutation/<scope>/survivors.txt, each survivor as it is found (test/mutation/survivor-reporter.mjs).
  reporters: ['json', 'html', 'clear-text', 'progress-append-only', 'survivors'],
  jsonReporter: { fileName: `${reports}/mutation.json` },
  htmlReporter: { fileName: `${reports}/index.html` },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true, reportMutants: false },
  tempDirName: '.stryker-tmp',
  ignorePatterns: ['dist', 'out', 'reports', 'bench/results', 'test-output', '.nanoscope-tmp'],
  concurrency: Number(process.env.NANOSCOPE_MUTATE_CONCURRENCY ?? 1),
  timeoutMS: 10_000,
  dryRunTimeoutMinutes: 20,
  thresholds: { high: 80, low: 60, break: null },
}
