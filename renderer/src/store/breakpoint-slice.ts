/**
 * The exchanges breakpoint blocks hold, as every window sees them: `paused` events replace the list whole,
 * whoever resolved one (this window, another, or a test through the contract), so each row and editor
 * follows live; the subscribe snapshot carries the list as it was, so a window that (re)connects starts right.
 */
import type { StateCreator } from 'zustand/vanilla'
import type { ArgsOf, Transport } from '../../../shared/contract.ts'
import type { PausedExchange } from '../../../shared/exchange.ts'
import type { AppState } from './app-store.ts'

export interface BreakpointSlice {
  /** Paused exchanges by their Traffic row's id (a pause capture did not see is listed only in `pausedList`). */
  readonly pausedByExchange: Readonly<Record<string, PausedExchange>>
  readonly pausedList: readonly PausedExchange[]
  listenBreakpoints(): () => void
  applyPaused(list: readonly PausedExchange[]): void
  continuePaused(args: ArgsOf<'continuePaused'>): Promise<boolean>
  abortPaused(id: string): Promise<boolean>
  respondPaused(args: ArgsOf<'respondPaused'>): Promise<boolean>
}

export const createBreakpointSlice =
  (transport: Transport): StateCreator<AppState, [], [], BreakpointSlice> =>
  (set, get) => ({
    pausedByExchange: {},
    pausedList: [],

    listenBreakpoints() {
      return transport.on('paused', (p) => get().applyPaused(p.paused))
    },

    applyPaused(list) {
      const byExchange: Record<string, PausedExchange> = {}
      for (const p of list) if (p.exchangeId) byExchange[p.exchangeId] = p
      set({ pausedList: list, pausedByExchange: byExchange })
    },

    async continuePaused(args) {
      return (await transport.invoke('continuePaused', args)).resolved
    },
    async abortPaused(id) {
      return (await transport.invoke('abortPaused', { id })).resolved
    },
    async respondPaused(args) {
      return (await transport.invoke('respondPaused', args)).resolved
    },
  })
