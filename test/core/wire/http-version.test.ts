import { test } from 'node:test'
import assert from 'node:assert/strict'
import { httpVersion } from '../../../electron/core/wire/http-version.ts'

test('a head names its version as major.minor, the usual 1.1 and 1.0 among them', () => {
  assert.equal(httpVersion(1, 1), '1.1')
  assert.equal(httpVersion(1, 0), '1.0')
  assert.equal(httpVersion(0, 9), '0.9')
  assert.equal(httpVersion(1, 2), '1.2')
  assert.equal(httpVersion(2, 0), '2.0')
})
