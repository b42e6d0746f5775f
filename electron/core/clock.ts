/**
 * Time, injected. Filters never call `Date.now()` themselves, so tests can drive time.
 * `now` is wall-clock epoch milliseconds (for timestamps people read); `monotonic` is a high-resolution
 * millisecond counter for durations, unaffected by clock changes.
 */
export interface Clock {
  now(): number
  monotonic(): number
}

export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  monotonic: () => performance.now(),
})

/** A clock that only moves when told to: for tests. */
export function fixedClock(start = 0): Clock & { advance(ms: number): void } {
  let t = start
  return {
    now: () => t,
    monotonic: () => t,
    advance: (ms: number) => {
      t += ms
    },
  }
}
