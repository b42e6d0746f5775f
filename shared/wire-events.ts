/**
 * How events travel as JSON over `serve`'s WebSocket. Every event goes as its payload, except exchange batches,
 * which go as rows: the summary field names once per batch, then one array of values per summary, `null` where
 * a summary has no such field (no summary field is ever null). A batch of 500 is then about half the bytes, and
 * half the work to encode and to parse, of 500 objects repeating every key. Three columns are packed further,
 * as most rows have them (`rowValue`): the url is `null` where it is what the host and path make (origin-form, the
 * usual case, where it would repeat the path), the timings are an array of the three marks (`null` for one not
 * reached) instead of an object repeating its keys, and a `pending` or `completed` outcome is its kind alone. A
 * third fewer bytes again, to encode, send and parse. The receiving transport turns rows back into summaries, so
 * nothing past the transport knows; it reads the unpacked forms too. (Electron's IPC carries payloads as they are.)
 */
import type { EventName, Events } from './contract.ts'
import type { ExchangeSummary, Timings } from './exchange.ts'

/** Every field of a summary, in the order rows hold them. */
export const SUMMARY_FIELDS = [
  'id',
  'seq',
  'listenerId',
  'startedAt',
  'method',
  'url',
  'host',
  'path',
  'httpVersion',
  'status',
  'reason',
  'contentType',
  'requestSize',
  'responseSize',
  'timings',
  'durationMs',
  'outcome',
  'tags',
  'note',
] as const satisfies ReadonlyArray<keyof ExchangeSummary>

// A summary field missing from SUMMARY_FIELDS would be dropped on the wire: this fails to compile if one is.
const everyFieldListed: Exclude<keyof ExchangeSummary, (typeof SUMMARY_FIELDS)[number]> extends never ? true : never =
  true
void everyFieldListed

/** An exchange batch as rows. */
export interface SummaryRows {
  readonly fields: readonly string[]
  readonly rows: ReadonlyArray<readonly unknown[]>
}

/** The payload to send for an event. */
export function eventToWire<K extends EventName>(name: K, payload: Events[K]): unknown {
  return name === 'exchanges' ? { rows: summaryRows((payload as Events['exchanges']).exchanges) } : payload
}

/** The event's payload from what came over the wire (rows become summaries again). */
export function eventFromWire(name: EventName, wire: unknown): unknown {
  if (name !== 'exchanges') return wire
  const rows = (wire as { rows?: SummaryRows } | null)?.rows
  return rows ? { exchanges: summariesFromRows(rows) } : wire
}

export function summaryRows(summaries: readonly ExchangeSummary[]): SummaryRows {
  const rows = new Array<unknown[]>(summaries.length)
  for (let i = 0; i < summaries.length; i++) {
    const s = summaries[i]!
    rows[i] = [
      s.id,
      s.seq,
      s.listenerId,
      s.startedAt,
      s.method,
      isUrlOf(s.url, s.host, s.path) ? null : s.url,
      s.host,
      s.path,
      s.httpVersion,
      s.status ?? null,
      s.reason ?? null,
      s.contentType ?? null,
      s.requestSize ?? null,
      s.responseSize ?? null,
      timingsRow(s.timings),
      s.durationMs ?? null,
      s.outcome.kind === 'pending' || s.outcome.kind === 'completed' ? s.outcome.kind : s.outcome,
      s.tags,
      s.note ?? null,
    ]
  }
  return { fields: SUMMARY_FIELDS, rows }
}

/**
 * Summaries from rows, by the field names the rows came with; a null leaves its field out, except the url, which
 * is then the host's and path's, and packed timings and outcomes are unpacked (their object forms read as they are).
 */
export function summariesFromRows(packed: SummaryRows): ExchangeSummary[] {
  const { fields, rows } = packed
  const out = new Array<ExchangeSummary>(rows.length)
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!
    const summary: Record<string, unknown> = {}
    for (let f = 0; f < fields.length; f++) {
      const value = row[f]
      if (value !== null && value !== undefined) summary[fields[f]!] = value
    }
    if (summary.url === undefined && typeof summary.host === 'string' && typeof summary.path === 'string')
      summary.url = urlOf(summary.host, summary.path)
    if (Array.isArray(summary.timings)) summary.timings = timingsFromRow(summary.timings)
    if (typeof summary.outcome === 'string') summary.outcome = { kind: summary.outcome }
    out[i] = summary as unknown as ExchangeSummary
  }
  return out
}

/** The url an origin-form request's host and path make (as `locateTarget` makes it on capture). */
function urlOf(host: string, path: string): string {
  return host === '' ? path : `http://${host}${path}`
}

/** Whether `url` is what `urlOf` makes of the host and path, compared in place (no url made per row). */
function isUrlOf(url: string, host: string, path: string): boolean {
  if (host === '') return url === path
  return (
    url.length === 7 + host.length + path.length &&
    url.startsWith('http://') &&
    url.startsWith(host, 7) &&
    url.endsWith(path)
  )
}

/** The timing marks as `[requestBodyDone, responseHeaders, responseDone]`, `null` for one not reached. */
function timingsRow(t: Timings): readonly (number | null)[] {
  return [t.requestBodyDone ?? null, t.responseHeaders ?? null, t.responseDone ?? null]
}

function timingsFromRow(row: readonly unknown[]): Timings {
  const t: { -readonly [K in keyof Timings]: number } = {}
  if (typeof row[0] === 'number') t.requestBodyDone = row[0]
  if (typeof row[1] === 'number') t.responseHeaders = row[1]
  if (typeof row[2] === 'number') t.responseDone = row[2]
  return t
}
