// A StrykerJS reporter (`survivors` in stryker.config.mjs), writing as each mutant is tested, so a long run can be read
// while it runs (and after it is stopped): reports/mutation/<scope>/survivors.txt, one line per mutant no test
// noticed, and results.jsonl, every mutant's status, which `node test/mutation/partial-score.mjs <scope>` scores.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { relative } from 'node:path'
import { declareClassPlugin, PluginKind } from '@stryker-mutator/api/plugin'
import { inSample, OUTSIDE, reportedMutantKey, sampleFraction } from './sample.mjs'

const folder = process.env.NANOSCOPE_MUTATE_REPORTS ?? `reports/mutation/${process.env.NANOSCOPE_MUTATE_SCOPE ?? 'web'}`
const file = `${folder}/survivors.txt`
const results = `${folder}/results.jsonl`

class SurvivorReporter {
  static inject = []

  constructor() {
    mkdirSync(folder, { recursive: true })
    writeFileSync(file, '')
    writeFileSync(results, '')
  }

  onMutantTested(result) {
    const at = relative(process.cwd(), result.fileName)
    // In a sampled run (sample.mjs), mutants outside the sample are neither listed nor scored: the test runner answers
    // those it is given with a runtime error, and one no test reached never meets it, so it is left out here.
    const fraction = sampleFraction()
    if (result.status === 'RuntimeError' && (result.statusReason ?? '').includes(OUTSIDE)) return
    if (result.status === 'NoCoverage' && !inSample(reportedMutantKey(at, result), fraction)) return
    appendFileSync(results, `${JSON.stringify({ id: result.id, file: at, status: result.status })}\n`)
    if (result.status !== 'Survived' && result.status !== 'NoCoverage') return
    // Lines and columns counted from 1, as editors and StrykerJS's report count them.
    const { line, column } = result.location.start
    const replacement = (result.replacement ?? '').replace(/\s+/g, ' ').slice(0, 120)
    appendFileSync(file, `${at}:${line}:${column} ${result.status} ${result.mutatorName}: ${replacement}\n`)
  }
}

export const strykerPlugins = [declareClassPlugin(PluginKind.Reporter, 'survivors', SurvivorReporter)]
