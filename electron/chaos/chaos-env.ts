import { systemClock, type Clock } from '../core/clock.ts'
import { seededRandom, type Random } from './random.ts'

/** What behaviours and triggers draw on: time, randomness and waiting, all injectable for tests. */
export interface ChaosEnv {
  readonly clock: Clock
  readonly random: Random
  /** Resolves after `ms`, or early when `signal` aborts (the client went away). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

export function chaosEnv(options: { clock?: Clock; seed?: number; random?: Random } = {}): ChaosEnv {
  return {
    clock: options.clock ?? systemClock,
    random: options.random ?? seededRandom(options.seed),
    sleep: realSleep,
  }
}

export function realSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve()
      return
    }
    const done = (): void => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, Math.max(0, ms))
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: done removes the listener itself; `once` only says so
    signal?.addEventListener('abort', done, { once: true })
  })
}
