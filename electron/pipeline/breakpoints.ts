/**
 * The paused exchanges of every breakpoint block, in one place the host owns: the contract lists them and
 * resolves them (continue with edits, abort, respond), and every change is told to `onChange` so each window
 * updates live. A block without a host (a test rig, `nanoscope run`) gets a registry of its own, where every
 * pause simply times out.
 *
 * Beware: each pause holds a client's request open. Every pause has a timer (it continues unchanged when
 * nobody answers), and `releaseAll` continues everything, so nothing waits forever.
 */
import { randomBytes } from 'node:crypto'
import type { Clock } from '../core/clock.ts'
import { systemClock } from '../core/clock.ts'
import type { PausedEdits, PausedExchange } from '../../shared/exchange.ts'

/** How a pause ends. `timedOut` continues unchanged; `released` too (the host is closing). */
export type Resolution =
  | { readonly kind: 'continue'; readonly edits?: PausedEdits; readonly why?: 'timed out' | 'released' }
  | { readonly kind: 'abort' }
  | {
      readonly kind: 'respond'
      readonly status: number
      readonly reason?: string
      readonly headers: ReadonlyArray<readonly [string, string]>
      readonly body: Buffer
    }

/** What a block tells the registry when it pauses (everything but the id, the time and the deadline). */
export type PauseRequest = Omit<PausedExchange, 'id' | 'pausedAt' | 'timeoutAt' | 'clientGone'> & {
  readonly timeoutMs: number
  /** Aborts when the client goes away: the pause is marked, and stays until someone resolves it or it times out. */
  readonly signal?: AbortSignal | undefined
}

interface Entry {
  info: PausedExchange
  readonly resolve: (r: Resolution) => void
  readonly timer: NodeJS.Timeout
  readonly stopWatching: () => void
}

function withoutBodies(p: PausedExchange): PausedExchange {
  const { requestBody: _request, responseBody: _response, ...rest } = p
  return rest
}

const ID_PREFIX = randomBytes(3).toString('hex')

export class Breakpoints {
  readonly #entries = new Map<string, Entry>()
  readonly #listeners = new Set<(paused: readonly PausedExchange[]) => void>()
  #counter = 0

  constructor(private readonly clock: Clock = systemClock) {}

  /** Holds an exchange until it is resolved, it times out, or the registry is released. Never rejects. */
  pause(request: PauseRequest): Promise<Resolution> {
    const { timeoutMs, signal, ...info } = request
    const id = `p${ID_PREFIX}-${(++this.#counter).toString(36)}`
    const pausedAt = this.clock.now()
    return new Promise<Resolution>((resolve) => {
      const timer = setTimeout(() => this.resolve(id, { kind: 'continue', why: 'timed out' }), timeoutMs)
      timer.unref?.()
      const gone = (): void => {
        const entry = this.#entries.get(id)
        if (!entry) return
        entry.info = { ...entry.info, clientGone: true }
        this.changed()
      }
      signal?.addEventListener('abort', gone, { once: true })
      this.#entries.set(id, {
        info: { ...info, id, pausedAt, timeoutAt: pausedAt + timeoutMs, clientGone: signal?.aborted === true },
        resolve,
        timer,
        stopWatching: () => signal?.removeEventListener('abort', gone),
      })
      this.changed()
    })
  }

  /** Every pause without its bodies (which may be megabytes each): what lists and events carry. */
  list(): PausedExchange[] {
    return [...this.#entries.values()].map((e) => withoutBodies(e.info))
  }

  /** One pause with its bodies, for the editor. */
  get(id: string): PausedExchange | undefined {
    return this.#entries.get(id)?.info
  }

  /** Ends one pause. False when it is no longer paused (resolved elsewhere, or timed out). */
  resolve(id: string, resolution: Resolution): boolean {
    const entry = this.#entries.get(id)
    if (!entry) return false
    this.#entries.delete(id)
    clearTimeout(entry.timer)
    entry.stopWatching()
    entry.resolve(resolution)
    this.changed()
    return true
  }

  /** Continues every pause unchanged (the host or the last window is closing), or those `which` picks. Returns how many. */
  releaseAll(which: (p: PausedExchange) => boolean = () => true): number {
    const ids = [...this.#entries].filter(([, e]) => which(e.info)).map(([id]) => id)
    for (const id of ids) this.resolve(id, { kind: 'continue', why: 'released' })
    return ids.length
  }

  /** Calls `listener` with the whole list after every change. Returns the way to stop. */
  onChange(listener: (paused: readonly PausedExchange[]) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  private changed(): void {
    if (this.#listeners.size === 0) return
    const list = this.list()
    for (const l of this.#listeners) {
      try {
        l(list)
      } catch {
        /* a listener's failure must not hold a request */
      }
    }
  }
}
