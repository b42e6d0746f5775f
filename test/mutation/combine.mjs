#!/usr/bin/env node
// `node test/mutation/combine.mjs <scope> --sample f <report.json>...`: one folder's estimate from several sampled runs
// of its parts (`npm run mutate -- core/client --sample 0.12`, then `core/server`, ...), each of which wrote its own
// report. Every file's result comes from the last report given that tested it; a report of a larger fraction counts
// only its mutants inside f's sample (which it holds whole: a larger sample holds the smaller one). Files no report
// reached are named, and the estimate says it covers only the files reached.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { inSample, interval, OUTSIDE, reportedMutantKey, sampleFraction } from './sample.mjs'

const DETECTED = new Set(['Killed', 'Timeout'])
const UNDETECTED = new Set(['Survived', 'NoCoverage'])

/**
 * The per-file counts of f's sample over the reports, later reports replacing earlier ones file by file; a file only
 * counts as reached in a report where one of its sampled mutants was killed or survived (a stopped run's report
 * keeps the type checker's verdicts on mutants it never tested).
 */
export function combine(reports, fraction) {
  const files = new Map()
  for (const { name: source, report } of reports) {
    for (const [file, entry] of Object.entries(report.files)) {
      const count = { detected: 0, undetected: 0, source }
      for (const mutant of entry.mutants) {
        if (mutant.status === 'RuntimeError' && (mutant.statusReason ?? '').includes(OUTSIDE)) continue
        if (!inSample(reportedMutantKey(file, mutant), fraction)) continue
        if (DETECTED.has(mutant.status)) count.detected++
        else if (UNDETECTED.has(mutant.status)) count.undetected++
      }
      if (count.detected + count.undetected > 0) files.set(file, count)
    }
  }
  return files
}

/** The folder's estimate over the files reached, with its interval over their mutants (sample.json's counts). */
export function estimate(files, perFile) {
  let detected = 0
  let total = 0
  let population = 0
  for (const [file, c] of files) {
    detected += c.detected
    total += c.detected + c.undetected
    population += perFile?.[file] ?? Number.POSITIVE_INFINITY
  }
  const score = total === 0 ? Number.NaN : detected / total
  const [low, high] = interval(score, total, population)
  return { detected, total, population, score: 100 * score, low: 100 * low, high: 100 * high }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2)
  const at = args.indexOf('--sample')
  if (at < 0) {
    console.error('usage: combine.mjs <scope> --sample f <report.json>...  (the reports of runs at f or above)')
    process.exit(2)
  }
  const fraction = sampleFraction(args[at + 1])
  const [scope, ...paths] = args.filter((_, i) => i !== at && i !== at + 1)
  const reports = paths.map((name) => ({ name, report: JSON.parse(readFileSync(name, 'utf8')) }))
  // Every part's run lists the whole folder's mutant counts only for its own files: take them from each report's
  // folder (sample.json beside it), later ones first.
  const perFile = {}
  for (const name of paths) {
    try {
      Object.assign(perFile, JSON.parse(readFileSync(name.replace(/[^/]*$/, 'sample.json'), 'utf8')).perFile)
    } catch {}
  }
  const files = combine(reports, fraction)
  for (const [file, c] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    const n = c.detected + c.undetected
    const score = ((100 * c.detected) / n).toFixed(1).padStart(5)
    console.log(`  ${file.padEnd(48)} ${score}%  ${c.detected} of ${n}  (${c.source})`)
  }
  const missing = Object.keys(perFile).filter((f) => f.startsWith(`electron/${scope}/`) && !files.has(f))
  if (missing.length > 0)
    console.log(`  no result in any report (not reached, or no sampled mutant compiled): ${missing.join(', ')}`)
  const e = estimate(files, perFile)
  console.log(
    `${scope}: ${e.score.toFixed(1)}% (95% interval ${e.low.toFixed(1)}–${e.high.toFixed(1)}), estimated from a ${fraction} sample: ${e.detected} of ${e.total} sampled mutants killed, over ${files.size} files holding ${e.population} mutants`,
  )
}
