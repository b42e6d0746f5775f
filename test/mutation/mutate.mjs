#!/usr/bin/env node
// `npm run mutate [-- <scope>...]`: StrykerJS over one folder at a time (test/mutation/scopes.mjs), at low CPU
// priority, then a score per folder. With no scope it runs the five folders held to 80%, smallest first. Each scope
// keeps its incremental file, so a rerun tests only mutants whose code or tests changed. Never part of `npm test`.
import { spawnSync } from 'node:child_process'
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { availableParallelism, setPriority, tmpdir } from 'node:os'
import { delimiter, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { installed } from '../support/node-release.mjs'
import { sampledRanges, sampleFraction } from './sample.mjs'
import { scoreLine, scoreOf } from './score.mjs'
import { DEFAULT_SCOPES, mutateGlobs, SCOPES } from './scopes.mjs'

// StrykerJS 10 needs Node 22 or newer. On an older Node, run this same script on Node 22 (fetched once from the npm
// registry, test/support/node-release.mjs), first in PATH so the test files Stryker starts run on it too.
if (Number(process.versions.node.split('.')[0]) < 22) {
  const node = installed('22', 'mutate')
  console.log(`mutate: StrykerJS needs Node 22+, running on ${node}`)
  const again = spawnSync(node, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, PATH: `${join(node, '..')}${delimiter}${process.env.PATH ?? ''}` },
  })
  process.exit(again.status ?? 1)
}

const root = fileURLToPath(new URL('../..', import.meta.url))
const args = process.argv.slice(2)
const full = args.includes('--full')
// `--sample 0.2` (or `--sample=0.2`): test a fifth of each folder's mutants, chosen by sample.mjs, and estimate.
const sampleAt = args.findIndex((a) => a === '--sample' || a.startsWith('--sample='))
const sampleText =
  sampleAt < 0 ? undefined : args[sampleAt].includes('=') ? args[sampleAt].split('=')[1] : args[sampleAt + 1]
let fraction
try {
  fraction = sampleFraction(sampleText ?? '')
} catch (error) {
  console.error(error.message)
  process.exit(2)
}
const scopes = args.filter(
  (a, i) => !a.startsWith('--') && !(sampleAt >= 0 && i === sampleAt + 1 && !args[sampleAt].includes('=')),
)
const chosen = scopes.length > 0 ? scopes : DEFAULT_SCOPES
const unknown = chosen.filter((s) => !(s.split('/')[0] in SCOPES))
if (unknown.length > 0) {
  console.error(`Unknown scope ${unknown.join(', ')}: pick from ${Object.keys(SCOPES).join(', ')}`)
  process.exit(2)
}

// Nice 15, inherited by Stryker and every test it starts, so the machine's other work comes first.
setPriority(15)
// On a machine of a few cores shared with other work, one test runner; more where there are cores to spare.
const concurrency =
  process.env.NANOSCOPE_MUTATE_CONCURRENCY ?? String(Math.max(1, Math.floor(availableParallelism() / 4)))
/**
 * A copy of the tree as it is now (the files git tracks or would track, and node_modules linked), where StrykerJS
 * runs. Its type checker reads the files of the folder it starts in, not its sandbox, so in the working tree a file
 * edited during a run (a test written for the first survivors) would be checked against mutants placed for the old
 * text: wrong "does not compile" verdicts. In the copy, the working tree is free to change.
 */
