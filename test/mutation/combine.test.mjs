// One folder's estimate from the sampled runs of its parts (combine.mjs): the last report that tested a file gives its
// result, a larger fraction's report counts only the smaller sample, and out-of-sample mutants count nowhere.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { combine, estimate } from './combine.mjs'
import { inSample, OUTSIDE, reportedMutantKey } from './sample.mjs'

const place = (line) => ({ start: { line, column: 1 }, end: { line, column: 9 } })
const mutant = (line, status, statusReason) => ({
  mutatorName: 'BooleanLiteral',
  replacement: 'false',
  status,
  statusReason,
  location: place(line),
})
// Lines whose mutant is inside the 0.2 sample, and lines inside 0.5's but outside 0.2's.
const lines = Array.from({ length: 400 }, (_, i) => i + 1)
const key = (file, line) => reportedMutantKey(file, mutant(line))
const inSmall = (file) => lines.filter((l) => inSample(key(file, l), 0.2))
const onlyInLarge = (file) => lines.filter((l) => inSample(key(file, l), 0.5) && !inSample(key(file, l), 0.2))

test('a file’s result comes from the last report that tested it, and each file from its own part’s run', () => {
  const [a1, a2] = inSmall('a.ts')
  const [b1] = inSmall('b.ts')
  const first = { files: { 'a.ts': { mutants: [mutant(a1, 'Survived'), mutant(a2, 'NoCoverage')] } } }
  const second = { files: { 'a.ts': { mutants: [mutant(a1, 'Killed'), mutant(a2, 'Timeout')] } } }
  const other = { files: { 'b.ts': { mutants: [mutant(b1, 'Survived')] } } }
  const files = combine(
    [
      { name: 'old', report: first },
      { name: 'part-b', report: other },
      { name: 'new', report: second },
    ],
    0.2,
  )
  assert.deepEqual(Object.fromEntries(files), {
    'a.ts': { detected: 2, undetected: 0, source: 'new' },
    'b.ts': { detected: 0, undetected: 1, source: 'part-b' },
  })
  const e = estimate(files, { 'a.ts': 10, 'b.ts': 5 })
  assert.equal(e.detected, 2)
  assert.equal(e.total, 3)
  assert.equal(e.population, 15)
  assert.ok(Math.abs(e.score - 200 / 3) < 1e-9)
  assert.ok(e.low < e.score && e.score < e.high)
})

test('a larger fraction’s report counts only the smaller sample; out-of-sample and uncompiled mutants count nowhere', () => {
  const [small] = inSmall('a.ts')
  const [large] = onlyInLarge('a.ts')
  const [other] = inSmall('a.ts').slice(1)
  const report = {
    files: {
      'a.ts': {
        mutants: [
          mutant(small, 'Killed'),
          mutant(large, 'Survived'),
          mutant(other, 'CompileError'),
          mutant(other, 'RuntimeError', `${OUTSIDE}`),
        ],
      },
      'c.ts': { mutants: [mutant(inSmall('c.ts')[0], 'CompileError')] },
    },
  }
  assert.deepEqual(Object.fromEntries(combine([{ name: 'r', report }], 0.2)), {
    'a.ts': { detected: 1, undetected: 0, source: 'r' },
  })
})

test('a sampled score counts only mutants in the sample as the code stands, whatever result a run carried forward', async () => {
  const { scoreOf } = await import('./score.mjs')
  const [small] = inSmall('a.ts')
  const [large] = onlyInLarge('a.ts')
  const report = { files: { 'a.ts': { mutants: [mutant(small, 'Killed'), mutant(large, 'Survived')] } } }
  const s = scoreOf(report, 0.2, undefined, 100)
  assert.equal(s.detected, 1)
  assert.equal(s.total, 1)
  assert.equal(scoreOf(report, undefined).total, 2)
})
