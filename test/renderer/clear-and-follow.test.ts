/**
 * Issue 24 in the store: a clear empties the table at once and can be undone until main is told (after the undo
 * lapses, and then only up to the last exchange cleared); the table stops following new rows once a row is selected.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createAppStore } from '../../renderer/src/store/app-store.ts'
import { FakeTransport, pending, summary, tick } from './fixtures.ts'

async function started(transport: FakeTransport, undoClearMs = 60_000) {
  const store = createAppStore(transport, { undoClearMs })
  const stop = store.getState().start()
  await tick()
  return { store, stop }
}

test('clearing empties the table at once, says how many went, and tells main nothing until the undo lapses', async (t) => {
  const transport = new FakeTransport({ clear: () => ({ cleared: 2 }) })
  const { store, stop } = await started(transport, 30)
  t.after(stop)
  transport.emit('exchanges', { exchanges: [summary(1), summary(2)] })
  await store.getState().clearAll()
  assert.deepEqual(store.getState().ids, [])
  assert.equal(store.getState().pendingClear?.count, 2)
  assert.equal(
    transport.calls.some((c) => c.name === 'clear'),
    false,
  )
  transport.emit('exchanges', { exchanges: [summary(3)] })
  assert.deepEqual(store.getState().ids, ['x3'])
  await new Promise((r) => setTimeout(r, 60))
  assert.deepEqual(
    transport.calls.filter((c) => c.name === 'clear').map((c) => c.args),
    [{ upToSeq: 2 }],
  )
  assert.equal(store.getState().pendingClear, undefined)
  assert.deepEqual(store.getState().ids, ['x3'])
})

test('undo brings the cleared exchanges back as main has them now, and main is never told to clear', async (t) => {
  const transport = new FakeTransport({ clear: () => ({ cleared: 1 }) })
  const { store, stop } = await started(transport, 30)
  t.after(stop)
  transport.emit('exchanges', { exchanges: [pending(1)] })
  await store.getState().clearAll()
  // The request completes during the undo: the update is ignored while it is cleared…
  transport.emit('exchanges', { exchanges: [summary(1, { status: 201 })] })
  assert.deepEqual(store.getState().ids, [])
  // …and the snapshot that undo loads has it completed.
  transport.snapshot = { ...transport.snapshot, exchanges: [summary(1, { status: 201 })] }
  store.getState().undoClear()
  await tick()
  assert.deepEqual(store.getState().ids, ['x1'])
  assert.equal(store.getState().byId.get('x1')?.status, 201)
  await new Promise((r) => setTimeout(r, 60))
  assert.equal(
    transport.calls.some((c) => c.name === 'clear'),
    false,
  )
})

test('a clear up to a seq from another window drops only those rows; a full clear drops all', async (t) => {
  const transport = new FakeTransport()
  const { store, stop } = await started(transport)
  t.after(stop)
  transport.emit('exchanges', { exchanges: [summary(1), summary(2), summary(3)] })
  transport.emit('cleared', { upToSeq: 2 })
  assert.deepEqual(store.getState().ids, ['x3'])
  transport.emit('exchanges', { exchanges: [summary(2, { status: 500 })] })
  assert.deepEqual(store.getState().ids, ['x3'])
  transport.emit('cleared', {})
  assert.deepEqual(store.getState().ids, [])
})

test('selecting a row stops following new rows and counts those that arrive; following again clears the count', async (t) => {
  const transport = new FakeTransport()
  const { store, stop } = await started(transport)
  t.after(stop)
  transport.emit('exchanges', { exchanges: [summary(1), summary(2)] })
  assert.equal(store.getState().following, true)
  store.getState().openDetail('x1')
  assert.equal(store.getState().following, false)
  transport.emit('exchanges', { exchanges: [summary(3), summary(4), summary(5)] })
  const s = store.getState()
  assert.equal(s.visibleIds.length - s.followStoppedAt, 3)
  assert.equal(s.selectedId, 'x1')
  s.setFollowing(true)
  assert.equal(store.getState().followStoppedAt, 0)
  store.getState().moveSelection(1)
  assert.equal(store.getState().following, false)
})

test('a snapshot from a host that never heard of the clear (restarted, numbering from 1) is shown, not hidden', async (t) => {
  const transport = new FakeTransport({ clear: () => ({ cleared: 3 }) })
  const { store, stop } = await started(transport, 10)
  t.after(stop)
  transport.emit('exchanges', { exchanges: [summary(1), summary(2), summary(3)] })
  await store.getState().clearAll()
  await new Promise((r) => setTimeout(r, 40))
  transport.snapshot = { ...transport.snapshot, exchanges: [summary(1, { path: '/after-restart' })] }
  store.getState().applySnapshot(transport.snapshot)
  assert.deepEqual(store.getState().ids, ['x1'])
  transport.emit('exchanges', { exchanges: [summary(2)] })
  assert.deepEqual(store.getState().ids, ['x1', 'x2'])
})