function snapshotOfTree() {
  const copy = mkdtempSync(join(tmpdir(), 'nanoscope-mutate-tree-'))
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
  })
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`)
  for (const file of new Set(listed.stdout.split('\0'))) {
    if (!file || !existsSync(join(root, file))) continue
    mkdirSync(dirname(join(copy, file)), { recursive: true })
    copyFileSync(join(root, file), join(copy, file))
  }
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir')
  return copy
}

/**
 * A tsconfig for the type checker holding the scope's code and its tests only (tsconfig `include` takes no `!` or
 * extended globs): a mutant that breaks the types of a file outside them, and not its own, is tested as it is.
 */
function checkerTsconfig(scope, tree) {
  const { mutate, tests } = SCOPES[scope.split('/')[0]]
  const include = [...mutate, ...tests]
    .filter((glob) => !glob.startsWith('!'))
    .map((glob) => glob.replace('!(*.d).ts', '*.ts'))
  const file = 'tsconfig.mutate.json'
  writeFileSync(join(tree, file), `${JSON.stringify({ extends: './tsconfig.json', include }, null, 2)}\n`)
  return file
}

const rows = []
for (const scope of chosen) {
  const home = mkdtempSync(join(tmpdir(), 'nanoscope-mutate-home-'))
  const tree = snapshotOfTree()
  const tsconfig = checkerTsconfig(scope, tree)
  const reports = join(root, 'reports/mutation', scope)
  mkdirSync(reports, { recursive: true })
  // A sampled run names its sample's places to StrykerJS (sample.mjs), and keeps the folder's mutant count for its score.
  let ranges
  let population
  if (fraction !== undefined) {
    const sampled = await sampledRanges(tree, mutateGlobs(scope), fraction)
    population = sampled.population
    ranges = join(tree, '.nanoscope-sample-ranges.json')
    if (sampled.ranges.length === 0) {
      rows.push({ scope, line: `no mutant of its ${population} is in a sample of ${fraction}` })
      rmSync(tree, { recursive: true, force: true })
      continue
    }
    writeFileSync(ranges, JSON.stringify(sampled.ranges))
    writeFileSync(
      join(reports, 'sample.json'),
      `${JSON.stringify({ fraction, population, perFile: sampled.perFile })}\n`,
    )
    console.log(`mutate: ${scope} holds ${population} mutants; the sample's places: ${sampled.ranges.length}`)
  }
  console.log(
    `mutate: ${scope} runs in a copy of the tree (${tree}); survivors as found: ${join(reports, 'survivors.txt')}`,
  )
  const run = spawnSync(
    process.execPath,
    [
      '--import',
      join(tree, 'test/mutation/typescript-5-hook.mjs'),
      join(tree, 'node_modules/@stryker-mutator/core/bin/stryker.js'),
      'run',
      'stryker.config.mjs',
      ...(full ? ['--force'] : []),
    ],
    {
      cwd: tree,
      stdio: 'inherit',
      env: {
        ...process.env,
        NANOSCOPE_MUTATE_SCOPE: scope,
        NANOSCOPE_MUTATE_CONCURRENCY: concurrency,
        NANOSCOPE_TEST: '1',
        NANOSCOPE_HOME: home,
        NANOSCOPE_MUTATE_TSCONFIG: tsconfig,
        NANOSCOPE_MUTATE_REPORTS: reports,
        NANOSCOPE_MUTATE_TREE: tree,
        NANOSCOPE_MUTATE_SAMPLE: fraction === undefined ? '' : String(fraction),
        NANOSCOPE_MUTATE_RANGES: ranges ?? '',
      },
    },
  )
  rmSync(home, { recursive: true, force: true })
  rmSync(tree, { recursive: true, force: true })
  const file = join(reports, 'mutation.json')
  if (run.status !== 0 || !existsSync(file)) {
    rows.push({ scope, line: `failed (exit ${run.status}): see above` })
    continue
  }
  const s = scoreOf(JSON.parse(readFileSync(file, 'utf8')), fraction, undefined, population)
  rows.push({ scope, line: scoreLine(s, fraction) })
}
console.log('\nMutation score per folder (reports/mutation/<scope>/index.html lists each survivor):')
for (const { scope, line } of rows) console.log(`  ${scope.padEnd(10)} ${line}`)
process.exit(rows.some((r) => r.line.startsWith('failed')) ? 1 : 0)
