/** Latency aggregates, fed by `ingest`. The aggregator is mutable; `latencyRevision` bumps when it changes. */
import type { StateCreator } from 'zustand/vanilla'
import type { AppState } from './app-store.ts'
import { LatencyAggregator } from './latency.ts'

export interface LatencySlice {
  readonly latency: LatencyAggregator
  readonly latencyRevision: number
}

export const createLatencySlice: StateCreator<AppState, [], [], LatencySlice> = () => ({
  latency: new LatencyAggregator(),
  latencyRevision: 0,
})
