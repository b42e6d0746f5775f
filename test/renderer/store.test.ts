import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createAppStore } from '../../renderer/src/store/app-store.ts'
import { FakeTransport, pending, summary, tick } from './fixtures.ts'

async function started(transport = new FakeTransport()) {
  const store = createAppStore(transport)
  store.getState().start()
  await tick()
  return { store, transport }
}

test('starting subscribes and loads the snapshot', async () => {
  const transport = new FakeTransport()
  transport.snapshot = { ...transport.snapshot, exchanges: [summary(1), summary(2)], capturing: false }
  const { store } = await started(transport)
  assert.deepEqual(
    transport.calls.map((c) => c.name),
    ['subscribe'],
  )
  assert.deepEqual(store.getState().ids, ['x1', 'x2'])
  assert.equal(store.getState().capturing, false)
  assert.equal(store.getState().synced, true)
})

test('an exchanges event is applied with exactly one set', async () => {
  const { store, transport } = await started()
  let sets = 0
  store.subscribe(() => {
    sets++
  })
  transport.emit('exchanges', { exchanges: [summary(1), summary(2), summary(3)] })
  assert.equal(sets, 1)
  assert.deepEqual(store.getState().ids, ['x1', 'x2', 'x3'])
  assert.deepEqual(store.getState().visibleIds, ['x1', 'x2', 'x3'])
})

test('a repeated id is an update of that exchange, not a new row', async () => {
  const { store, transport } = await started()
  transport.emit('exchanges', { exchanges: [pending(1), pending(2)] })
  transport.emit('exchanges', { exchanges: [summary(1, { status: 503 })] })
  const s = store.getState()
  assert.deepEqual(s.ids, ['x1', 'x2'])
  assert.equal(s.byId.get('x1')?.status, 503)
  assert.equal(s.byId.get('x1')?.outcome.kind, 'completed')
})

test('an update within the same batch as the new exchange keeps one row with the latest state', async () => {
  const { store, transport } = await started()
  transport.emit('exchanges', { exchanges: [pending(1), summary(1, { status: 201 })] })
  assert.deepEqual(store.getState().ids, ['x1'])
  assert.equal(store.getState().byId.get('x1')?.status, 201)
})

test('an update moves a row in or out of the filtered list', async () => {
  const { store, transport } = await started()
  store.getState().setFilter('status:5xx')
  transport.emit('exchanges', { exchanges: [pending(1), pending(2)] })
  assert.deepEqual(store.getState().visibleIds, [])
  transport.emit('exchanges', { exchanges: [summary(2, { status: 500 })] })
  assert.deepEqual(store.getState().visibleIds, ['x2'])
  transport.emit('exchanges', { exchanges: [summary(2, { status: 200 })] })
  assert.deepEqual(store.getState().visibleIds, [])
})

test('sorting by a column orders the visible rows, and a second click reverses them', async () => {
  const { store, transport } = await started()
  transport.emit('exchanges', {
    exchanges: [summary(1, { durationMs: 30 }), summary(2, { durationMs: 10 }), summary(3, { durationMs: 20 })],
  })
  store.getState().toggleSort('duration')
  assert.deepEqual(store.getState().visibleIds, ['x2', 'x3', 'x1'])
  store.getState().toggleSort('duration')
  assert.deepEqual(store.getState().visibleIds, ['x1', 'x3', 'x2'])
})

test('new and updated rows land in sorted position under a non-default sort', async () => {
  const { store, transport } = await started()
  store.getState().setSort({ column: 'duration', direction: 'asc' })
  transport.emit('exchanges', { exchanges: [summary(1, { durationMs: 30 }), summary(2, { durationMs: 10 })] })
  transport.emit('exchanges', { exchanges: [summary(3, { durationMs: 20 }), summary(1, { durationMs: 5 })] })
  assert.deepEqual(store.getState().visibleIds, ['x1', 'x2', 'x3'])
})

