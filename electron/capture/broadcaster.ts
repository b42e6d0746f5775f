/**
 * Streams exchange summaries to subscribers in batches (HTTP Toolkit's event queue): one message per batch, not per
 * exchange, keeps a busy proxy from flooding the window; bodies are asked for by id only when shown.
 *
 * `push` only appends a record and its seq to two arrays (and does nothing at all with no subscribers); delivery
 * happens later, on a timer or, once FLUSH_MAX_ITEMS are pending, on the next turn of the event loop, never on the
 * request path. The summaries are made then, from the records, and dropped once sent: made at push time, each
 * would wait up to FLUSH_INTERVAL_MS, outlive young-generation collections and be copied into the old generation,
 * which then has to be collected too.
 * Each subscriber gets a snapshot when it subscribes and then every later push exactly once, in order: pushes
 * are numbered, and a subscriber only receives those numbered after its snapshot was taken.
 */
import type { ExchangeSummary } from '../../shared/exchange.ts'
import type { CapturedExchange } from './captured-exchange.ts'
import { summarise, type ExchangeStore } from './exchange-store.ts'
import { PendingRecord } from './pending-record.ts'

/** Longest a pending summary waits before it is sent. */
export const FLUSH_INTERVAL_MS = 50
/** Most summaries in one batch; reaching it flushes straight away. */
export const FLUSH_MAX_ITEMS = 500

/** Stands in the queue for a record cleared before it was sent. */
const dropped = Object.freeze({}) as CapturedExchange

export interface Subscriber {
  /** Receives a batch. It may throw; the error goes to `onError` and other subscribers are unaffected. */
  deliver(batch: ExchangeSummary[]): void
  /**
   * True while this subscriber cannot keep up (a full socket, a busy window). Batches are then skipped, and
   * when it reports false again it is sent what it missed that is still in the store, in seq order, once.
   */
  backedUp?(): boolean
}

export interface Subscription {
  /** Everything in the store when subscribing, in seq order. */
  readonly snapshot: ExchangeSummary[]
  unsubscribe(): void
}

export interface BroadcasterOptions {
  readonly intervalMs?: number
  readonly maxItems?: number
  readonly onError?: (error: unknown) => void
}

interface Subscribed {
  readonly subscriber: Subscriber
  /** Pushes numbered above this are live for this subscriber; the rest were in its snapshot. */
  readonly afterPush: number
  /** The highest seq it has been given. */
  lastSeq: number
  /** Set while it is backed up: ids of already-sent exchanges that were updated meanwhile. */
  missed: Set<string> | undefined
}

export class Broadcaster {
  private readonly subscribed = new Set<Subscribed>()
  /** Records pushed and not yet sent, with their seqs beside them. */
  private pending: CapturedExchange[] = []
  private pendingSeqs: number[] = []
  /** How many records have ever been queued; `pending[i]` is push number `pushes - pending.length + i + 1`. */
  private pushes = 0
  private timer: ReturnType<typeof setTimeout> | undefined
  private immediate: ReturnType<typeof setImmediate> | undefined
  private readonly intervalMs: number
  private readonly maxItems: number
  private readonly flushNow = (): void => this.flush()

  constructor(
    private readonly store: ExchangeStore,
    private readonly options: BroadcasterOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? FLUSH_INTERVAL_MS
    this.maxItems = options.maxItems ?? FLUSH_MAX_ITEMS
  }

  get subscriberCount(): number {
    return this.subscribed.size
  }

  /** Summaries queued and not yet sent. */
  get pendingCount(): number {
    return this.pending.length
  }

  /** Queues a record the store has just taken (new or updated) under its seq. Free when nobody is subscribed. */
  push(record: CapturedExchange, seq: number): void {
    if (this.subscribed.size === 0) return
    this.pending.push(record)
    this.pendingSeqs.push(seq)
    this.pushes++
    if (this.pending.length >= this.maxItems) this.schedule(true)
    else this.schedule(false)
  }

  /**
   * Takes a snapshot of the store and starts live delivery after it. Beware: the store must already hold
   * everything pushed so far (push after put), or the snapshot and the live stream would not join up.
   */
  subscribe(subscriber: Subscriber): Subscription {
    const snapshot = this.store.summaries()
    const entry: Subscribed = { subscriber, afterPush: this.pushes, lastSeq: this.store.latestSeq, missed: undefined }
    this.subscribed.add(entry)
    return {
      snapshot,
      unsubscribe: () => {
        this.subscribed.delete(entry)
        if (this.subscribed.size === 0) this.dropPending()
      },
    }
  }

