/**
 * The captured exchanges, bounded by count and by total stored body bytes, oldest evicted first.
 *
 * Records live in one `Map` keyed by id. A Map iterates in insertion order and keeps an entry's position when
 * it is set again, so the oldest is always first (evicting it is O(1) amortised) and an update (a tunnel's
 * close) keeps its place and its `seq`. Seq order and insertion order are therefore the same.
 */
import { DEFAULT_SETTINGS, type BodyData, type ExchangeDetail, type ExchangeSummary, type Settings } from '../../shared/exchange.ts'
import type { CapturedExchange, StoredBody } from './captured-exchange.ts'

export type StoreBounds = Pick<Settings, 'maxExchanges' | 'maxTotalBodyBytes'>

interface Entry {
  readonly record: CapturedExchange
  readonly summary: ExchangeSummary
  readonly bodyBytes: number
}

export class ExchangeStore {
  private readonly entries = new Map<string, Entry>()
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
    const previous = this.entries.get(record.id)
    if (previous) this.bodyBytes -= previous.bodyBytes
    let kept = record
    let bytes = bodyBytesOf(record)
    if (bytes > this.bounds.maxTotalBodyBytes) {
      kept = { ...record, requestBody: emptied(record.requestBody), responseBody: emptied(record.responseBody) }
      bytes = 0
    }
    const summary = summarise(kept, previous ? previous.summary.seq : ++this.lastSeq)
    this.entries.set(record.id, { record: kept, summary, bodyBytes: bytes })
    this.bodyBytes += bytes
    this.evict()
    return summary
  }

  get(id: string): ExchangeSummary | undefined {
    return this.entries.get(id)?.summary
  }

  /** The exchange with headers and bodies (base64), or null when it is unknown, cleared or evicted. */
  detail(id: string): ExchangeDetail | null {
    const entry = this.entries.get(id)
    if (!entry) return null
    const { record, summary } = entry
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
    const out: ExchangeSummary[] = new Array(this.entries.size)
    let i = 0
    for (const entry of this.entries.values()) out[i++] = entry.summary
    return out
  }

  /** Stored summaries with a seq above `seq`, in seq order. O(n) in the worst case: for catching up, not per exchange. */
  summariesAfter(seq: number): ExchangeSummary[] {
    const out: ExchangeSummary[] = []
    if (seq >= this.lastSeq) return out
    for (const entry of this.entries.values()) if (entry.summary.seq > seq) out.push(entry.summary)
    return out
  }

  /** Forgets everything; returns how many exchanges were dropped. */
  clear(): number {
    const dropped = this.entries.size
    this.entries.clear()
    this.bodyBytes = 0
    return dropped
  }

  /** Changes the bounds, evicting the oldest straight away if they shrank. */
  updateBounds(bounds: Partial<StoreBounds>): void {
    this.bounds = { ...this.bounds, ...definedOnly(bounds) }
    this.evict()
  }

  private evict(): void {
    const { maxExchanges, maxTotalBodyBytes } = this.bounds
    if (this.entries.size <= maxExchanges && this.bodyBytes <= maxTotalBodyBytes) return
    for (const [id, entry] of this.entries) {
      if (this.entries.size <= maxExchanges && this.bodyBytes <= maxTotalBodyBytes) break
      this.entries.delete(id)
      this.bodyBytes -= entry.bodyBytes
    }
  }
}

/** What the traffic table shows: no headers, no bodies. */
export function summarise(record: CapturedExchange, seq: number): ExchangeSummary {
  return {
    id: record.id,
    seq,
    listenerId: record.listenerId,
    startedAt: record.startedAt,
    method: record.method,
    url: record.url,
    host: record.host,
    path: record.path,
    httpVersion: record.httpVersion,
    ...(record.status !== undefined ? { status: record.status } : {}),
    ...(record.reason !== undefined ? { reason: record.reason } : {}),
    ...(record.contentType !== undefined ? { contentType: record.contentType } : {}),
    ...(record.requestSize !== undefined ? { requestSize: record.requestSize } : {}),
    ...(record.responseSize !== undefined ? { responseSize: record.responseSize } : {}),
    timings: record.timings,
    ...(record.durationMs !== undefined ? { durationMs: record.durationMs } : {}),
    outcome: record.outcome,
    tags: record.tags,
    ...(record.note !== undefined ? { note: record.note } : {}),
  }
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
