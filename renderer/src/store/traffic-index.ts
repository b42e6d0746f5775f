/**
 * Pure bookkeeping for the traffic table: apply a batch of summaries to the normalised traffic and keep the
 * filtered, sorted list of visible ids up to date without re-sorting 100,000 rows per batch.
 *
 * `visibleIds` is always sorted by the comparator over the current `byId` values. Small batches move rows by
 * binary search; large batches (or a new filter or sort) rebuild the list.
 *
 * Beware: `byId` is a Map mutated in place (copying 100,000 entries per batch would cost more than the
 * batch); every change also produces new `ids`/`visibleIds` arrays and summaries are immutable, so
 * selectors still see new references.
 */
import type { ExchangeSummary } from '../../../shared/exchange.ts'
import type { Comparator } from './columns.ts'
import type { ExchangePredicate } from './filter.ts'

export type ById = Map<string, ExchangeSummary>

export interface TrafficIndex {
  readonly ids: readonly string[]
  readonly visibleIds: readonly string[]
}

export interface BatchResult extends TrafficIndex {
  /** Ids dropped to stay under the cap. */
  readonly evicted: readonly string[]
  /** Summaries that became finished in this batch (for latency aggregation). */
  readonly finished: readonly ExchangeSummary[]
}

/**
 * Rows beyond the cap are dropped in chunks (2% of the cap), so a full table at 5,000 exchanges/s evicts a
 * few times a second rather than on every batch. The table may briefly hold cap + slack rows.
 */
export function evictionSlack(cap: number): number {
  return Math.floor(cap / 50)
}

/** Above this many changes, and above 1/8 of the visible rows, a batch rebuilds instead of moving rows. */
const REBUILD_THRESHOLD = 512

/** First index whose row sorts at or after `target`. */
export function lowerBound(list: readonly string[], target: ExchangeSummary, cmp: Comparator, byId: ById): number {
  let lo = 0
  let hi = list.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    const row = byId.get(list[mid]!)
    if (row !== undefined && cmp(row, target) < 0) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** Where `row` (with the values it was sorted by) sits in `list`, or -1. */
export function indexOfRow(list: readonly string[], row: ExchangeSummary, cmp: Comparator, byId: ById): number {
  const i = lowerBound(list, row, cmp, byId)
  if (list[i] === row.id) return i
  return list.indexOf(row.id)
}

export function rebuildVisible(
  ids: readonly string[],
  byId: ById,
  predicate: ExchangePredicate,
  cmp: Comparator,
): string[] {
  const rows: ExchangeSummary[] = []
  for (const id of ids) {
    const row = byId.get(id)
    if (row !== undefined && predicate(row)) rows.push(row)
  }
  rows.sort(cmp)
  return rows.map((r) => r.id)
}

export function applyBatch(
  prev: TrafficIndex,
  byId: ById,
  batch: readonly ExchangeSummary[],
  predicate: ExchangePredicate,
  cmp: Comparator,
  cap: number,
): BatchResult {
  const added: string[] = []
  const finished: ExchangeSummary[] = []
  const rebuild = batch.length > REBUILD_THRESHOLD && batch.length > prev.visibleIds.length / 8
  const visible = rebuild ? [] : prev.visibleIds.slice()
  for (const row of batch) {
    const old = byId.get(row.id)
    if (row.outcome.kind !== 'pending' && (old === undefined || old.outcome.kind === 'pending')) finished.push(row)
    if (old === undefined) {
      byId.set(row.id, row)
      added.push(row.id)
      if (!rebuild && predicate(row)) insertSorted(visible, row, cmp, byId)
      continue
    }
    if (rebuild) {
      byId.set(row.id, row)
      continue
    }
    const at = predicate(old) ? indexOfRow(visible, old, cmp, byId) : -1
    byId.set(row.id, row)
    const show = predicate(row)
    if (at >= 0 && show && staysPut(visible, at, row, cmp, byId)) continue
    if (at >= 0) visible.splice(at, 1)
    if (show) insertSorted(visible, row, cmp, byId)
  }
  let ids: readonly string[] = added.length > 0 ? prev.ids.concat(added) : prev.ids
  let evicted: string[] = []
  if (ids.length > cap + evictionSlack(cap)) {
    evicted = ids.slice(0, ids.length - cap)
    ids = ids.slice(ids.length - cap)
    for (const id of evicted) byId.delete(id)
  }
  if (rebuild) return { ids, visibleIds: rebuildVisible(ids, byId, predicate, cmp), evicted, finished }
  const gone = evicted.length > 0 ? new Set(evicted) : undefined
  return { ids, visibleIds: gone ? visible.filter((id) => !gone.has(id)) : visible, evicted, finished }
}

function insertSorted(list: string[], row: ExchangeSummary, cmp: Comparator, byId: ById): void {
  const last = list.length > 0 ? byId.get(list[list.length - 1]!) : undefined
  if (last === undefined || cmp(last, row) < 0) {
    list.push(row.id)
    return
  }
  list.splice(lowerBound(list, row, cmp, byId), 0, row.id)
}

function staysPut(list: readonly string[], at: number, row: ExchangeSummary, cmp: Comparator, byId: ById): boolean {
  const before = at > 0 ? byId.get(list[at - 1]!) : undefined
  const after = at < list.length - 1 ? byId.get(list[at + 1]!) : undefined
  return (before === undefined || cmp(before, row) < 0) && (after === undefined || cmp(row, after) < 0)
}
