/**
 * The traffic table: an ARIA grid, virtualised (only the rows in view exist in the DOM), following the newest
 * rows until the user selects a row or scrolls up (then "N new — jump to latest" brings it back), sortable by
 * header, with hideable and resizable columns that narrow to their minimums when room is short.
 */
import { useVirtualizer } from '@tanstack/react-virtual'
import { useCallback, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react'
import { RowMenu, type RowMenuAt } from './row-menu.tsx'
import { useShallow } from 'zustand/react/shallow'
import { COLUMNS, type ColumnDef, type ColumnId } from '../store/columns.ts'
import { useApp, useAppStore } from '../store/use-app.ts'
import { EmptyTraffic } from './empty-traffic.tsx'
import { GridRow, ROW_HEIGHT, WATERFALL_BASE } from './grid-row.tsx'

const HEADER_HEIGHT = 28

export function TrafficGrid({ detailBeside = false }: { detailBeside?: boolean }) {
  const store = useAppStore()
  const visibleIds = useApp((s) => s.visibleIds)
  const total = useApp((s) => s.ids.length)
  const hidden = useApp(useShallow((s) => s.hiddenColumns))
  const widths = useApp((s) => s.columnWidths)
  const selectedId = useApp((s) => s.selectedId)
  const following = useApp((s) => s.following)
  const unseen = useApp((s) => (s.following ? 0 : Math.max(0, s.visibleIds.length - s.followStoppedAt)))
  const scrollRef = useRef<HTMLDivElement>(null)

  const columns = useMemo(() => {
    const shown = COLUMNS.filter((c) => !hidden.includes(c.id))
    const compact = detailBeside ? shown.filter((c) => c.besideDetail) : shown
    return compact.length > 0 ? compact : shown
  }, [hidden, detailBeside])
  // Each column gets its width when there is room and shrinks towards its minimum when there is not.
  const template = columns
    .map((c) => {
      const width = widths[c.id]
      const min = Math.min(c.min, width)
      return c.flexible ? `minmax(${min}px, 1fr)` : `minmax(${min}px, ${width}px)`
    })
    .join(' ')
  const minWidth = columns.reduce((n, c) => n + Math.min(c.min, widths[c.id]), 0)

  const virtualizer = useVirtualizer({
    count: visibleIds.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    scrollMargin: HEADER_HEIGHT,
  })

  useLayoutEffect(() => {
    const el = scrollRef.current
    if (el && following) el.scrollTop = el.scrollHeight
  }, [visibleIds.length, following])

  const onScroll = (): void => {
    const el = scrollRef.current
    if (!el) return
    const atEnd = el.scrollTop + el.clientHeight >= el.scrollHeight - ROW_HEIGHT
    const s = store.getState()
    // Scrolling back to the end resumes following only with no row selected: a selection stays where it is.
    if (!atEnd) s.setFollowing(false)
    else if (s.selectedId === undefined) s.setFollowing(true)
  }

  const jumpToLatest = (): void => {
    store.getState().setFollowing(true)
    scrollRef.current?.focus()
  }

  const activate = useCallback(
    (id: string) => {
      store.getState().openDetail(id)
    },
    [store],
  )
  const [menu, setMenu] = useState<RowMenuAt | undefined>(undefined)
  const [said, setSaid] = useState('')
  const openMenu = useCallback(
    (id: string, x: number, y: number) => {
      // The row selected before is remembered: the menu offers to compare the two.
      const before = store.getState().selectedId
      store.getState().select(id)
      setMenu({ id, x, y, ...(before !== undefined && before !== id ? { previousId: before } : {}) })
    },
    [store],
  )
  const closeMenu = useCallback(() => setMenu(undefined), [])
  const sayDone = useCallback((message: string) => {
    setSaid(message)
    setTimeout(() => setSaid(''), 2000)
  }, [])

  const reveal = (): void => {
    const s = store.getState()
    const i = s.selectedId === undefined ? -1 : s.visibleIds.indexOf(s.selectedId)
    if (i >= 0) virtualizer.scrollToIndex(i, { align: 'auto' })
  }

  const onKeyDown = (ev: KeyboardEvent<HTMLDivElement>): void => {
    const s = store.getState()
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 280) / ROW_HEIGHT) - 1)
    const moves: Record<string, () => void> = {
      ArrowDown: () => s.moveSelection(1),
      ArrowUp: () => s.moveSelection(-1),
      PageDown: () => s.moveSelection(page),
      PageUp: () => s.moveSelection(-page),
      Home: () => s.selectEdge('first'),
      End: () => s.selectEdge('last'),
    }
    const move = moves[ev.key]
    if (move) {
      ev.preventDefault()
      move()
      reveal()
      return
    }
    if ((ev.key === 'ContextMenu' || (ev.key === 'F10' && ev.shiftKey)) && s.selectedId !== undefined) {
      ev.preventDefault()
      const box = document.getElementById(`row-${s.selectedId}`)?.getBoundingClientRect()
      if (box) openMenu(s.selectedId, box.left + 80, box.bottom)
      return
    }
    if (ev.key === 'Enter') {
      ev.preventDefault()
      s.openDetail()
    }
    if (ev.key === 'Escape' && s.detailOpen) {
      ev.preventDefault()
      s.closeDetail()
    }
  }

  const items = virtualizer.getVirtualItems()
  // The Waterfall column's scale: from the first start to the last end among the rows in view.
  let spanFrom = 0
  let spanTo = 0
  if (columns.some((c) => c.id === 'waterfall')) {
    const byId = store.getState().byId
    spanFrom = Infinity
    spanTo = -Infinity
    for (const item of items) {
      const e = byId.get(visibleIds[item.index] ?? '')
      if (!e) continue
      spanFrom = Math.min(spanFrom, e.startedAt)
      spanTo = Math.max(spanTo, e.startedAt + (e.durationMs ?? 0), e.outcome.kind === 'pending' ? Date.now() : 0)
    }
    if (!Number.isFinite(spanFrom)) {
      spanFrom = 0
      spanTo = 0
    }
  }
  const waterfallScale = {
    ['--wf-from' as string]: spanFrom - WATERFALL_BASE,
    ['--wf-to' as string]: spanTo - WATERFALL_BASE,
    ['--wf-span' as string]: Math.max(spanTo - spanFrom, 1),
  }
  return (
    <div className="grid-wrap">
      <div
        ref={scrollRef}
        className="grid"
        role="grid"
        data-testid="grid"
        aria-label="Traffic"
        aria-rowcount={visibleIds.length + 1}
        aria-colcount={columns.length}
        tabIndex={0}
        aria-activedescendant={selectedId && visibleIds.length > 0 ? `row-${selectedId}` : undefined}
        style={{ ['--cols' as string]: template, ['--min-width' as string]: `${minWidth}px`, ...waterfallScale }}
        onScroll={onScroll}
        onKeyDown={onKeyDown}
      >
        <div role="rowgroup" className="grid-head">
          <div role="row" className="grid-row head-row" aria-rowindex={1}>
            {columns.map((c) => (
              <HeaderCell key={c.id} column={c} />
            ))}
          </div>
        </div>
        <div role="rowgroup" className="grid-body" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const id = visibleIds[item.index]
            return id === undefined ? null : (
              <GridRow
                key={id}
                id={id}
                index={item.index}
                top={item.start - HEADER_HEIGHT}
                columns={columns}
                onActivate={activate}
                onMenu={openMenu}
              />
            )
          })}
        </div>
      </div>
      {/* Beside the grid, not in it: a grid may hold only rows (WAI-ARIA). */}
      {visibleIds.length === 0 && (
        <div className="grid-empty">
          {total === 0 ? (
            <EmptyTraffic />
          ) : (
            <div className="empty-state compact" data-testid="no-match">
              <p>No exchanges match the filter.</p>
              <button type="button" className="btn" onClick={() => store.getState().setFilter('')}>
                Clear the filter
              </button>
            </div>
          )}
        </div>
      )}
      {menu && <RowMenu at={menu} onClose={closeMenu} onDone={sayDone} />}
      <div className="grid-said" role="status">
        {said && (
          <span className="toast" data-testid="row-menu-said">
            {said}
          </span>
        )}
      </div>
      {unseen > 0 && (
        <button type="button" className="btn jump-latest" data-testid="jump-latest" onClick={jumpToLatest}>
          {unseen.toLocaleString()} new — jump to latest ↓
        </button>
      )}
    </div>
  )
}

