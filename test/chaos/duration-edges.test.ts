import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { formatDuration, parseDuration, parseInstant } from '../../electron/chaos/duration.ts'

test('a duration of any days, hours, minutes and seconds reads back as the milliseconds it names', () => {
  fc.assert(
    fc.property(
      fc.nat(400),
      fc.nat(100),
      fc.nat(200),
      fc.nat(5000),
      fc.nat(999),
      fc.constantFrom('.', ','),
      (d, h, m, s, ms, point) => {
        const text = `P${d}DT${h}H${m}M${s}${point}${String(ms).padStart(3, '0')}S`
        assert.equal(parseDuration(text), (((d * 24 + h) * 60 + m) * 60 + s) * 1000 + ms, text)
      },
    ),
  )
})

test('any whole number of milliseconds written as Java writes it reads back the same', () => {
  fc.assert(fc.property(fc.nat(10 * 86_400_000), (ms) => parseDuration(formatDuration(ms)) === ms))
})

test('durations are read in any case and with spaces around, as Java reads them; anything around them is not one', () => {
  assert.equal(parseDuration(' pt30s '), 30_000)
  assert.equal(parseDuration('P1D'), 86_400_000)
  assert.equal(parseDuration('P10D'), 864_000_000)
  assert.equal(parseDuration('PT10H'), 36_000_000)
  assert.equal(parseDuration('PT10M'), 600_000)
  assert.equal(parseDuration('PT0,5S'), 500)
  for (const bad of ['p', ' P ', 'PT ', 'pt', 'XPT1S', 'PT1SX', 'P1H']) assert.equal(parseDuration(bad), undefined, bad)
})

test('instants are read only in the ISO-8601 form with a zone, seconds and fractions optional', () => {
  const utc = Date.UTC(2030, 0, 1)
  assert.equal(parseInstant('2030-01-01T00:00Z'), utc)
  assert.equal(parseInstant('2030-01-01T00:00:00.125Z'), utc + 125)
  assert.equal(parseInstant('2030-01-01T02:30:00+02:30'), utc)
  assert.equal(parseInstant('2029-12-31T22:00:00-02:00'), utc)
  for (const bad of [
    '2030-01-01',
    '2030-01-01T00:00:00',
    'x2030-01-01T00:00:00Z',
    '2030-01-01T00:00:00Z!',
    '2030-01-01T00:00:00+2:00',
    '2030-01-01T00:00:00+02:3',
    '2030-01-01T00:00:00.Z',
  ]) {
    assert.equal(parseInstant(bad), undefined, bad)
  }
})