test('rows without a value sort last in either direction', async () => {
  const { store, transport } = await started()
  transport.emit('exchanges', { exchanges: [pending(1), summary(2, { status: 404 }), summary(3, { status: 200 })] })
  store.getState().setSort({ column: 'status', direction: 'asc' })
  assert.deepEqual(store.getState().visibleIds, ['x3', 'x2', 'x1'])
  store.getState().setSort({ column: 'status', direction: 'desc' })
  assert.deepEqual(store.getState().visibleIds, ['x2', 'x3', 'x1'])
})

test('large batches give the same order as small ones', async () => {
  const { store, transport } = await started()
  const durations = Array.from({ length: 3000 }, (_, i) => (i * 7919) % 1000)
  store.getState().setSort({ column: 'duration', direction: 'desc' })
  transport.emit('exchanges', { exchanges: durations.map((d, i) => summary(i + 1, { durationMs: d })) })
  const big = store.getState().visibleIds
  const { store: small, transport: t2 } = await started()
  small.getState().setSort({ column: 'duration', direction: 'desc' })
  for (let i = 0; i < durations.length; i += 10) {
    t2.emit('exchanges', { exchanges: durations.slice(i, i + 10).map((d, j) => summary(i + j + 1, { durationMs: d })) })
  }
  assert.deepEqual(small.getState().visibleIds, big)
})

test('arrow movement walks the visible rows and stops at the ends', async () => {
  const { store, transport } = await started()
  transport.emit('exchanges', { exchanges: [summary(1), summary(2), summary(3)] })
  const s = () => store.getState()
  s().moveSelection(1)
  assert.equal(s().selectedId, 'x1')
  s().moveSelection(1)
  s().moveSelection(1)
  s().moveSelection(1)
  assert.equal(s().selectedId, 'x3')
  s().moveSelection(-10)
  assert.equal(s().selectedId, 'x1')
  s().selectEdge('last')
  assert.equal(s().selectedId, 'x3')
})

test('arrow movement follows the current sort and filter', async () => {
  const { store, transport } = await started()
  transport.emit('exchanges', {
    exchanges: [summary(1, { method: 'POST' }), summary(2), summary(3, { method: 'POST' })],
  })
  store.getState().setFilter('method:POST')
  store.getState().setSort({ column: 'seq', direction: 'desc' })
  store.getState().moveSelection(1)
  assert.equal(store.getState().selectedId, 'x3')
  store.getState().moveSelection(1)
  assert.equal(store.getState().selectedId, 'x1')
})

test('Enter opens the selected row and Esc closes it', async () => {
  const { store, transport } = await started()
  transport.emit('exchanges', { exchanges: [summary(1)] })
  store.getState().openDetail()
  assert.equal(store.getState().detailOpen, false, 'nothing selected, nothing to open')
  store.getState().select('x1')
  store.getState().openDetail()
  assert.equal(store.getState().detailOpen, true)
  store.getState().closeDetail()
  assert.equal(store.getState().detailOpen, false)
})

test('the cleared event empties the traffic and the latency figures', async () => {
  const { store, transport } = await started()
  transport.emit('exchanges', { exchanges: [summary(1), summary(2)] })
  store.getState().select('x1')
  transport.emit('cleared', {})
  const s = store.getState()
  assert.deepEqual(s.ids, [])
  assert.equal(s.byId.size, 0)
  assert.equal(s.selectedId, undefined)
  assert.equal(s.latency.total, 0)
})

test('traffic beyond maxExchanges drops the oldest rows, in chunks of 2% of the cap', async () => {
  const { store, transport } = await started()
  transport.emit('settings', { ...store.getState().settings, maxExchanges: 3 })
  transport.emit('exchanges', { exchanges: [summary(1), summary(2)] })
  transport.emit('exchanges', { exchanges: [summary(3), summary(4), summary(5)] })
  assert.deepEqual(store.getState().ids, ['x3', 'x4', 'x5'])
  assert.deepEqual(store.getState().visibleIds, ['x3', 'x4', 'x5'])
  assert.equal(store.getState().byId.has('x1'), false)
})

