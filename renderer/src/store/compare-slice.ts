/** Compare: two exchanges side by side in the detail pane, while the first of them stays selected. */
import type { StateCreator } from 'zustand/vanilla'
import type { AppState } from './app-store.ts'

export interface CompareSlice {
  /** `a` is the selected exchange; the comparison shows while it stays selected. */
  readonly comparing: { readonly a: string; readonly b: string } | undefined
  compare(a: string, b: string): void
  closeCompare(): void
}

export const createCompareSlice: StateCreator<AppState, [], [], CompareSlice> = (set) => ({
  comparing: undefined,
  compare(a, b) {
    set({ comparing: { a, b }, selectedId: a, detailOpen: true })
  },
  closeCompare() {
    set({ comparing: undefined })
  },
})
