/**
 * The link to main: connection state, the snapshot on every (re)connect, events, listeners, capture state,
 * settings, and commands with their errors shown as dismissible notices.
 */
import type { StateCreator } from 'zustand/vanilla'
import type { ArgsOf, CommandName, ResultOf, Snapshot, Transport } from '../../../shared/contract.ts'
import { DEFAULT_SETTINGS, type ExchangeSummary, type ListenerInfo, type Settings } from '../../../shared/exchange.ts'
import { hasConnection, type ConnectionState } from '../transport/connection.ts'
import type { AppState } from './app-store.ts'

export interface Notice {
  readonly id: number
  readonly message: string
}

export interface SessionSlice {
  readonly connection: ConnectionState
  /** True once a snapshot arrived on the current connection. */
  readonly synced: boolean
  readonly listeners: readonly ListenerInfo[]
  readonly capturing: boolean
  readonly settings: Settings
  readonly notices: readonly Notice[]
  /** Wires events and connection changes to the store; returns the function that unwires them. */
  start(): () => void
  /** Sends a command; rejects with the server's message. */
  command<K extends CommandName>(name: K, args: ArgsOf<K>): Promise<ResultOf<K>>
  /** Sends a command; on failure shows a notice and resolves undefined. */
  run<K extends CommandName>(name: K, args: ArgsOf<K>): Promise<ResultOf<K> | undefined>
  applySnapshot(snapshot: Snapshot): void
  /**
   * Fetches the recording and chaos state of proxies (all of them after a snapshot, since events may have been
   * missed while disconnected; only new ones on a `listeners` event) and forgets listeners that stopped.
   */
  syncListenerState(listeners: readonly ListenerInfo[], all: boolean): void
  notify(message: string): void
  dismissNotice(id: number): void
  reconnect(): void
  setCapturing(on: boolean): Promise<void>
  /**
   * Empties the table at once and tells main to forget those exchanges only once the undo has lapsed
   * (`undoClearMs`); traffic arriving meanwhile stays. `pendingClear` says how many went, for the Undo bar.
   */
  clearAll(): Promise<void>
  /** Brings the cleared exchanges back (main still has them), while the undo bar shows. */
  undoClear(): void
  readonly pendingClear: PendingClear | undefined
}

export interface PendingClear {
  readonly count: number
  /** The highest seq cleared. */
  readonly through: number
  /** `clearedThrough` before this clear, restored by undo. */
  readonly before: number
}

/** How long "N exchanges cleared — Undo" is offered before main is told to forget them. */
export const UNDO_CLEAR_MS = 6000

export interface StoreOptions {
  /**
   * Coalesces `exchanges` events: called with a flush function when the first event of a burst arrives; the
   * events queued by then are applied in one `set`. Without it every event is applied at once.
   */
  readonly scheduleFlush?: (flush: () => void) => void
  /** How long a clear can be undone (tests shorten it). */
  readonly undoClearMs?: number
}