test('listener, capture and settings events update the store', async () => {
  const { store, transport } = await started()
  const listener = {
    id: 'l1',
    name: 'l1',
    kind: 'proxy' as const,
    mode: 'forward' as const,
    host: '127.0.0.1',
    port: 8080,
    url: 'http://127.0.0.1:8080',
    httpsUpstream: false,
    pipeline: ['forwards'],
    startedAt: 0,
  }
  transport.emit('listeners', { listeners: [listener] })
  transport.emit('capture', { capturing: false })
  assert.equal(store.getState().listeners[0]?.url, 'http://127.0.0.1:8080')
  assert.equal(store.getState().capturing, false)
})

test('a failing command becomes a dismissible notice', async () => {
  const { store } = await started(
    new FakeTransport({
      pauseCapture: () => {
        throw new Error('pauseCapture: nope')
      },
    }),
  )
  await store.getState().setCapturing(false)
  const notices = store.getState().notices
  assert.equal(notices.length, 1)
  assert.equal(notices[0]?.message, 'pauseCapture: nope')
  store.getState().dismissNotice(notices[0]!.id)
  assert.equal(store.getState().notices.length, 0)
})

test('pausing capture sends pauseCapture and takes the answer', async () => {
  const { store, transport } = await started(new FakeTransport({ pauseCapture: () => ({ capturing: false }) }))
  await store.getState().setCapturing(false)
  assert.equal(store.getState().capturing, false)
  assert.equal(transport.calls.at(-1)?.name, 'pauseCapture')
})

test('100,000 rows in batches of 100 are all ingested and visible', async () => {
  const { store, transport } = await started()
  for (let b = 0; b < 1000; b++) {
    transport.emit('exchanges', { exchanges: Array.from({ length: 100 }, (_, i) => summary(b * 100 + i + 1)) })
  }
  assert.equal(store.getState().visibleIds.length, 100_000)
})

test('with a flush scheduler, a burst of exchanges events is applied in one set', async () => {
  const transport = new FakeTransport()
  let pendingFlush: (() => void) | undefined
  const store = createAppStore(transport, {
    scheduleFlush: (f) => {
      pendingFlush = f
    },
  })
  store.getState().start()
  await tick()
  let sets = 0
  store.subscribe(() => {
    sets++
  })
  transport.emit('exchanges', { exchanges: [pending(1)] })
  transport.emit('exchanges', { exchanges: [summary(2)] })
  transport.emit('exchanges', { exchanges: [summary(1)] })
  assert.equal(sets, 0)
  pendingFlush?.()
  assert.equal(sets, 1)
  assert.deepEqual(store.getState().ids, ['x1', 'x2'])
  assert.equal(store.getState().byId.get('x1')?.outcome.kind, 'completed')
})

test('a clear drops exchanges still waiting to be flushed', async () => {
  const transport = new FakeTransport()
  let pendingFlush: (() => void) | undefined
  const store = createAppStore(transport, {
    scheduleFlush: (f) => {
      pendingFlush = f
    },
  })
  store.getState().start()
  await tick()
  transport.emit('exchanges', { exchanges: [summary(1)] })
  transport.emit('cleared', {})
  pendingFlush?.()
  assert.deepEqual(store.getState().ids, [])
})

test('a full table evicts in chunks, not on every batch', async () => {
  const { store, transport } = await started()
  transport.emit('settings', { ...store.getState().settings, maxExchanges: 100 })
  transport.emit('exchanges', { exchanges: Array.from({ length: 102 }, (_, i) => summary(i + 1)) })
  assert.equal(store.getState().ids.length, 102, 'within 2% slack')
  transport.emit('exchanges', { exchanges: [summary(103)] })
  assert.equal(store.getState().ids.length, 100)
  assert.equal(store.getState().ids[0], 'x4')
})
