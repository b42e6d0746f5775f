/**
 * The injected clock tests drive time with, and the kernel's one-line descriptions of a pipeline.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fixedClock, systemClock } from '../../electron/core/clock.ts'
import { describePipeline, describe as describeAs, noOp, type Filter } from '../../electron/core/http.ts'

test('a fixed clock starts where told, moves only when advanced, and moves both its readings alike', () => {
  const clock = fixedClock(1000)
  assert.deepEqual([clock.now(), clock.monotonic()], [1000, 1000])
  clock.advance(250)
  clock.advance(50)
  assert.deepEqual([clock.now(), clock.monotonic()], [1300, 1300])
  assert.equal(fixedClock().now(), 0)
})

test('the system clock reads wall time and a monotonic counter', () => {
  const before = Date.now()
  const now = systemClock.now()
  assert.ok(now >= before && now <= Date.now())
  const m = systemClock.monotonic()
  assert.ok(Math.abs(m - performance.now()) < 1000)
})

test('a pipeline explains itself one line per filter, naming an undescribed filter by its function name', () => {
  function namedFilter(next: Parameters<Filter>[0]) {
    return next
  }
  const anonymous: Filter[] = [(next) => next]
  assert.deepEqual(
    describePipeline([noOp, describeAs('adds a header', (n) => n), namedFilter, ...anonymous], 'answers 200'),
    ['does nothing', 'adds a header', 'filter namedFilter', 'an undescribed filter', 'answers 200'],
  )
})
