/**
 * The captured exchanges, bounded by count (oldest evicted first) and by total stored body bytes: over the byte
 * bound, the oldest exchanges' bodies are dropped first (the exchange stays, its bodies marked dropped, sizes kept),
 * so the table keeps its rows and the newest bodies stay viewable. Dropping moves a second cursor (`bodyHead`)
 * through the same FIFO: everything before it has no body bytes.
 *
 * Records sit in a FIFO array (`records`, read from `head`) with their kept body bytes beside them (`bytes`), and
 * a `Map` from id to seq finds them: seqs are handed out one by one as records arrive and the oldest go first, so
 * a record's place in the arrays is its seq less the seq of the array's first slot (`firstSeq`). Evicting the
 * oldest is O(1) amortised (not "the Map's first key": V8 leaves deleted Map slots as holes until it rehashes, so
 * taking the first key after many front deletions scans the holes, and 400k inserts at a 100k bound took
 * seconds). An update (a tunnel's close) replaces the record in place, keeping its seq and place. Nothing is
 * allocated per record beyond the Map's slot: no entry object.
 *
 * A summary is made each time one is asked for (by `upsert`, `get`, `summaries`) and not kept: it is sent and
 * dropped, so a stored exchange costs its record and one slot, watched or not. `put` stores a record without
 * making a summary at all (the broadcaster makes one when it sends the batch).
 */
import {
  DEFAULT_SETTINGS,
  type BodyData,
  type ExchangeDetail,
  type ExchangeSummary,
  type Settings,
} from '../../shared/exchange.ts'
import type { CapturedExchange, Mutable, StoredBody } from './captured-exchange.ts'

export type StoreBounds = Pick<Settings, 'maxExchanges' | 'maxTotalBodyBytes'>

export class ExchangeStore {
  /** Id to seq. */
  private readonly seqs = new Map<string, number>()
  /** Records in seq order from `head`; slots before `head` are evicted (undefined). */
  private records: (CapturedExchange | undefined)[] = []
  /** Each record's kept body bytes, beside it. */
  private bytes: number[] = []
  private head = 0
  /** Slots before this one keep no body bytes (dropped, or never had any); always at least `head`. */
  private bodyHead = 0
  /** The seq of the record in slot 0. */
  private firstSeq = 1
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
    return this.seqs.size
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
   * past `maxExchanges` and drops the oldest bodies past `maxTotalBodyBytes`. Returns the stored summary. A record
   * whose bodies alone exceed `maxTotalBodyBytes` is kept without its body bytes (sizes stay, marked dropped), and
   * so is a replacement for one whose bodies were already dropped.
   */
  upsert(record: CapturedExchange): ExchangeSummary {
    // From the record given, not the slot: a store bounded to nothing has already evicted it again.
    return summarise(record, this.enter(record))
  }

  /** As `upsert`, without making the summary: returns the record's seq. */
  put(record: CapturedExchange): number {
    return this.enter(record)
  }

  /** Replaces the stored record with the same id and returns its seq; undefined (storing nothing) when there is none. */
  replace(record: CapturedExchange): number | undefined {
    return this.seqs.has(record.id) ? this.enter(record) : undefined
  }

  /** Stores the record and returns its seq. */
  private enter(record: CapturedExchange): number {
    let kept = record
    let bytes = bodyBytesOf(record)
    let seq = this.seqs.get(record.id)
    if (
      bytes > 0 &&
      (bytes > this.bounds.maxTotalBodyBytes || (seq !== undefined && seq - this.firstSeq < this.bodyHead))
    ) {
      kept = withoutBodies(record)
      bytes = 0
    }
    if (seq !== undefined) {
      const slot = seq - this.firstSeq
      this.bodyBytes += bytes - this.bytes[slot]!
      this.records[slot] = kept
      this.bytes[slot] = bytes
    } else {
      seq = ++this.lastSeq
      this.seqs.set(record.id, seq)
      this.records.push(kept)
      this.bytes.push(bytes)
      this.bodyBytes += bytes
    }
    this.evict()
    return seq
  }

  get(id: string): ExchangeSummary | undefined {
    const seq = this.seqs.get(id)
    return seq === undefined ? undefined : summarise(this.records[seq - this.firstSeq]!, seq)
  }

  /** Whether an exchange with this id is stored. */
  has(id: string): boolean {
    return this.seqs.has(id)
  }

  /** The exchange with headers and bodies (base64), or null when it is unknown, cleared or evicted. */
  detail(id: string): ExchangeDetail | null {
    const seq = this.seqs.get(id)
    if (seq === undefined) return null
    const record = this.records[seq - this.firstSeq]!
    const summary = summarise(record, seq)
    return {
      ...summary,
      target: record.target,
      requestHeaders: record.requestHeaders,
      responseHeaders: record.responseHeaders,
      requestBody: bodyData(record.requestBody),
      responseBody: bodyData(record.responseBody),
      ...(record.requestPseudoHeaders ? { requestPseudoHeaders: record.requestPseudoHeaders } : {}),
      ...(record.requestTrailers ? { requestTrailers: record.requestTrailers } : {}),
      ...(record.responseTrailers ? { responseTrailers: record.responseTrailers } : {}),
      ...(record.tunnel ? { tunnel: { ...record.tunnel } } : {}),
    }
  }

