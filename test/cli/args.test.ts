import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseFlags, UsageError, type FlagSpec } from '../../electron/cli/args.ts'

const SPEC: FlagSpec = { host: 'string', port: 'port', seed: 'int', json: 'boolean', 'match-header': 'list' }

test('flags are read as --name value and --name=value, typed by the spec', () => {
  assert.deepEqual(parseFlags(['--host', 'h', '--port=81', '--json', '--seed=7'], SPEC), {
    host: 'h',
    port: 81,
    json: true,
    seed: 7,
  })
  assert.deepEqual(parseFlags([], SPEC), {})
})

test('a list flag repeats and splits on commas', () => {
  assert.deepEqual(parseFlags(['--match-header', 'a', '--match-header=b, c'], SPEC), {
    'match-header': ['a', 'b', 'c'],
  })
  assert.throws(() => parseFlags(['--match-header', ','], SPEC), /--match-header needs a value/)
})

test('a value that looks like a flag is refused unless written with =', () => {
  assert.throws(() => parseFlags(['--host', '--json'], SPEC), /--host needs a value, not another flag/)
  assert.deepEqual(parseFlags(['--host=--json'], SPEC), { host: '--json' })
})

test('numbers out of range, empty values and negative numbers are usage errors with one-line messages', () => {
  for (const argv of [['--port', '65536'], ['--port='], ['--seed=-5'], ['--seed', '1.5']]) {
    assert.throws(
      () => parseFlags(argv, SPEC),
      (e: unknown) => e instanceof UsageError && !e.message.includes('\n'),
      argv.join(' '),
    )
  }
})
