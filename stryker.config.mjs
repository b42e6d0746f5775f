// StrykerJS, for `npm run mutate` (test/mutation/mutate.mjs), which sets NANOSCOPE_MUTATE_SCOPE to one entry of
// test/mutation/scopes.mjs per run. CONTRIBUTING.md ("Mutation testing") says why the TAP runner and how to read it.
import { fileURLToPath } from 'node:url'
import { SCOPES } from './test/mutation/scopes.mjs'

const scope = process.env.NANOSCOPE_MUTATE_SCOPE ?? 'web'
const [base = '', ...rest] = scope.split('/')
const chosen = SCOPES[base]
if (!chosen) throw new Error(`No mutation scope "${base}": pick one of ${Object.keys(SCOPES).join(', ')}`)
// `core/static` mutates a folder inside the scope, `core/client/upstream-failure.ts` one file; the scope's tests.
const inside = rest.join('/')
const folder = chosen.mutate[0]?.split('/**/')[0]
const mutate =
  inside === '' ? chosen.mutate : [inside.endsWith('.ts') ? `${folder}/${inside}` : `${folder}/${inside}/**/!(*.d).ts`]
const reports = `reports/mutation/${scope}`

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate,
  testRunner: 'tap',
  tap: {
    testFiles: chosen.tests,
    // Each test file runs alone in its own node, as `node -r <stryker's hook> --import tsx <file>`; node's runner
    // prints TAP when asked, whatever the terminal.
    nodeArgs: ['--import', 'tsx', '--test-reporter=tap', '--test-reporter-destination=stdout'],
    forceBail: true,
  },
  // perTest: the TAP runner reports coverage per test file, so each mutant runs only the files that reached it.
  coverageAnalysis: 'perTest',
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  checkerNodeArgs: ['--import', fileURLToPath(new URL('./test/mutation/typescript-5-hook.mjs', import.meta.url))],
  incremental: true,
  incrementalFile: `${reports}/incremental.json`,
  reporters: ['json', 'html', 'clear-text', 'progress-append-only'],
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