export const createSessionSlice =
  (transport: Transport, options: StoreOptions = {}): StateCreator<AppState, [], [], SessionSlice> =>
  (set, get) => {
    let nextNotice = 1
    let generation = 0
    let queued: ExchangeSummary[][] = []
    let clearTimer: ReturnType<typeof setTimeout> | undefined

    /** Tells main to forget what the pending clear covers; the undo is over. */
    const commitClear = (): void => {
      clearTimeout(clearTimer)
      clearTimer = undefined
      const pendingClear = get().pendingClear
      if (!pendingClear) return
      set({ pendingClear: undefined })
      void get().run('clear', { upToSeq: pendingClear.through })
    }

    const flush = (): void => {
      if (queued.length === 0) return
      const batch = queued.length === 1 ? queued[0]! : queued.flat()
      queued = []
      get().ingest(batch)
    }

    const receive = (exchanges: ExchangeSummary[]): void => {
      if (!options.scheduleFlush) {
        get().ingest(exchanges)
        return
      }
      queued.push(exchanges)
      if (queued.length === 1) options.scheduleFlush(flush)
    }

    const resync = async (): Promise<void> => {
      const mine = ++generation
      try {
        const snapshot = await transport.invoke('subscribe', {})
        if (mine === generation) {
          get().applySnapshot(snapshot)
          get().applyPaused(snapshot.paused ?? [])
        }
      } catch (error) {
        if (mine === generation) get().notify(`Could not load the traffic: ${messageOf(error)}`)
      }
    }

    return {
      connection: hasConnection(transport) ? { status: 'connecting', attempt: 1 } : { status: 'open' },
      synced: false,
      listeners: [],
      capturing: true,
      settings: DEFAULT_SETTINGS,
      notices: [],
      pendingClear: undefined,

      start() {
        const offs = [
          transport.on('exchanges', (p) => receive(p.exchanges)),
          transport.on('listeners', (p) => {
            set({ listeners: p.listeners })
            get().syncListenerState(p.listeners, false)
          }),
          transport.on('capture', (p) => set({ capturing: p.capturing })),
          transport.on('cleared', ({ upToSeq }) => {
            if (upToSeq === undefined) {
              queued = []
              clearTimeout(clearTimer)
              set({ pendingClear: undefined })
              get().clearTraffic()
              return
            }
            flush()
            set({ clearedThrough: Math.max(get().clearedThrough, upToSeq) })
            get().dropThrough(upToSeq)
          }),
          transport.on('settings', (settings) => set({ settings })),
          get().listenRecording(),
          get().listenChaos(),
          get().listenFrames(),
          get().listenBreakpoints(),
        ]
        if (typeof window !== 'undefined') {
          // A window closed during the undo still clears what the user cleared.
          window.addEventListener('pagehide', commitClear)
          offs.push(() => window.removeEventListener('pagehide', commitClear))
        }
        if (hasConnection(transport)) {
          offs.push(
            transport.onConnection((connection) => {
              set({ connection, ...(connection.status === 'open' ? {} : { synced: false }) })
              if (connection.status === 'open') void resync()
              else generation++
            }),
          )
        } else {
          void resync()
        }
        return () => {
          for (const off of offs) off()
        }
      },

      command(name, args) {
        return transport.invoke(name, args)
      },

      async run(name, args) {
        try {
          return await transport.invoke(name, args)
        } catch (error) {
          get().notify(messageOf(error))
          return undefined
        }
      },

      applySnapshot(snapshot) {
        queued = []
        // Exchanges the window cleared that main still has, with no undo pending: the clear never reached this
        // host (it failed, or main restarted and numbers from 1 again), so the window shows what main holds.
        const through = get().clearedThrough
        if (through > 0 && !get().pendingClear && snapshot.exchanges.some((e) => e.seq <= through))
          set({ clearedThrough: 0 })
        set({ listeners: snapshot.listeners, capturing: snapshot.capturing, settings: snapshot.settings, synced: true })
        get().replaceTraffic(snapshot.exchanges)
        get().syncListenerState(snapshot.listeners, true)
        if (get().sessionsLoad !== 'idle') void get().loadSessions()
      },

      syncListenerState(listeners, all) {
        void get().refreshRecordings(listeners, all)
        void get().refreshChaos(listeners, all)
      },

      notify(message) {
        const notices = [...get().notices, { id: nextNotice++, message }]
        set({ notices: notices.slice(-5) })
      },

      dismissNotice(id) {
        set({ notices: get().notices.filter((n) => n.id !== id) })
      },

      reconnect() {
        if (hasConnection(transport)) transport.reconnect()
      },

      async setCapturing(on) {
        const result = await get().run(on ? 'resumeCapture' : 'pauseCapture', {})
        if (result) set({ capturing: result.capturing })
      },

      async clearAll() {
        flush()
        const s = get()
        let through = 0
        for (const e of s.byId.values()) if (e.seq > through) through = e.seq
        if (through === 0) return
        const earlier = s.pendingClear
        clearTimeout(clearTimer)
        set({
          clearedThrough: through,
          pendingClear: {
            count: s.ids.length + (earlier?.count ?? 0),
            through,
            before: earlier?.before ?? s.clearedThrough,
          },
        })
        get().dropThrough(through)
        clearTimer = setTimeout(commitClear, options.undoClearMs ?? UNDO_CLEAR_MS)
      },

      undoClear() {
        const pendingClear = get().pendingClear
        if (!pendingClear) return
        clearTimeout(clearTimer)
        clearTimer = undefined
        set({ pendingClear: undefined, clearedThrough: pendingClear.before })
        void resync()
      },
    }
  }

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
