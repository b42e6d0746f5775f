/**
 * The traffic table's columns and how each sorts. Every comparator breaks ties by `seq`, so the order is
 * total: the store relies on that to find and move rows by binary search.
 */
import type { ExchangeSummary } from '../../../shared/exchange.ts'
import { ruleText } from '../lib/rules.ts'

export type ColumnId =
  | 'seq'
  | 'time'
  | 'method'
  | 'host'
  | 'path'
  | 'status'
  | 'type'
  | 'size'
  | 'duration'
  | 'protocol'
  | 'scheme'
  | 'sent'
  | 'mime'
  | 'waterfall'
  | 'rule'

export interface ColumnDef {
  readonly id: ColumnId
  readonly label: string
  /** The width it gets when there is room (set by the user by dragging). */
  readonly width: number
  /** The narrowest it gets when the table is short of room (a narrow window, the detail pane open). */
  readonly min: number
  readonly align: 'start' | 'end'
  /** The column that takes the spare width; its width is its minimum. */
  readonly flexible?: boolean
  /** Shown while the detail pane sits beside the table (DevTools keeps only the name then; we keep what says what happened). */
  readonly besideDetail?: boolean
}

export const COLUMNS: readonly ColumnDef[] = [
  { id: 'seq', label: '#', width: 72, min: 44, align: 'end', besideDetail: true }, // seven digits: seq keeps counting past the 100,000 kept
  { id: 'time', label: 'Time', width: 104, min: 64, align: 'start' },
  { id: 'method', label: 'Method', width: 72, min: 56, align: 'start', besideDetail: true },
  { id: 'host', label: 'Host', width: 150, min: 72, align: 'start', besideDetail: true },
  { id: 'path', label: 'Path', width: 160, min: 120, align: 'start', flexible: true, besideDetail: true },
  { id: 'status', label: 'Status', width: 76, min: 52, align: 'end', besideDetail: true },
  { id: 'type', label: 'Type', width: 84, min: 44, align: 'start' },
  { id: 'size', label: 'Size', width: 76, min: 52, align: 'end' },
  { id: 'duration', label: 'Duration', width: 96, min: 76, align: 'end', besideDetail: true },
  // Offered in the Columns menu, hidden at first (the Waterfall's rescaling costs the streaming table a third more main-thread time):
  { id: 'protocol', label: 'Protocol', width: 80, min: 60, align: 'start' },
  { id: 'scheme', label: 'Scheme', width: 68, min: 48, align: 'start' },
  { id: 'sent', label: 'Sent', width: 72, min: 52, align: 'end' },
  { id: 'mime', label: 'Content type', width: 180, min: 80, align: 'start' },
  { id: 'waterfall', label: 'Waterfall', width: 160, min: 80, align: 'start' },
  { id: 'rule', label: 'Rule', width: 110, min: 60, align: 'start' }, // what a pipeline block did: "mocked · api"
]

/** Columns the table starts without (the Columns menu adds them). */
export const HIDDEN_AT_FIRST: readonly ColumnId[] = ['protocol', 'scheme', 'sent', 'mime', 'waterfall']

/** The scheme of an exchange's URL: http, https, ws, wss. */
export function schemeOf(url: string): string {
  const colon = url.indexOf('://')
  return colon > 0 ? url.slice(0, colon).toLowerCase() : ''
}

export const MIN_COLUMN_WIDTH = 36

export interface SortSpec {
  readonly column: ColumnId
  readonly direction: 'asc' | 'desc'
}

export const DEFAULT_SORT: SortSpec = { column: 'seq', direction: 'asc' }

type Key = (e: ExchangeSummary) => string | number | undefined

const KEYS: Record<ColumnId, Key> = {
  seq: (e) => e.seq,
  time: (e) => e.startedAt,
  method: (e) => e.method,
  host: (e) => e.host,
  path: (e) => e.path,
  status: (e) => e.status,
  type: (e) => e.contentType,
  size: (e) => e.responseSize,
  duration: (e) => e.durationMs,
  rule: (e) => ruleText(e) || undefined,
  protocol: (e) => e.httpVersion,
  scheme: (e) => schemeOf(e.url),
  sent: (e) => e.requestSize,
  mime: (e) => e.contentType,
  waterfall: (e) => e.startedAt,
}

export type Comparator = (a: ExchangeSummary, b: ExchangeSummary) => number

/** Missing values sort last in both directions; ties fall back to `seq` ascending. */
export function comparatorFor(sort: SortSpec): Comparator {
  const key = KEYS[sort.column]
  const dir = sort.direction === 'asc' ? 1 : -1
  return function compareExchanges(a, b) {
    const ka = key(a)
    const kb = key(b)
    if (ka !== kb) {
      if (ka === undefined) return 1
      if (kb === undefined) return -1
      if (ka < kb) return -dir
      if (ka > kb) return dir
    }
    return a.seq - b.seq
  }
}

/** Clicking a header: a new column sorts ascending, the same column flips. */
export function nextSort(current: SortSpec, column: ColumnId): SortSpec {
  if (current.column !== column) return { column, direction: 'asc' }
  return { column, direction: current.direction === 'asc' ? 'desc' : 'asc' }
}