function HeaderCell({ column }: { column: ColumnDef }) {
  const sort = useApp((s) => s.sort)
  const toggleSort = useApp((s) => s.toggleSort)
  const sorted = sort.column === column.id
  const ariaSort = sorted ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'
  return (
    <div
      role="columnheader"
      aria-sort={ariaSort}
      className={`cell head-cell ${column.align === 'end' ? 'num' : ''}`}
      data-column={column.id}
    >
      <button
        type="button"
        className="sort-button"
        onClick={() => toggleSort(column.id)}
        title={`Sort by ${column.label}`}
      >
        {column.label}
        <span className="sort-mark" aria-hidden="true">
          {sorted ? (sort.direction === 'asc' ? '▲' : '▼') : ''}
        </span>
      </button>
      <ResizeHandle column={column.id} label={column.label} />
    </div>
  )
}

function ResizeHandle({ column, label }: { column: ColumnId; label: string }) {
  const store = useAppStore()
  const drag = useRef<{ x: number; width: number } | null>(null)
  const down = (ev: PointerEvent<HTMLDivElement>): void => {
    ev.preventDefault()
    ev.currentTarget.setPointerCapture(ev.pointerId)
    drag.current = { x: ev.clientX, width: store.getState().columnWidths[column] }
  }
  const move = (ev: PointerEvent<HTMLDivElement>): void => {
    if (drag.current) store.getState().setColumnWidth(column, drag.current.width + ev.clientX - drag.current.x)
  }
  const up = (): void => {
    drag.current = null
  }
  return (
    <div
      className="resize-handle"
      role="separator"
      aria-orientation="vertical"
      aria-label={`Resize ${label}`}
      onPointerDown={down}
      onPointerMove={move}
      onPointerUp={up}
      onPointerCancel={up}
      onClick={(e) => e.stopPropagation()}
    />
  )
}
