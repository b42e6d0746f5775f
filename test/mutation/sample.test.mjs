// The sample a `npm run mutate -- <scope> --sample f` run tests (sample.mjs): the same mutants every run, about the
// fraction asked for, the runner's and the reports' ways of counting places agreeing, and the interval it prints.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { inSample, interval, mutantKey, reportedMutantKey, sampleFraction } from './sample.mjs'

const mutant = (line, column, mutatorName = 'ConditionalExpression', replacement = 'true') => ({
  location: { start: { line, column } },
  mutatorName,
  replacement,
})

test('a sample holds close to the fraction asked for, and the same mutants in every run', () => {
  const keys = Array.from({ length: 20_000 }, (_, i) => mutantKey('electron/core/x.ts', mutant(i, i % 80)))
  const picked = keys.filter((k) => inSample(k, 0.2))
  assert.ok(picked.length > 3800 && picked.length < 4200, `${picked.length} of 20,000 at 0.2`)
  assert.deepEqual(
    keys.filter((k) => inSample(k, 0.2)),
    picked,
  )
  // A larger sample holds the smaller one: raising the fraction only adds mutants.
  assert.ok(picked.every((k) => inSample(k, 0.5)))
  assert.ok(keys.every((k) => inSample(k, undefined)))
})

test('a mutant is the same key whether the runner (from 0) or a report (from 1) names its place', () => {
  const runner = mutantKey('electron/web/serve.ts', mutant(9, 4, 'StringLiteral', '""'))
  assert.equal(runner, 'electron/web/serve.ts:9:4:StringLiteral:""')
  assert.equal(reportedMutantKey('electron/web/serve.ts', mutant(10, 5, 'StringLiteral', '""')), runner)
  assert.notEqual(mutantKey('electron/web/serve.ts', mutant(9, 4, 'StringLiteral', "'x'")), runner)
})

test('the fraction is above 0 and at most 1, and 1 or nothing is a full run', () => {
  assert.equal(sampleFraction('0.15'), 0.15)
  assert.equal(sampleFraction('1'), undefined)
  assert.equal(sampleFraction(''), undefined)
  for (const bad of ['0', '-0.1', '1.5', 'half']) assert.throws(() => sampleFraction(bad), /above 0 and at most 1/)
})

test('the interval is Wilson’s at 95%, narrowed as the sample nears the whole, and never empty when all were killed', () => {
  // 480 of 600 (0.8) from an effectively endless population: Wilson gives 0.7661 to 0.8301.
  const [low, high] = interval(0.8, 600, 10_000_000)
  assert.ok(Math.abs(low - 0.7661) < 0.0005 && Math.abs(high - 0.8301) < 0.0005, `${low} ${high}`)
  const [nearLow, nearHigh] = interval(0.8, 600, 1200)
  assert.ok(nearLow > low && nearHigh < high)
  assert.deepEqual(interval(0.8, 600, 600), [0.8, 0.8])
  // 34 of 34 killed does not mean certainly 100%: the low end is under 90%.
  const [allLow, allHigh] = interval(1, 34, 10_000_000)
  assert.ok(allLow < 0.9 && allLow > 0.85, String(allLow))
  assert.ok(allHigh > 0.9999, String(allHigh))
})
