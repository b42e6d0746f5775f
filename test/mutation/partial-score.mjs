#!/usr/bin/env node
// `node test/mutation/partial-score.mjs <scope>`: the score per file of a mutation run so far, or of one that was
// stopped, from reports/mutation/<scope>/results.jsonl (test/mutation/survivor-reporter.mjs). Counts as the final
// report does: killed and timed out over those plus survived and not covered; mutants that do not compile, or are
// disabled with a reason, are left out.
import { readFileSync } from 'node:fs'

const scope = process.argv[2] ?? 'web'
const files = new Map()
for (const line of readFileSync(`reports/mutation/${scope}/results.jsonl`, 'utf8').split('\n')) {
  if (!line) continue
  const { file, status } = JSON.parse(line)
  const count = files.get(file) ?? { detected: 0, undetected: 0, other: 0 }
  if (status === 'Killed' || status === 'Timeout') count.detected++
  else if (status === 'Survived' || status === 'NoCoverage') count.undetected++
  else count.other++
  files.set(file, count)
}
let detected = 0
let total = 0
for (const [file, c] of [...files].sort()) {
  const n = c.detected + c.undetected
  detected += c.detected
  total += n
  console.log(
    `${file.padEnd(44)} ${((100 * c.detected) / n).toFixed(1).padStart(5)}%  ${c.detected} of ${n} (${c.other} not compiling or disabled)`,
  )
}
console.log(
  `${'all tested so far'.padEnd(44)} ${((100 * detected) / total).toFixed(1).padStart(5)}%  ${detected} of ${total}`,
)
