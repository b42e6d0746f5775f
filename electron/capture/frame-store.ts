/**
 * Websocket frames per exchange, kept with bounds like bodies: at most MAX_FRAMES_PER_EXCHANGE records per
 * exchange (payload bytes are already capped by the observer), for at most MAX_EXCHANGES_WITH_FRAMES
 * exchanges (oldest forgotten first). New frames are coalesced and flushed to listeners every
 * FRAME_FLUSH_MS, so a chatty socket never floods the UI.
 */
import type { WebsocketFrame } from '../../shared/exchange.ts'

export const MAX_FRAMES_PER_EXCHANGE = 2000
export const MAX_EXCHANGES_WITH_FRAMES = 500
export const FRAME_FLUSH_MS = 50

export type FrameBatchListener = (exchangeId: string, frames: WebsocketFrame[]) => void

export class FrameStore {
  readonly #frames = new Map<string, { frames: WebsocketFrame[]; dropped: number }>()
  readonly #pending = new Map<string, WebsocketFrame[]>()
  readonly #listeners = new Set<FrameBatchListener>()
  #timer: NodeJS.Timeout | undefined

  add(exchangeId: string, frame: WebsocketFrame): void {
    let entry = this.#frames.get(exchangeId)
    if (!entry) {
      entry = { frames: [], dropped: 0 }
      this.#frames.set(exchangeId, entry)
      if (this.#frames.size > MAX_EXCHANGES_WITH_FRAMES) this.#frames.delete(this.#frames.keys().next().value!)
    }
    if (entry.frames.length >= MAX_FRAMES_PER_EXCHANGE) {
      entry.dropped++
      return
    }
    entry.frames.push(frame)
    if (this.#listeners.size === 0) return
    const pending = this.#pending.get(exchangeId)
    if (pending) pending.push(frame)
    else this.#pending.set(exchangeId, [frame])
    this.#timer ??= setTimeout(() => this.flush(), FRAME_FLUSH_MS)
  }

  frames(exchangeId: string): { frames: readonly WebsocketFrame[]; dropped: number } | undefined {
    return this.#frames.get(exchangeId)
  }

  onFrames(listener: FrameBatchListener): () => void {
    this.#listeners.add(listener)
    return () => {
      this.#listeners.delete(listener)
    }
  }

  flush(): void {
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = undefined
    const pending = [...this.#pending]
    this.#pending.clear()
    for (const [id, frames] of pending) {
      for (const listener of this.#listeners) {
        try {
          listener(id, frames)
        } catch {
          /* one broken window never stops the others */
        }
      }
    }
  }

  clear(): void {
    this.#frames.clear()
    this.#pending.clear()
  }

  /** Forgets the frames of exchanges `keep` says no to. */
  retain(keep: (exchangeId: string) => boolean): void {
    for (const id of [...this.#frames.keys()]) if (!keep(id)) this.#frames.delete(id)
    for (const id of [...this.#pending.keys()]) if (!keep(id)) this.#pending.delete(id)
  }
}
