import { test } from 'node:test'
import assert from 'node:assert/strict'
import { median, paired, pairedNote, type Cell } from '../../bench/report.ts'
import type { Measurement } from '../../bench/load.ts'

const m = (reqPerS: number, p99Ms = 1): Measurement => ({ reqPerS, p99Ms }) as Measurement
const cell = (scenario: Cell['scenario'], rounds: Measurement[]): Cell => ({
  scenario,
  size: '1k',
  rounds,
  best: [...rounds].sort((a, b) => b.reqPerS - a.reqPerS)[0]!,
})

test('a scenario is judged by the median of its ratios to the anchor measured in the same round, not by one lucky anchor round', () => {
  // The third round's anchor met a quiet machine: the best-over-best ratio would say 0.5.
  const cells = [
    cell('bare-pipe', [m(100), m(110), m(200), m(90), m(105)]),
    cell('nanoscope-capture', [m(90), m(99), m(100), m(81), m(84)]),
  ]
  const p = paired(cells, 'nanoscope-capture', 'bare-pipe', '1k', (x) => x.reqPerS)!
  assert.deepEqual(
    p.perRound.map((r) => Number(r.toFixed(2))),
    [0.9, 0.9, 0.5, 0.9, 0.8],
  )
  assert.equal(p.median, 0.9)
  assert.equal(p.bestOverBest, 0.5)
  assert.match(pairedNote(p)!, /^median of 5 rounds \(0\.90, 0\.90, 0\.50, 0\.90, 0\.80\); best ÷ best 0\.50$/)
})

test('a comparison with a missing cell has no value, and the median of an even count is the mean of the middle two', () => {
  assert.equal(
    paired([cell('bare-pipe', [m(1)])], 'nanoscope-capture', 'bare-pipe', '1k', (x) => x.reqPerS),
    undefined,
  )
  assert.equal(median([4, 1, 3, 2]), 2.5)
  assert.equal(median([3, 1, 2]), 2)
})
