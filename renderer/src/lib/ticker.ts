/**
 * One shared clock for everything that shows elapsed time (pending rows): a single interval, running only
 * while some component listens, so a table of requests in flight costs one timer, not one per row.
 */
import { useSyncExternalStore } from 'react'

export const TICK_MS = 250

const listeners = new Set<() => void>()
let now = Date.now()
let timer: ReturnType<typeof setInterval> | undefined

function subscribe(listener: () => void): () => void {
  listeners.add(listener)
  if (!timer) {
    now = Date.now()
    timer = setInterval(() => {
      now = Date.now()
      for (const l of listeners) l()
    }, TICK_MS)
  }
  return () => {
    listeners.delete(listener)
    if (listeners.size === 0 && timer) {
      clearInterval(timer)
      timer = undefined
    }
  }
}

const snapshot = (): number => now

/** The current time in epoch milliseconds, re-rendering the caller every TICK_MS while it is mounted. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, snapshot, snapshot)
}
