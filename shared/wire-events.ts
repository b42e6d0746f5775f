/**
 * How events travel as JSON over `serve`'s WebSocket. Every event goes as its payload, except exchange batches,
 * which go as rows: the summary field names once per batch, then one array of values per summary, `null` where
 * a summary has no such field (no summary field is ever null). A batch of 500 is then about half the bytes, and
 * half the work to encode and to parse, of 500 objects repeating every key. The receiving transport turns rows
 * back into summaries, so nothing past the transport knows. (Electron's IPC carries payloads as they are.)
 */
import type { EventName, Events } from './contract.ts'
import type { ExchangeSummary } from './exchange.ts'

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
      s.url,
      s.host,
      s.path,
      s.httpVersion,
      s.status ?? null,
      s.reason ?? null,
      s.contentType ?? null,
      s.requestSize ?? null,
      s.responseSize ?? null,
      s.timings,
      s.durationMs ?? null,
      s.outcome,
      s.tags,
      s.note ?? null,
    ]
  }
  return { fields: SUMMARY_FIELDS, rows }
}

/** Summaries from rows, by the field names the rows came with; a null leaves its field out. */
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
    out[i] = summary as unknown as ExchangeSummary
  }
  return out
}
