import { test } from 'node:test'
import assert from 'node:assert/strict'
import { formatDuration, formatInstant, parseDuration, parseInstant } from '../../electron/chaos/duration.ts'

test('ISO-8601 durations read and write as Java writes them', () => {
  for (const [text, ms] of [
    ['PT0.1S', 100],
    ['PT30S', 30_000],
    ['PT1M30S', 90_000],
    ['PT1H', 3_600_000],
    ['PT0S', 0],
    ['PT0.25S', 250],
  ] as const) {
    assert.equal(parseDuration(text), ms, text)
    assert.equal(formatDuration(ms), text)
  }
  assert.equal(parseDuration('P1DT1S'), 86_401_000)
  for (const bad of ['', 'P', 'PT', '30s', 'PT-1S', '100']) assert.equal(parseDuration(bad), undefined, bad)
})

test('instants read ISO-8601 and write without zero milliseconds, as Java does', () => {
  assert.equal(parseInstant('2030-01-01T00:00:00Z'), Date.UTC(2030, 0, 1))
  assert.equal(formatInstant(Date.UTC(2030, 0, 1)), '2030-01-01T00:00:00Z')
  assert.equal(formatInstant(100), '1970-01-01T00:00:00.100Z')
  assert.equal(parseInstant('tomorrow'), undefined)
})
