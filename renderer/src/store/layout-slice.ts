/**
 * Which view is showing, and the traffic table's layout (hidden columns, widths, the detail split), the layout
 * remembered in localStorage between runs.
 */
import type { StateCreator } from 'zustand/vanilla'
import type { AppState } from './app-store.ts'
import { COLUMNS, HIDDEN_AT_FIRST, MIN_COLUMN_WIDTH, type ColumnId } from './columns.ts'

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
  /** Height of the detail pane in px when it sits below the table (narrow windows). */
  readonly detailHeight: number
  setView(view: ViewId): void
  /** Hides or shows a column; the last visible column cannot be hidden. */
  toggleColumn(id: ColumnId): void
  setColumnWidth(id: ColumnId, width: number): void
  setDetailWidth(width: number): void
  setDetailHeight(height: number): void
}

export const MIN_DETAIL_WIDTH = 320
export const MIN_DETAIL_HEIGHT = 160

/** Where the window keeps its layout (columns, widths, the split) between runs. */
export const LAYOUT_KEY = 'nanoscope.layout'

type SavedLayout = Pick<LayoutSlice, 'hiddenColumns' | 'columnWidths' | 'detailWidth' | 'detailHeight'>

function storage(): Storage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage
  } catch {
    return undefined
  }
}

/** The saved layout, field by field, keeping only what still makes sense (known columns, numbers in range). */
function savedLayout(): Partial<SavedLayout> {
  try {
    const raw = storage()?.getItem(LAYOUT_KEY)
    if (!raw) return {}
    const o = JSON.parse(raw) as Partial<Record<keyof SavedLayout, unknown>>
    const out: { -readonly [K in keyof SavedLayout]?: SavedLayout[K] } = {}
    const ids = new Set<string>(COLUMNS.map((c) => c.id))
    if (Array.isArray(o.hiddenColumns))
      out.hiddenColumns = o.hiddenColumns
        .filter((id): id is ColumnId => ids.has(id as string))
        .slice(0, COLUMNS.length - 1)
    if (o.columnWidths && typeof o.columnWidths === 'object') {
      const widths = { ...DEFAULT_WIDTHS }
      for (const [id, w] of Object.entries(o.columnWidths))
        if (ids.has(id) && typeof w === 'number' && w >= MIN_COLUMN_WIDTH) widths[id as ColumnId] = w
      out.columnWidths = widths
    }
    if (typeof o.detailWidth === 'number' && o.detailWidth >= MIN_DETAIL_WIDTH) out.detailWidth = o.detailWidth
    if (typeof o.detailHeight === 'number' && o.detailHeight >= MIN_DETAIL_HEIGHT) out.detailHeight = o.detailHeight
    return out
  } catch {
    return {}
  }
}

function saveLayout(s: SavedLayout): void {
  try {
    storage()?.setItem(
      LAYOUT_KEY,
      JSON.stringify({
        hiddenColumns: s.hiddenColumns,
        columnWidths: s.columnWidths,
        detailWidth: s.detailWidth,
        detailHeight: s.detailHeight,
      }),
    )
  } catch {
    // A full or disabled storage only costs remembering the layout.
  }
}

const DEFAULT_WIDTHS = Object.fromEntries(COLUMNS.map((c) => [c.id, c.width])) as Record<ColumnId, number>

export const createLayoutSlice: StateCreator<AppState, [], [], LayoutSlice> = (set, get) => {
  const saving = (changes: Partial<SavedLayout>): void => {
    set(changes)
    saveLayout(get())
  }
  return {
    view: 'traffic',
    hiddenColumns: HIDDEN_AT_FIRST,
    columnWidths: DEFAULT_WIDTHS,
    detailWidth: 520,
    detailHeight: 320,
    ...savedLayout(),
    setView(view) {
      set({ view })
    },
    toggleColumn(id) {
      const hidden = get().hiddenColumns
      if (hidden.includes(id)) saving({ hiddenColumns: hidden.filter((h) => h !== id) })
      else if (hidden.length < COLUMNS.length - 1) saving({ hiddenColumns: [...hidden, id] })
    },
    setColumnWidth(id, width) {
      saving({ columnWidths: { ...get().columnWidths, [id]: Math.max(MIN_COLUMN_WIDTH, Math.round(width)) } })
    },
    setDetailWidth(width) {
      saving({ detailWidth: Math.max(MIN_DETAIL_WIDTH, Math.round(width)) })
    },
    setDetailHeight(height) {
      saving({ detailHeight: Math.max(MIN_DETAIL_HEIGHT, Math.round(height)) })
    },
  }
}
