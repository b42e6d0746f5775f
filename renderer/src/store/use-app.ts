/** React access to the store: a context carrying the store, and `useApp(selector)` over it. */
import { createContext, useContext } from 'react'
import { useStore } from 'zustand'
import type { AppState, AppStore } from './app-store.ts'

export const StoreContext = createContext<AppStore | null>(null)

export function useAppStore(): AppStore {
  const store = useContext(StoreContext)
  if (!store) throw new Error('useApp needs a <StoreContext.Provider> above it')
  return store
}

/** Select atomically (one value per call) or wrap the selector in `useShallow`. */
export function useApp<T>(selector: (s: AppState) => T): T {
  return useStore(useAppStore(), selector)
}
