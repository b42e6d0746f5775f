/** Whether the window is wide enough for the detail pane beside the table (else it goes below). */
import { useSyncExternalStore } from 'react'

/** At this width and above, the detail pane sits beside the table. */
export const BESIDE_MIN_WIDTH = 1200

const QUERY = `(min-width: ${BESIDE_MIN_WIDTH}px)`

function subscribe(listener: () => void): () => void {
  const media = window.matchMedia(QUERY)
  media.addEventListener('change', listener)
  return () => media.removeEventListener('change', listener)
}

const wide = (): boolean => window.matchMedia(QUERY).matches

export function useWideWindow(): boolean {
  return useSyncExternalStore(subscribe, wide, () => true)
}
