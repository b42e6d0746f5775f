/** The table's layout (columns, widths, the detail split) is remembered between runs, and a damaged save is ignored. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createAppStore } from '../../renderer/src/store/app-store.ts'
import { HIDDEN_AT_FIRST } from '../../renderer/src/store/columns.ts'
import { LAYOUT_KEY } from '../../renderer/src/store/layout-slice.ts'
import { FakeTransport } from './fixtures.ts'

/** A localStorage for the duration of a test (Node has none). */
function withStorage(t: { after(fn: () => void): void }): Map<string, string> {
  const items = new Map<string, string>()
  const storage = {
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => {
      items.set(k, v)
    },
    removeItem: (k: string) => {
      items.delete(k)
    },
  }
  Object.defineProperty(globalThis, 'localStorage', { value: storage, configurable: true })
  t.after(() => {
    delete (globalThis as { localStorage?: unknown }).localStorage
  })
  return items
}

test('columns shown, their widths and the detail split come back in the next window', (t) => {
  withStorage(t)
  const first = createAppStore(new FakeTransport())
  assert.deepEqual(first.getState().hiddenColumns, HIDDEN_AT_FIRST)
  first.getState().toggleColumn('protocol')
  first.getState().toggleColumn('time')
  first.getState().setColumnWidth('path', 300)
  first.getState().setDetailWidth(640)
  first.getState().setDetailHeight(280)
  const next = createAppStore(new FakeTransport()).getState()
  assert.deepEqual(next.hiddenColumns, ['scheme', 'sent', 'mime', 'waterfall', 'time'])
  assert.equal(next.columnWidths.path, 300)
  assert.deepEqual([next.detailWidth, next.detailHeight], [640, 280])
})

test('a damaged or foreign saved layout is ignored field by field', (t) => {
  const items = withStorage(t)
  items.set(
    LAYOUT_KEY,
    JSON.stringify({
      hiddenColumns: ['nope', 'time'],
      columnWidths: { path: 'wide', host: 3 },
      detailWidth: 12,
      detailHeight: 400,
    }),
  )
  const s = createAppStore(new FakeTransport()).getState()
  assert.deepEqual(s.hiddenColumns, ['time'])
  assert.equal(s.columnWidths.path, 160)
  assert.equal(s.detailWidth, 520)
  assert.equal(s.detailHeight, 400)
  items.set(LAYOUT_KEY, '{not json')
  assert.deepEqual(createAppStore(new FakeTransport()).getState().hiddenColumns, HIDDEN_AT_FIRST)
})
