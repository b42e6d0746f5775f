/** Which view is showing, and the traffic table's column layout (hidden columns, widths). */
import type { StateCreator } from 'zustand/vanilla'
import type { AppState } from './app-store.ts'
import { COLUMNS, MIN_COLUMN_WIDTH, type ColumnId } from './columns.ts'

export type ViewId = 'traffic' | 'latency' | 'sessions' | 'chaos' | 'clock' | 'pipelines' | 'setup'

export const VIEWS: readonly { readonly id: ViewId; readonly label: string }[] = [
  { id: 'traffic', label: 'Traffic' },
  { id: 'latency', label: 'Latency' },
  { id: 'sessions', label: 'Sessions' },
  { id: 'chaos', label: 'Chaos' },
  { id: 'clock', label: 'Clock' },
  { id: 'pipelines', label: 'Pipelines' },
  { id: 'setup', label: 'Setup' },
]

export interface LayoutSlice {
  readonly view: ViewId
  readonly hiddenColumns: readonly ColumnId[]
  readonly columnWidths: Readonly<Record<ColumnId, number>>
  /** Width of the detail pane in px when it sits beside the table. */
  readonly detailWidth: number
  setView(view: ViewId): void
  /** Hides or shows a column; the last visible column cannot be hidden. */
  toggleColumn(id: ColumnId): void
  setColumnWidth(id: ColumnId, width: number): void
  setDetailWidth(width: number): void
}

export const MIN_DETAIL_WIDTH = 320

const DEFAULT_WIDTHS = Object.fromEntries(COLUMNS.map((c) => [c.id, c.width])) as Record<ColumnId, number>

export const createLayoutSlice: StateCreator<AppState, [], [], LayoutSlice> = (set, get) => ({
  view: 'traffic',
  hiddenColumns: [],
  columnWidths: DEFAULT_WIDTHS,
  detailWidth: 520,
  setView(view) { set({ view }) },
  toggleColumn(id) {
    const hidden = get().hiddenColumns
    if (hidden.includes(id)) set({ hiddenColumns: hidden.filter((h) => h !== id) })
    else if (hidden.length < COLUMNS.length - 1) set({ hiddenColumns: [...hidden, id] })
  },
  setColumnWidth(id, width) {
    set({ columnWidths: { ...get().columnWidths, [id]: Math.max(MIN_COLUMN_WIDTH, Math.round(width)) } })
  },
  setDetailWidth(width) { set({ detailWidth: Math.max(MIN_DETAIL_WIDTH, Math.round(width)) }) },
})
