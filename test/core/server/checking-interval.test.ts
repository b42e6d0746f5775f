/**
 * How often node:http is asked to check the server's timeouts: a quarter of the shorter timeout, so a timeout is
 * enforced within a quarter of itself, bounded to between 50 ms and 30 s; a request timeout of 0 (none) is ignored.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { checkingInterval, DEFAULT_HEADERS_TIMEOUT_MS } from '../../../electron/core/server/node-server.ts'

test('the timeouts are checked every quarter of the shorter one', () => {
  assert.equal(checkingInterval(DEFAULT_HEADERS_TIMEOUT_MS, undefined), 7500)
  assert.equal(checkingInterval(30_000, 2000), 500)
  assert.equal(checkingInterval(1000, 60_000), 250)
  assert.equal(checkingInterval(1001, undefined), 250)
})

test('a request timeout of 0 means none, and does not make the checks run as often as they can', () => {
  assert.equal(checkingInterval(8000, 0), 2000)
  assert.equal(checkingInterval(0, 8000), 2000)
})

test('the timeouts are checked at most every 50 ms and at least every 30 s', () => {
  assert.equal(checkingInterval(100, undefined), 50)
  assert.equal(checkingInterval(200, undefined), 50)
  assert.equal(checkingInterval(204, undefined), 51)
  assert.equal(checkingInterval(600_000, undefined), 30_000)
  assert.equal(checkingInterval(600_000, 480_000), 30_000)
  assert.equal(checkingInterval(0, undefined), 30_000)
})
