/**
 * The Clock pane's demo: `startClockDemo` starts (or reuses) the websocket clock behind a capturing reverse
 * proxy, then this window opens a WebSocket to it, so its frames show in Traffic like any other exchange.
 * The socket lives here rather than in the pane, so it stays open while you look at other views.
 */
import type { StateCreator } from 'zustand/vanilla'
import type { Transport } from '../../../shared/contract.ts'
import type { AppState } from './app-store.ts'
import { messageOf } from './session-slice.ts'

/** Ticks kept for the pane's list of recent frames. */
export const TICK_CAP = 50

/** What the slice needs of a browser WebSocket. */
export interface ClockSocket {
  onopen: ((ev: unknown) => void) | null
  onmessage: ((ev: { data: unknown }) => void) | null
  onclose: ((ev: { code: number; reason: string }) => void) | null
  onerror: ((ev: unknown) => void) | null
  close(code?: number, reason?: string): void
}

export type ClockStatus = 'idle' | 'starting' | 'connecting' | 'open' | 'closed' | 'error'

export interface Tick {
  readonly at: number
  readonly payload: string
}

export interface ClockSlice {
  readonly clockStatus: ClockStatus
  readonly clockUrl: string | undefined
  /** Why it closed or failed. */
  readonly clockMessage: string | undefined
  /** Newest first. */
  readonly clockTicks: readonly Tick[]
  connectClock(): Promise<void>
  disconnectClock(): void
  clockReceived(payload: string, at: number): void
}

export interface ClockOptions {
  readonly createSocket?: (url: string) => ClockSocket
  readonly now?: () => number
}

export const createClockSlice =
  (transport: Transport, options: ClockOptions = {}): StateCreator<AppState, [], [], ClockSlice> =>
  (set, get) => {
    let socket: ClockSocket | undefined
    const now = options.now ?? Date.now
    const createSocket = options.createSocket ?? ((url: string) => new WebSocket(url) as unknown as ClockSocket)

    return {
      clockStatus: 'idle',
      clockUrl: undefined,
      clockMessage: undefined,
      clockTicks: [],

      async connectClock() {
        if (socket || get().clockStatus === 'starting') return
        set({ clockStatus: 'starting', clockMessage: undefined })
        let url: string
        try {
          url = (await transport.invoke('startClockDemo', {})).url
        } catch (error) {
          set({ clockStatus: 'error', clockMessage: `Could not start the clock: ${messageOf(error)}` })
          return
        }
        if (get().clockStatus !== 'starting') return
        let ws: ClockSocket
        try {
          ws = createSocket(url)
        } catch (error) {
          set({ clockStatus: 'error', clockUrl: url, clockMessage: `Could not open ${url}: ${messageOf(error)}` })
          return
        }
        socket = ws
        set({ clockStatus: 'connecting', clockUrl: url, clockTicks: [] })
        ws.onopen = () => {
          if (socket === ws) set({ clockStatus: 'open' })
        }
        ws.onmessage = (ev) => {
          if (socket === ws) get().clockReceived(typeof ev.data === 'string' ? ev.data : String(ev.data), now())
        }
        ws.onerror = () => {}
        ws.onclose = (ev) => {
          if (socket !== ws) return
          socket = undefined
          const clean = ev.code === 1000 || ev.code === 1005
          set({
            clockStatus: clean ? 'closed' : 'error',
            clockMessage: clean
              ? `Closed${ev.reason ? `: ${ev.reason}` : ''}`
              : `The connection closed with code ${ev.code}${ev.reason ? ` (${ev.reason})` : ''}`,
          })
        }
      },

      disconnectClock() {
        const ws = socket
        socket = undefined
        if (get().clockStatus === 'starting' || ws) set({ clockStatus: 'closed', clockMessage: 'Disconnected' })
        ws?.close(1000, 'disconnected from the Clock pane')
      },

      clockReceived(payload, at) {
        set({ clockTicks: [{ at, payload }, ...get().clockTicks].slice(0, TICK_CAP) })
      },
    }
  }
