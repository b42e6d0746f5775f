/**
 * The captured exchanges, bounded by count and by total stored body bytes, oldest evicted first.
 *
 * Entries live in a `Map` keyed by id, and in a FIFO array (`order`, read from `head`), so evicting the oldest is
 * O(1) amortised. (Not "the Map's first key": V8 leaves deleted Map slots as holes until it rehashes, so taking
 * the first key after many front deletions scans the holes, and 400k inserts at a 100k bound took seconds.) An
 * update (a tunnel's close) changes the entry in place, keeping its seq and place in `order`, so seq order and
 * `order` are the same.
 *
 * A summary is made each time one is asked for (by `upsert`, `get`, `summaries`) and not kept: it is sent and
 * dropped, so a stored exchange costs its record and one entry, watched or not. `put` stores a record without
 * making a summary at all, for when nobody is subscribed.
 */
import { DEFAULT_SETTINGS, type BodyData, type ExchangeDetail, type ExchangeSummary, type Settings } from '../../shared/exchange.ts'
import type { CapturedExchange, StoredBody } from './captured-exchange.ts'

export type StoreBounds = Pick<Settings, 'maxExchanges' | 'maxTotalBodyBytes'>

/** One stored exchange (a class, so every entry has one shape). */
class Entry {
  constructor(public record: CapturedExchange, readonly seq: number, public bodyBytes: number) {}
}

export class ExchangeStore {
  private readonly entries = new Map<string, Entry>()
  private order: (Entry | undefined)[] = []
  private head = 0
  private bounds: StoreBounds
  private bodyBytes = 0
  private lastSeq = 0

  constructor(bounds: Partial<StoreBounds> = {}) {
    this.bounds = {
      maxExchanges: bounds.maxExchanges ?? DEFAULT_SETTINGS.maxExchanges,
      maxTotalBodyBytes: bounds.maxTotalBodyBytes ?? DEFAULT_SETTINGS.maxTotalBodyBytes,
    }
  }

  get size(): number {
    return this.entries.size
  }

  /** Bytes of body kept across every stored exchange (capped bodies, not real sizes). */
  get totalBodyBytes(): number {
    return this.bodyBytes
  }

  /** The highest seq handed out so far (0 before the first exchange). Seqs keep rising across `clear()`. */
  get latestSeq(): number {
    return this.lastSeq
  }

  /**
   * Stores a record, or replaces the one with the same id (keeping its seq and place), then evicts the oldest
   * until both bounds hold. Returns the stored summary. Beware: a record whose bodies alone exceed
   * `maxTotalBodyBytes` is kept without its body bytes (sizes stay, marked truncated), so it is never evicted
   * by its own insertion.
   */
  upsert(record: CapturedExchange): ExchangeSummary {
    return summaryOf(this.enter(record))
  }

  /** As `upsert`, without making the summary now (for when nobody is waiting for it). */
  put(record: CapturedExchange): void {
    this.enter(record)
  }

  private enter(record: CapturedExchange): Entry {
    let kept = record
    let bytes = bodyBytesOf(record)
    if (bytes > this.bounds.maxTotalBodyBytes) {
      kept = withBodies(record, emptied(record.requestBody), emptied(record.responseBody))
      bytes = 0
    }
    let entry = this.entries.get(record.id)
    if (entry) {
      this.bodyBytes += bytes - entry.bodyBytes
      entry.record = kept
      entry.bodyBytes = bytes
    } else {
      entry = new Entry(kept, ++this.lastSeq, bytes)
      this.entries.set(record.id, entry)
      this.order.push(entry)
      this.bodyBytes += bytes
    }
    this.evict()
    return entry
  }

  get(id: string): ExchangeSummary | undefined {
    const entry = this.entries.get(id)
    return entry && summaryOf(entry)
  }

  /** Whether an exchange with this id is stored. */
  has(id: string): boolean {
    return this.entries.has(id)
  }

  /** The exchange with headers and bodies (base64), or null when it is unknown, cleared or evicted. */
  detail(id: string): ExchangeDetail | null {
    const entry = this.entries.get(id)
    if (!entry) return null
    const record = entry.record
    const summary = summaryOf(entry)
    return {
      ...summary,
      target: record.target,
      requestHeaders: record.requestHeaders,
      responseHeaders: record.responseHeaders,
      requestBody: bodyData(record.requestBody),
      responseBody: bodyData(record.responseBody),
      ...(record.tunnel ? { tunnel: { ...record.tunnel } } : {}),
    }
  }

