/**
 * The one app store, made of slices (zustand slices pattern). Built with `zustand/vanilla` so it runs and is
 * tested in Node without React; components read it through the hooks in use-app.ts.
 */
import { createStore, type StoreApi } from 'zustand/vanilla'
import type { Transport } from '../../../shared/contract.ts'
import { createBreakpointSlice, type BreakpointSlice } from './breakpoint-slice.ts'
import { createCompareSlice, type CompareSlice } from './compare-slice.ts'
import { createChaosSlice, type ChaosSlice } from './chaos-slice.ts'
import { createClockSlice, type ClockOptions, type ClockSlice } from './clock-slice.ts'
import { createFramesSlice, type FramesSlice } from './frames-slice.ts'
import { createLatencySlice, type LatencySlice } from './latency-slice.ts'
import { createLayoutSlice, type LayoutSlice } from './layout-slice.ts'
import { createRecordingSlice, type RecordingSlice } from './recording-slice.ts'
import { createSearchSlice, type SearchSlice } from './search-slice.ts'
import { createSessionSlice, type SessionSlice, type StoreOptions as SessionOptions } from './session-slice.ts'
import { createTrafficSlice, type TrafficSlice } from './traffic-slice.ts'

export type AppState = TrafficSlice &
  LayoutSlice &
  SessionSlice &
  LatencySlice &
  RecordingSlice &
  ChaosSlice &
  FramesSlice &
  ClockSlice &
  SearchSlice &
  BreakpointSlice &
  CompareSlice
export type AppStore = StoreApi<AppState>

export interface StoreOptions extends SessionOptions {
  /** The Clock pane's socket and time source (tests pass fakes). */
  readonly clock?: ClockOptions
}

/** Creates the store; call `getState().start()` to begin listening to the transport. */
export function createAppStore(transport: Transport, options: StoreOptions = {}): AppStore {
  return createStore<AppState>()((...a) => ({
    ...createLatencySlice(...a),
    ...createTrafficSlice(...a),
    ...createLayoutSlice(...a),
    ...createSessionSlice(transport, options)(...a),
    ...createRecordingSlice(transport)(...a),
    ...createChaosSlice(transport)(...a),
    ...createFramesSlice(transport)(...a),
    ...createClockSlice(transport, options.clock)(...a),
    ...createSearchSlice(transport)(...a),
    ...createBreakpointSlice(transport)(...a),
    ...createCompareSlice(...a),
  }))
}
