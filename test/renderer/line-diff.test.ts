import { test } from 'node:test'
import assert from 'node:assert/strict'
import { comparableJson, lineDiff, MAX_LINES } from '../../renderer/src/lib/line-diff.ts'

test('a line diff pairs equal lines and marks only the lines that differ, in order', () => {
  const rows = lineDiff(['a', 'b', 'c', 'd'], ['a', 'x', 'c', 'd', 'e'])!
  assert.deepEqual(rows, [
    { kind: 'same', a: 'a', b: 'a' },
    { kind: 'changed', a: 'b', b: 'x' },
    { kind: 'same', a: 'c', b: 'c' },
    { kind: 'same', a: 'd', b: 'd' },
    { kind: 'changed', a: undefined, b: 'e' },
  ])
  assert.ok(lineDiff(['same'], ['same'])!.every((r) => r.kind === 'same'))
})

test('past the line limit no diff is made, rather than freezing the window', () => {
  assert.equal(lineDiff(Array.from({ length: MAX_LINES + 1 }, String), ['x']), undefined)
})

test('JSON compares with its keys sorted, so key order alone is no difference, and text that is not JSON is left alone', () => {
  assert.equal(
    comparableJson('{"b":1,"a":{"d":[2,{"z":1,"y":2}],"c":null}}'),
    comparableJson('{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}'),
  )
  assert.notEqual(comparableJson('[1,2]'), comparableJson('[2,1]'), 'array order still matters')
  assert.equal(comparableJson('not json'), undefined)
})