  /**
   * Drops what is pending (after the store was cleared) and what backed-up subscribers were owed; with
   * `upToSeq`, only what is numbered up to it (the store kept the rest).
   */
  clear(upToSeq?: number): void {
    if (upToSeq === undefined) {
      this.pending = []
      this.pendingSeqs = []
      for (const s of this.subscribed) s.missed?.clear()
      return
    }
    // Kept in the queue with their push numbers (so subscribers' joins stay right), marked to be skipped.
    // Stryker disable next-line EqualityOperator: one step past the end reads an undefined seq, which is never <= upToSeq
    for (let i = 0; i < this.pending.length; i++) if (this.pendingSeqs[i]! <= upToSeq) this.pending[i] = dropped
  }

  /** Stops the timers; pending summaries are dropped. */
  close(): void {
    this.subscribed.clear()
    this.dropPending()
  }

  /** Sends what is pending now (normally the timer does this). */
  flush(): void {
    this.cancelTimers()
    const records = this.pending
    const seqs = this.pendingSeqs
    const firstPush = this.pushes - records.length + 1
    this.pending = []
    this.pendingSeqs = []
    const batch: ExchangeSummary[] = []
    // Each summary's push number, only once a record was skipped (until then it is firstPush + index).
    let pushNumbers: number[] | undefined
    for (let i = 0; i < records.length; i++) {
      const record = records[i]!
      // A pending record whose completed one is queued behind it, or one cleared meanwhile, is not sent.
      if (record === dropped || (record instanceof PendingRecord && record.superseded)) {
        pushNumbers ??= Array.from({ length: batch.length }, (_, j) => firstPush + j)
        continue
      }
      batch.push(summarise(record, seqs[i]!))
      pushNumbers?.push(firstPush + i)
    }
    const firstLiveFor = (s: Subscribed): number => {
      if (!pushNumbers) return Math.max(0, s.afterPush - firstPush + 1)
      let j = 0
      // Stryker disable next-line EqualityOperator: one step past the end reads undefined, which is never <= afterPush
      while (j < pushNumbers.length && pushNumbers[j]! <= s.afterPush) j++
      return j
    }
    let resyncing = false
    for (const s of this.subscribed) {
      const from = firstLiveFor(s)
      if (s.missed) {
        // This batch's updates to exchanges it had are owed too, whether it catches up now or later.
        this.noteMissed(s, batch, from)
        if (!this.isBackedUp(s)) this.catchUp(s)
        resyncing ||= s.missed !== undefined
        continue
      }
      if (from >= batch.length) continue
      if (this.isBackedUp(s)) {
        s.missed = new Set()
        this.noteMissed(s, batch, from)
        resyncing = true
        continue
      }
      // Stryker disable next-line ConditionalExpression: slice(0) is a copy of the same summaries; skipping it only saves the copy
      this.send(s, from === 0 ? batch : batch.slice(from))
    }
    if (resyncing) this.schedule(false)
  }

  private noteMissed(s: Subscribed, batch: readonly ExchangeSummary[], from: number): void {
    for (let i = from; i < batch.length; i++) {
      const summary = batch[i]!
      if (summary.seq <= s.lastSeq) s.missed!.add(summary.id)
    }
  }

  /** What it missed: updates to exchanges it already had, then everything newer, as the store holds them now. */
  private catchUp(s: Subscribed): void {
    const updated: ExchangeSummary[] = []
    for (const id of s.missed!) {
      const summary = this.store.get(id)
      if (summary) updated.push(summary)
    }
    updated.sort((a, b) => a.seq - b.seq)
    s.missed = undefined
    const all = updated.concat(this.store.summariesAfter(s.lastSeq))
    // Stryker disable next-line ConditionalExpression,EqualityOperator: sending nothing delivers no batch anyway
    if (all.length > 0) this.send(s, all)
  }

  private send(s: Subscribed, items: ExchangeSummary[]): void {
    for (let at = 0; at < items.length; at += this.maxItems) {
      // Stryker disable next-line EqualityOperator: a batch of exactly maxItems sliced is a copy of the same summaries
      const batch = items.length <= this.maxItems ? items : items.slice(at, at + this.maxItems)
      for (const summary of batch) if (summary.seq > s.lastSeq) s.lastSeq = summary.seq
      try {
        s.subscriber.deliver(batch)
      } catch (error) {
        this.options.onError?.(error)
      }
    }
  }

  private isBackedUp(s: Subscribed): boolean {
    try {
      return s.subscriber.backedUp?.() ?? false
    } catch {
      return false
    }
  }

  private schedule(soon: boolean): void {
    if (this.immediate) return
    if (soon) {
      if (this.timer) clearTimeout(this.timer)
      this.timer = undefined
      this.immediate = setImmediate(this.flushNow)
    } else if (!this.timer) {
      this.timer = setTimeout(this.flushNow, this.intervalMs)
    }
  }

  private cancelTimers(): void {
    if (this.timer) clearTimeout(this.timer)
    if (this.immediate) clearImmediate(this.immediate)
    this.timer = undefined
    this.immediate = undefined
  }

  private dropPending(): void {
    this.pending = []
    this.pendingSeqs = []
    this.cancelTimers()
  }
}
