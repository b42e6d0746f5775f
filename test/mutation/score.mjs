#!/usr/bin/env node
// The score of a finished mutation run, from StrykerJS's JSON report: what `npm run mutate` prints at its end, and
// `node test/mutation/score.mjs <scope> [--sample f]` prints again (per file too) from reports/mutation/<scope>/.
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { inSample, interval, OUTSIDE, reportedMutantKey, sampleFraction } from './sample.mjs'

/**
 * Stryker's score: killed and timed-out mutants over every mutant that compiles and is not ignored. In a sampled run,
 * over the sample only (the test runner left the others as runtime errors; results an incremental run carried forward
 * and mutants no test reached are kept to the sample here), with the estimate's 95% interval over the folder's scoreable mutants.
 */
export function scoreOf(report, fraction, only, population) {
  const count = { detected: 0, undetected: 0, scoreable: 0 }
  for (const [name, file] of Object.entries(report.files)) {
    if (only !== undefined && name !== only) continue
    for (const mutant of file.mutants) {
      const outside = mutant.status === 'RuntimeError' && (mutant.statusReason ?? '').includes(OUTSIDE)
      if (
        mutant.status !== 'CompileError' &&
        mutant.status !== 'Ignored' &&
        !(mutant.status === 'RuntimeError' && !outside)
      )
        count.scoreable++
      if (outside) continue
      // Only the sample as the code stands: an incremental run carries old results forward for mutants outside this
      // run's places (a mutant whose line moved has a new key, and may have left the sample), and the runner never
      // sees a mutant no test reaches.
      if (!inSample(reportedMutantKey(name, mutant), fraction)) continue
      if (mutant.status === 'Killed' || mutant.status === 'Timeout') count.detected++
      else if (mutant.status === 'Survived' || mutant.status === 'NoCoverage') count.undetected++
    }
  }
  const total = count.detected + count.undetected
  const score = total === 0 ? Number.NaN : (100 * count.detected) / total
  // A sampled run holds only its sample's places: the folder's count (sample.json) is the population, where known.
  const of = Math.max(count.scoreable, population ?? 0)
  const [low, high] = interval(score / 100, total, of)
  return { ...count, of, total, score, low: 100 * low, high: 100 * high }
}

/** One line: the score, and in a sampled run its 95% interval and how many of the scoreable mutants were sampled. */
export function scoreLine(s, fraction) {
  return fraction === undefined
    ? `${s.score.toFixed(1)}% (${s.detected} of ${s.total} mutants killed)`
    : `${s.score.toFixed(1)}% (95% interval ${s.low.toFixed(1)}–${s.high.toFixed(1)}), estimated from a sample: ${s.detected} of ${s.total} sampled mutants killed, of ${Number.isFinite(s.of) ? s.of : 'an unknown count'}`
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2)
  const at = args.indexOf('--sample')
  const fraction = sampleFraction(at < 0 ? '' : args[at + 1])
  const scope = args.find((a, i) => !a.startsWith('--') && i !== at + 1) ?? 'web'
  const report = JSON.parse(readFileSync(`reports/mutation/${scope}/mutation.json`, 'utf8'))
  const sampleFile = `reports/mutation/${scope}/sample.json`
  // A sampled run's report holds only its sample's places: the folder's and each file's mutant count are in sample.json.
  const counts = existsSync(sampleFile) ? JSON.parse(readFileSync(sampleFile, 'utf8')) : {}
  const population = counts.population
  for (const name of Object.keys(report.files).sort()) {
    const ofFile = counts.perFile?.[name] ?? (counts.population === undefined ? undefined : Number.POSITIVE_INFINITY)
    console.log(`  ${name.padEnd(48)} ${scoreLine(scoreOf(report, fraction, name, ofFile), fraction)}`)
  }
  console.log(`${scope}: ${scoreLine(scoreOf(report, fraction, undefined, population), fraction)}`)
}
