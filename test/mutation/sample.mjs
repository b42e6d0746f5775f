// Which mutants a sampled run tests (`npm run mutate -- core --sample 0.2`). A full run of a large folder takes hours on
// a 2-core machine; a random sample of its mutants estimates the folder's score in a fraction of that, with a margin
// the score line states. Membership is a hash of what a mutant is (file, place, mutator, replacement), not of its id,
// which StrykerJS numbers per run: the same mutant is in or out of the sample in every run, in the test runner (which
// skips the others) and in the score (which counts only the sample), and a rerun after new tests meets the same ones.
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { isAbsolute, join, relative } from 'node:path'

/** The fraction asked for (0 < f ≤ 1), or undefined for a full run. */
export function sampleFraction(text = process.env.NANOSCOPE_MUTATE_SAMPLE) {
  if (text === undefined || text === '') return undefined
  const f = Number(text)
  if (!(f > 0 && f <= 1))
    throw new Error(`--sample takes a fraction of the mutants above 0 and at most 1, not "${text}"`)
  return f === 1 ? undefined : f
}

/** The key a mutant is sampled by: its file relative to the tree, its start, its mutator and its replacement. */
export function mutantKey(file, mutant) {
  const { line, column } = mutant.location.start
  return `${file.replaceAll('\\', '/')}:${line}:${column}:${mutant.mutatorName}:${mutant.replacement ?? ''}`
}

/**
 * The key of a mutant as reports see it (StrykerJS's JSON report and reporters' `onMutantTested`): they count lines
 * and columns from 1, the test runner's mutant from 0.
 */
export function reportedMutantKey(file, mutant) {
  const { line, column } = mutant.location.start
  return mutantKey(file, { ...mutant, location: { start: { line: line - 1, column: column - 1 } } })
}

/** A mutated file's path relative to the tree StrykerJS runs in (its sandbox, the working directory, or the tree). */
export function treeRelative(file) {
  if (!isAbsolute(file)) return file
  const inSandbox = relative(process.cwd(), file)
  if (!inSandbox.startsWith('..')) return inSandbox
  return relative(process.env.NANOSCOPE_MUTATE_TREE ?? process.cwd(), file)
}

/** Whether a mutant is in a sample of fraction f: the first 32 bits of its key's SHA-256, below f of their range. */
export function inSample(key, fraction) {
  if (fraction === undefined) return true
  return createHash('sha256').update(key).digest().readUInt32BE(0) < fraction * 2 ** 32
}

/**
 * The 95% interval of a score p (0..1) estimated from n mutants drawn from N: Wilson's score interval (it stays inside
 * 0..1 and does not shrink to nothing when every sampled mutant was killed, as the normal approximation does), narrowed
 * by the finite-population correction (as a larger effective sample). Returns [low, high]; [p, p] when the sample is the whole.
 */
export function interval(p, n, N) {
  if (n === 0) return [0, 1]
  if (n >= N) return [p, p]
  // The finite-population correction as a larger effective sample: the variance shrinks by (N - n) / (N - 1).
  const m = Number.isFinite(N) ? (n * (N - 1)) / (N - n) : n
  const z = 1.96
  const z2m = (z * z) / m
  const centre = (p + z2m / 2) / (1 + z2m)
  const half = (z / (1 + z2m)) * Math.sqrt((p * (1 - p)) / m + z2m / (4 * m))
  return [Math.max(0, centre - half), Math.min(1, centre + half)]
}

/** The reason a mutant outside the sample is given: StrykerJS counts it as a runtime error, outside every score. */
export const OUTSIDE = 'outside this run’s sample (--sample): not tested'

/**
 * The places of a sample's mutants in the files the globs name, as StrykerJS `mutate` ranges
 * (`file:line:column-line:column`, lines from 1, columns from 0), found with StrykerJS's own instrumenter. StrykerJS
 * then plants and type-checks only mutants inside those places: the sample, and any mutant nested in a sampled one's
 * place (a function's body inside the function), which the test runner still answers as outside the sample. Also
 * returns how many mutants the files hold, the population the score's interval is about, in all and per file.
 */
export async function sampledRanges(tree, globs, fraction) {
  const { Instrumenter } = await import('@stryker-mutator/instrumenter')
  const quiet = () => false
  const log = { isTraceEnabled: quiet, isDebugEnabled: quiet, isInfoEnabled: quiet, trace() {}, debug() {}, info() {} }
  Object.assign(log, { warn: console.warn, error: console.error })
  const files = globs.filter((g) => !g.startsWith('!')).flatMap((glob) => typeScriptFiles(tree, glob))
  const options = { plugins: null, excludedMutations: [], ignorers: [], noHeader: false }
  const ranges = []
  let population = 0
  const perFile = {}
  for (const file of files) {
    const content = readFileSync(join(tree, file), 'utf8')
    const { mutants } = await new Instrumenter(log).instrument([{ name: file, mutate: true, content }], options)
    population += mutants.length
    perFile[file] = mutants.length
    for (const m of mutants) {
      if (!inSample(mutantKey(file, m), fraction)) continue
      const { start, end } = m.location
      ranges.push(`${file}:${start.line + 1}:${start.column}-${end.line + 1}:${end.column}`)
    }
  }
  return { ranges: [...new Set(ranges)], population, perFile }
}

/** The TypeScript files (not declarations) a scope glob names: `folder/**\/!(*.d).ts` or one file. */
function typeScriptFiles(tree, glob) {
  const at = glob.indexOf('/**/')
  if (at < 0) return [glob]
  const walk = (dir) =>
    readdirSync(join(tree, dir)).flatMap((name) => {
      const path = `${dir}/${name}`
      if (statSync(join(tree, path)).isDirectory()) return walk(path)
      return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [relative(tree, join(tree, path))] : []
    })
  return walk(glob.slice(0, at)).sort()
}