  /** Every stored summary, in seq order. */
  summaries(): ExchangeSummary[] {
    return this.summariesAfter(0)
  }

  /** Stored summaries with a seq above `seq`, in seq order (a binary search, then one step per result). */
  summariesAfter(seq: number): ExchangeSummary[] {
    const out: ExchangeSummary[] = []
    if (seq >= this.lastSeq) return out
    let lo = this.head
    let hi = this.order.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.seqAt(mid) > seq) hi = mid
      else lo = mid + 1
    }
    for (let i = lo; i < this.order.length; i++) out.push(summaryOf(this.order[i]!))
    return out
  }

  private seqAt(index: number): number {
    return this.order[index]!.seq
  }

  /** Forgets everything; returns how many exchanges were dropped. */
  clear(): number {
    const dropped = this.entries.size
    this.entries.clear()
    this.order = []
    this.head = 0
    this.bodyBytes = 0
    return dropped
  }

  /** Changes the bounds (other settings are ignored), evicting the oldest straight away if they shrank. */
  updateSettings(settings: Partial<Settings>): void {
    const { maxExchanges, maxTotalBodyBytes } = settings
    this.bounds = { ...this.bounds, ...definedOnly({ maxExchanges, maxTotalBodyBytes }) }
    this.evict()
  }

  private evict(): void {
    const { maxExchanges, maxTotalBodyBytes } = this.bounds
    while (this.entries.size > maxExchanges || this.bodyBytes > maxTotalBodyBytes) {
      const entry = this.order[this.head]
      if (entry === undefined) break
      this.order[this.head++] = undefined
      this.entries.delete(entry.record.id)
      this.bodyBytes -= entry.bodyBytes
    }
    if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head)
      this.head = 0
    }
  }
}

/** What the traffic table shows: no headers, no bodies. Optional fields are assigned, not spread (one object). */
export function summarise(record: CapturedExchange, seq: number): ExchangeSummary {
  const summary: Mutable<ExchangeSummary> = {
    id: record.id,
    seq,
    listenerId: record.listenerId,
    startedAt: record.startedAt,
    method: record.method,
    url: record.url,
    host: record.host,
    path: record.path,
    httpVersion: record.httpVersion,
  } as Mutable<ExchangeSummary>
  if (record.status !== undefined) summary.status = record.status
  if (record.reason !== undefined) summary.reason = record.reason
  if (record.contentType !== undefined) summary.contentType = record.contentType
  if (record.requestSize !== undefined) summary.requestSize = record.requestSize
  if (record.responseSize !== undefined) summary.responseSize = record.responseSize
  summary.timings = record.timings
  if (record.durationMs !== undefined) summary.durationMs = record.durationMs
  summary.outcome = record.outcome
  summary.tags = record.tags
  if (record.note !== undefined) summary.note = record.note
  return summary
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

function summaryOf(entry: Entry): ExchangeSummary {
  return summarise(entry.record, entry.seq)
}

/** A copy of a record with other bodies; a record whose fields are worked out on its prototype keeps that prototype. */
function withBodies(record: CapturedExchange, requestBody: StoredBody | null, responseBody: StoredBody | null): CapturedExchange {
  const copy = Object.assign(Object.create(Object.getPrototypeOf(record) as object) as CapturedExchange, record)
  // Defined, not assigned: on a record whose bodies are getters, these shadow them.
  return Object.defineProperties(copy, {
    requestBody: { value: requestBody, enumerable: true },
    responseBody: { value: responseBody, enumerable: true },
  })
}

function bodyBytesOf(record: CapturedExchange): number {
  return (record.requestBody?.bytes.byteLength ?? 0) + (record.responseBody?.bytes.byteLength ?? 0)
}

function emptied(body: StoredBody | null): StoredBody | null {
  return body && body.bytes.byteLength > 0 ? { bytes: new Uint8Array(0), size: body.size, truncated: true } : body
}

function bodyData(body: StoredBody | null): BodyData | null {
  if (!body) return null
  const { bytes } = body
  return {
    base64: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
    size: body.size,
    truncated: body.truncated,
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}
