/**
 * What the host talks to: the exchange store, the broadcaster, the capture switch and the settings, behind one object
 * that is also the capture filter's sink (IPC is just another sink, so the window adds no work to the request path).
 */
import type { Filter } from '../core/http.ts'
import type { Clock } from '../core/clock.ts'
import { searchExchanges, type SearchResult } from './exchange-search.ts'
import {
  DEFAULT_SETTINGS,
  type ContentSearchTerm,
  type ExchangeDetail,
  type ExchangeSummary,
  type Settings,
} from '../../shared/exchange.ts'
import { Broadcaster, type BroadcasterOptions, type Subscriber, type Subscription } from './broadcaster.ts'
import { captureTo } from './capture-filter.ts'
import type { CapturedExchange, CaptureSink } from './captured-exchange.ts'
import { ExchangeStore } from './exchange-store.ts'
import { FrameStore } from './frame-store.ts'
import type { WebsocketFrame } from '../../shared/exchange.ts'

export class CaptureHub implements CaptureSink {
  readonly store: ExchangeStore
  readonly broadcaster: Broadcaster
  readonly frames = new FrameStore()
  private current: Settings
  private isCapturing = true
  private readonly clearedListeners = new Set<(upToSeq: number | undefined) => void>()
  private readonly settingsListeners = new Set<(settings: Settings) => void>()
  private readonly capturingListeners = new Set<(capturing: boolean) => void>()

  constructor(settings: Partial<Settings> = {}, options: BroadcasterOptions = {}) {
    this.current = Object.freeze({ ...DEFAULT_SETTINGS, ...knownSettings(settings) })
    this.store = new ExchangeStore(this.current)
    this.broadcaster = new Broadcaster(this.store, options)
  }

  /**
   * Stores a pending record for an exchange whose request head was just read, and queues its summary: the
   * window shows a request in flight at once, and its completion later updates the same row.
   */
  exchangeStarted(record: CapturedExchange): void {
    const seq = this.store.put(record)
    this.broadcaster.push(record, seq)
  }

  /**
   * Stores the record (new, or an update by id) and queues its summary for subscribers. A record that updates
   * an earlier one (`started`, or a tunnel's close carrying `tunnel` stats) whose exchange was cleared or evicted
   * meanwhile is dropped, rather than bringing the exchange back as a new one after the user cleared it.
   */
  exchangeCompleted(record: CapturedExchange, started = false): void {
    // Summaries are made when a batch is sent (or when first asked for), not here on the request path.
    const seq = started || record.tunnel ? this.store.replace(record) : this.store.put(record)
    if (seq !== undefined) this.broadcaster.push(record, seq)
  }

  websocketFrame(exchangeId: string, frame: WebsocketFrame): void {
    this.frames.add(exchangeId, frame)
  }

  /** The capture filter for one listener, reading the body cap and the capture switch from this hub. */
  captureFilter(listenerId: string, clock: Clock): Filter {
    return captureTo(this, {
      listenerId,
      clock,
      bodyCap: () => this.current.bodyCapBytes,
      enabled: () => this.isCapturing,
    })
  }

  /** A snapshot of the store, then live batches with no gap and no duplicate. */
  subscribe(subscriber: Subscriber): Subscription {
    return this.broadcaster.subscribe(subscriber)
  }

  /** The Traffic filter's header and body terms, over what is stored now (see exchange-search.ts). */
  search(terms: readonly ContentSearchTerm[]): Promise<SearchResult> {
    return searchExchanges(this.store.storedRecords(), terms)
  }

  summaries(): ExchangeSummary[] {
    return this.store.summaries()
  }

  detail(id: string): ExchangeDetail | null {
    const detail = this.store.detail(id)
    const frames = detail && this.frames.frames(id)
    return detail && frames ? { ...detail, frames: [...frames.frames], framesDropped: frames.dropped } : detail
  }

  /**
   * Forgets every exchange (and any batch not yet sent), or with `upToSeq` only those numbered up to it (the
   * window's clear, committed once its undo has lapsed, so traffic since stays), then tells the `onCleared`
   * listeners.
   */
  clear(upToSeq?: number): number {
    if (upToSeq === undefined || upToSeq >= this.store.latestSeq) {
      this.broadcaster.clear()
      this.frames.clear()
      const cleared = this.store.clear()
      notify(this.clearedListeners, undefined)
      return cleared
    }
    this.broadcaster.clear(upToSeq)
    const cleared = this.store.clearThrough(upToSeq)
    this.frames.retain((id) => this.store.has(id))
    notify(this.clearedListeners, upToSeq)
    return cleared
  }

  get settings(): Settings {
    return this.current
  }

  /**
   * Applies the given settings, evicting at once if bounds shrank. Undefined fields, and fields that are not
   * settings (a payload from a window may carry anything), are ignored.
   */
  updateSettings(changes: Partial<Settings>): Settings {
    this.current = Object.freeze({ ...this.current, ...knownSettings(changes) })
    this.store.updateSettings(this.current)
    notify(this.settingsListeners, this.current)
    return this.current
  }

  get capturing(): boolean {
    return this.isCapturing
  }

  /** Stops recording new exchanges; ones already in flight still complete (and tunnels still report closing). */
  pause(): void {
    this.setCapturing(false)
  }

  resume(): void {
    this.setCapturing(true)
  }

  /** `upToSeq` is undefined when everything was cleared. */
  onCleared(listener: (upToSeq: number | undefined) => void): () => void {
    return listen(this.clearedListeners, listener)
  }

  onSettings(listener: (settings: Settings) => void): () => void {
    return listen(this.settingsListeners, listener)
  }

  onCapturing(listener: (capturing: boolean) => void): () => void {
    return listen(this.capturingListeners, listener)
  }

  /** Stops the broadcaster's timers. */
  close(): void {
    this.broadcaster.close()
  }

  private setCapturing(capturing: boolean): void {
    if (this.isCapturing === capturing) return
    this.isCapturing = capturing
    notify(this.capturingListeners, capturing)
  }
}

function listen<T>(listeners: Set<T>, listener: T): () => void {
  listeners.add(listener)
  return () => {
    listeners.delete(listener)
  }
}

function notify<A>(listeners: ReadonlySet<(arg: A) => void>, arg: A): void {
  for (const listener of listeners) {
    try {
      listener(arg)
    } catch {
      // One listener's failure must not stop the others.
    }
  }
}

/** Only the fields `Settings` has, and only those that are defined. */
function knownSettings(o: Partial<Settings>): Partial<Settings> {
  const known: Partial<Record<keyof Settings, number>> = {}
  for (const key of Object.keys(DEFAULT_SETTINGS) as Array<keyof Settings>) {
    const value = o[key]
    if (value !== undefined) known[key] = value
  }
  return known
}
