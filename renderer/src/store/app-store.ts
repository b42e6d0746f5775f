/**
 * The one app store, made of slices (zustand slices pattern). Built with `zustand/vanilla` so it runs and is
 * tested in Node without React; components read it through the hooks in use-app.ts.
 */
import { createStore, type StoreApi } from 'zustand/vanilla'
import type { Transport } from '../../../shared/contract.ts'
import { createLatencySlice, type LatencySlice } from './latency-slice.ts'
import { createLayoutSlice, type LayoutSlice } from './layout-slice.ts'
import { createSessionSlice, type SessionSlice, type StoreOptions } from './session-slice.ts'
import { createTrafficSlice, type TrafficSlice } from './traffic-slice.ts'

export type AppState = TrafficSlice & LayoutSlice & SessionSlice & LatencySlice
export type AppStore = StoreApi<AppState>

export type { StoreOptions }

/** Creates the store; call `getState().start()` to begin listening to the transport. */
export function createAppStore(transport: Transport, options: StoreOptions = {}): AppStore {
  return createStore<AppState>()((...a) => ({
    ...createLatencySlice(...a),
    ...createTrafficSlice(...a),
    ...createLayoutSlice(...a),
    ...createSessionSlice(transport, options)(...a),
  }))
}
