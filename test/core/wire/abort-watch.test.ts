/**
 * Hearing a client go away through one watch per abort signal (abortWatch's watchOf): every exchange sharing a
 * connection's signal joins the same watch, each watcher still in it when the signal aborts is told once, and one
 * that left before is not.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { watchOf, type AbortWatcher } from '../../../electron/core/wire/abort-watch.ts'

function watcher(name: string, told: string[]): AbortWatcher {
  return { clientWentAway: () => told.push(name) }
}

test('one signal has one watch, however often it is asked for; another signal has its own', () => {
  const a = new AbortController()
  const b = new AbortController()
  assert.equal(watchOf(a.signal), watchOf(a.signal))
  assert.notEqual(watchOf(a.signal), watchOf(b.signal))
})

test('when the signal aborts, each watcher still watching is told once, and one that left is not', () => {
  const controller = new AbortController()
  const told: string[] = []
  const first = watcher('first', told)
  const second = watcher('second', told)
  const gone = watcher('gone', told)
  watchOf(controller.signal).watchers.add(first)
  watchOf(controller.signal).watchers.add(gone)
  watchOf(controller.signal).watchers.add(second)
  watchOf(controller.signal).watchers.delete(gone)
  assert.deepEqual(told, [], 'nobody is told before the abort')
  controller.abort()
  assert.deepEqual(told, ['first', 'second'])
})

test("a signal's other abort listeners still hear it, and another signal's watchers are not told", () => {
  const controller = new AbortController()
  const other = new AbortController()
  const told: string[] = []
  let heard = 0
  controller.signal.addEventListener('abort', () => heard++)
  watchOf(controller.signal).watchers.add(watcher('mine', told))
  watchOf(other.signal).watchers.add(watcher('other', told))
  controller.abort()
  assert.deepEqual(told, ['mine'])
  assert.equal(heard, 1)
})
