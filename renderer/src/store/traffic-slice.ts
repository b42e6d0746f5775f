/**
 * Traffic: the normalised exchanges, the filter and sort that make the visible list, and the selection.
 * One `set` per batch; see traffic-index.ts for how the visible list is kept sorted cheaply.
 */
import type { StateCreator } from 'zustand/vanilla'
import type { ExchangeSummary } from '../../../shared/exchange.ts'
import type { AppState } from './app-store.ts'
import { comparatorFor, DEFAULT_SORT, nextSort, type ColumnId, type Comparator, type SortSpec } from './columns.ts'
import { matchAll, parseFilter, type ExchangePredicate } from './filter.ts'
import { applyBatch, indexOfRow, rebuildVisible, type ById } from './traffic-index.ts'
import { contentKeyOf } from './search-slice.ts'

export interface TrafficSlice {
  readonly ids: readonly string[]
  /** Mutated in place per batch; select `byId.get(id)` (summaries themselves are immutable). */
  readonly byId: ById
  readonly visibleIds: readonly string[]
  /** Bumps on every traffic change. */
  readonly trafficRevision: number
  readonly filterText: string
  readonly predicate: ExchangePredicate
  readonly sort: SortSpec
  readonly comparator: Comparator
  readonly selectedId: string | undefined
  readonly detailOpen: boolean
  /** Exchanges numbered up to this are gone from this window (cleared); later events about them are ignored. */
  readonly clearedThrough: number
  /**
   * Whether the table follows the newest rows. Stops when a row is selected or the user scrolls up, so the
   * selection never runs away; `followStoppedAt` is how many rows were visible then ("N new — jump to latest").
   */
  readonly following: boolean
  readonly followStoppedAt: number
  /** Applies one `exchanges` event: new ids are appended, known ids are updates. */
  ingest(batch: readonly ExchangeSummary[]): void
  /** Replaces all traffic (a fresh snapshot after (re)connecting). */
  replaceTraffic(exchanges: readonly ExchangeSummary[]): void
  clearTraffic(): void
  /** Forgets the exchanges numbered up to `seq` (a clear of everything up to then); newer ones stay. */
  dropThrough(seq: number): void
  setFollowing(following: boolean): void
  setFilter(text: string): void
  setSort(sort: SortSpec): void
  /** Header click: sort by the column, or flip its direction. */
  toggleSort(column: ColumnId): void
  select(id: string | undefined): void
  /** Moves the selection by `delta` visible rows (clamped); from nothing, down starts at the top. */
  moveSelection(delta: number): void
  selectEdge(edge: 'first' | 'last'): void
  openDetail(id?: string): void
  closeDetail(): void
}