  /** Every stored summary, in seq order. */
  summaries(): ExchangeSummary[] {
    return this.summariesAfter(0)
  }

  /** Stored summaries with a seq above `seq`, in seq order (straight to the slot after it, then one step per result). */
  summariesAfter(seq: number): ExchangeSummary[] {
    const out: ExchangeSummary[] = []
    const records = this.records
    for (let i = Math.max(this.head, seq + 1 - this.firstSeq); i < records.length; i++)
      out.push(summarise(records[i]!, this.firstSeq + i))
    return out
  }

  /** The stored records, oldest first: a copy of the list, so it stays put while the store changes. */
  storedRecords(): CapturedExchange[] {
    return this.records.slice(this.head) as CapturedExchange[]
  }

  /** Forgets everything; returns how many exchanges were dropped. */
  clear(): number {
    const dropped = this.seqs.size
    this.seqs.clear()
    this.records = []
    this.bytes = []
    this.head = 0
    this.bodyHead = 0
    this.firstSeq = this.lastSeq + 1
    this.bodyBytes = 0
    return dropped
  }

  /** Forgets the exchanges numbered up to `seq` (the oldest ones); returns how many were dropped. */
  clearThrough(seq: number): number {
    if (seq >= this.lastSeq) return this.clear()
    const { records, bytes, seqs } = this
    const end = Math.min(records.length, seq + 1 - this.firstSeq)
    let dropped = 0
    for (; this.head < end; this.head++) {
      const record = records[this.head]
      if (record === undefined) continue
      records[this.head] = undefined
      seqs.delete(record.id)
      this.bodyBytes -= bytes[this.head]!
      dropped++
    }
    this.evict()
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
    const { records, bytes, seqs } = this
    while (seqs.size > maxExchanges) {
      const record = records[this.head]
      if (record === undefined) break
      records[this.head] = undefined
      seqs.delete(record.id)
      this.bodyBytes -= bytes[this.head++]!
    }
    if (this.bodyHead < this.head) this.bodyHead = this.head
    // Over the byte bound: drop the oldest bodies, keeping their exchanges.
    // Stryker disable next-line ConditionalExpression: with every body dropped the count is 0, never over a bound, which is 0 or more
    while (this.bodyBytes > maxTotalBodyBytes && this.bodyHead < records.length) {
      const slot = this.bodyHead++
      const held = bytes[slot]!
      if (held === 0) continue
      records[slot] = withoutBodies(records[slot]!)
      bytes[slot] = 0
      this.bodyBytes -= held
    }
    // Stryker disable next-line ConditionalExpression: when to compact the arrays is a matter of cost; seqs and slots read the same either way
    if (this.head > 1024 && this.head * 2 > records.length) {
      this.records = records.slice(this.head)
      this.bytes = bytes.slice(this.head)
      this.firstSeq += this.head
      this.bodyHead -= this.head
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

/**
 * A record without its body bytes: an `ExchangeRecord` drops them in place (`dropBodies`, keeping its shape); any
 * other record becomes a copy with them dropped.
 */
function withoutBodies(record: CapturedExchange): CapturedExchange {
  const own = (record as { dropBodies?: () => boolean }).dropBodies
  if (typeof own === 'function') {
    own.call(record)
    return record
  }
  return withBodies(record, dropped(record.requestBody), dropped(record.responseBody))
}

/** A copy of a record with other bodies; a record whose fields are worked out on its prototype keeps that prototype. */
function withBodies(
  record: CapturedExchange,
  requestBody: StoredBody | null,
  responseBody: StoredBody | null,
): CapturedExchange {
  const copy = Object.assign(Object.create(Object.getPrototypeOf(record) as object) as CapturedExchange, record)
  // Defined, not assigned: on a record whose bodies are getters, these shadow them.
  return Object.defineProperties(copy, {
    requestBody: { value: requestBody, enumerable: true },
    responseBody: { value: responseBody, enumerable: true },
  })
}

function bodyBytesOf(record: CapturedExchange): number {
  return (
    record.keptBodyBytes ?? (record.requestBody?.bytes.byteLength ?? 0) + (record.responseBody?.bytes.byteLength ?? 0)
  )
}

function dropped(body: StoredBody | null): StoredBody | null {
  return body && body.bytes.byteLength > 0
    ? {
        bytes: new Uint8Array(0),
        size: body.size,
        truncated: true,
        // Stryker disable next-line ConditionalExpression: a missing count set to undefined reads as absent everywhere a body is read (`bodyData`)
        ...(body.missing !== undefined ? { missing: body.missing } : {}),
        dropped: true,
      }
    : body
}

function bodyData(body: StoredBody | null): BodyData | null {
  if (!body) return null
  const { bytes } = body
  return {
    base64: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
    size: body.size,
    truncated: body.truncated,
    ...(body.missing !== undefined ? { missing: body.missing } : {}),
    ...(body.dropped ? { dropped: true } : {}),
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}