export const createTrafficSlice: StateCreator<AppState, [], [], TrafficSlice> = (set, get) => ({
  ids: [],
  byId: new Map(),
  visibleIds: [],
  trafficRevision: 0,
  filterText: '',
  predicate: matchAll,
  sort: DEFAULT_SORT,
  comparator: comparatorFor(DEFAULT_SORT),
  selectedId: undefined,
  detailOpen: false,
  clearedThrough: 0,
  following: true,
  followStoppedAt: 0,

  ingest(incoming) {
    const s = get()
    const batch = s.clearedThrough > 0 ? afterSeq(incoming, s.clearedThrough) : incoming
    if (batch.length === 0) return
    const result = applyBatch(s, s.byId, batch, s.predicate, s.comparator, s.settings.maxExchanges)
    for (const e of result.finished) s.latency.add(e)
    const lostSelection = s.selectedId !== undefined && result.evicted.length > 0 && !s.byId.has(s.selectedId)
    set({
      ids: result.ids,
      visibleIds: result.visibleIds,
      trafficRevision: s.trafficRevision + 1,
      ...(result.finished.length > 0 ? { latencyRevision: s.latencyRevision + 1 } : {}),
      ...(lostSelection ? { selectedId: undefined, detailOpen: false } : {}),
    })
    if (s.contentKey !== '') s.contentChanged()
  },

  replaceTraffic(all) {
    const s = get()
    const exchanges = s.clearedThrough > 0 ? afterSeq(all, s.clearedThrough) : all
    s.latency.clear()
    const byId: ById = new Map()
    const result = applyBatch(
      { ids: [], visibleIds: [] },
      byId,
      exchanges,
      s.predicate,
      s.comparator,
      s.settings.maxExchanges,
    )
    for (const e of result.finished) s.latency.add(e)
    const keep = s.selectedId !== undefined && byId.has(s.selectedId)
    set({
      byId,
      ids: result.ids,
      visibleIds: result.visibleIds,
      trafficRevision: s.trafficRevision + 1,
      latencyRevision: s.latencyRevision + 1,
      ...(keep ? {} : { selectedId: undefined, detailOpen: false }),
    })
  },

  clearTraffic() {
    const s = get()
    s.latency.clear()
    set({
      ids: [],
      byId: new Map(),
      visibleIds: [],
      trafficRevision: s.trafficRevision + 1,
      latencyRevision: s.latencyRevision + 1,
      selectedId: undefined,
      detailOpen: false,
      following: true,
      followStoppedAt: 0,
    })
  },

  dropThrough(seq) {
    const s = get()
    const keep = s.ids.filter((id) => (s.byId.get(id)?.seq ?? 0) > seq)
    if (keep.length === s.ids.length) return
    const byId: ById = new Map()
    const kept: ExchangeSummary[] = []
    for (const id of keep) {
      const e = s.byId.get(id)!
      byId.set(id, e)
      kept.push(e)
    }
    s.latency.clear()
    for (const e of kept) if (e.outcome.kind !== 'pending') s.latency.add(e)
    const keepSelection = s.selectedId !== undefined && byId.has(s.selectedId)
    set({
      byId,
      ids: keep,
      visibleIds: s.visibleIds.filter((id) => byId.has(id)),
      trafficRevision: s.trafficRevision + 1,
      latencyRevision: s.latencyRevision + 1,
      following: true,
      followStoppedAt: 0,
      ...(keepSelection ? {} : { selectedId: undefined, detailOpen: false }),
    })
  },

  setFollowing(following) {
    const s = get()
    if (following !== s.following) set({ following, followStoppedAt: following ? 0 : s.visibleIds.length })
  },

  setFilter(text) {
    const s = get()
    if (text === s.filterText) return
    // header: and body: terms are searched in main: matches already found still apply if those terms did not change.
    const key = contentKeyOf(text)
    const known = key !== '' && key === s.contentKey ? s.contentMatches : undefined
    const predicate = parseFilter(text, known)
    set({
      filterText: text,
      predicate,
      visibleIds: rebuildVisible(s.ids, s.byId, predicate, s.comparator),
      ...(known ? {} : { contentKey: '', contentMatches: undefined }),
    })
    if (key !== s.contentKey || key === '') get().searchContent()
  },

  setSort(sort) {
    const s = get()
    const comparator = comparatorFor(sort)
    set({ sort, comparator, visibleIds: rebuildVisible(s.ids, s.byId, s.predicate, comparator) })
  },

  toggleSort(column) {
    get().setSort(nextSort(get().sort, column))
  },

  select(id) {
    set({ selectedId: id })
    if (id !== undefined) get().setFollowing(false)
  },

  moveSelection(delta) {
    const s = get()
    const list = s.visibleIds
    if (list.length === 0) return
    const current = s.selectedId === undefined ? undefined : s.byId.get(s.selectedId)
    const at = current === undefined ? -1 : indexOfRow(list, current, s.comparator, s.byId)
    const from = at >= 0 ? at : delta > 0 ? -1 : list.length
    const to = Math.max(0, Math.min(list.length - 1, from + delta))
    get().select(list[to])
  },

  selectEdge(edge) {
    const list = get().visibleIds
    get().select(edge === 'first' ? list[0] : list[list.length - 1])
  },

  openDetail(id) {
    const selectedId = id ?? get().selectedId
    if (selectedId !== undefined) {
      set({ selectedId, detailOpen: true })
      get().setFollowing(false)
    }
  },

  closeDetail() {
    set({ detailOpen: false })
  },
})

/** The summaries numbered above `seq` (most batches: all of them, returned as they are). */
function afterSeq(batch: readonly ExchangeSummary[], seq: number): readonly ExchangeSummary[] {
  for (let i = 0; i < batch.length; i++) if (batch[i]!.seq <= seq) return batch.filter((e) => e.seq > seq)
  return batch
}
