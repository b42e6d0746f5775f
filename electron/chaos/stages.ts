/**
 * Stages say which behaviour applies to each request over time (http4k `ChaosStages`). A stage answers a
 * behaviour, or undefined when it is finished for this request, so the next stage in an `andThen` chain applies.
 * Beware: stages hold state (`until` latches, `repeat` rebuilds); build a fresh one to start over.
 */
import type { Behaviour } from './behaviours.ts'
import { none } from './behaviours.ts'
import type { ChaosRequest } from './chaos-request.ts'
import type { Trigger } from './triggers.ts'

export interface Stage {
  behaviourFor(req: ChaosRequest): Behaviour | undefined
  describe(): string
  readonly needsBody: boolean
}

const NONE = none()

/** Applies `behaviour` when `trigger` fires; otherwise finished for this request. Reads "Always Latency (…)". */
export const appliedWhen = (behaviour: Behaviour, trigger: Trigger): Stage => ({
  behaviourFor: (req) => (trigger.fires(req) ? behaviour : undefined),
  describe: () => `${trigger.describe()} ${behaviour.describe()}`,
  needsBody: trigger.needsBody,
})

/** Does nothing and never finishes by itself: pair it with `until`. */
export const wait = (): Stage => ({ behaviourFor: () => NONE, describe: () => 'Wait', needsBody: false })

/**
 * This stage, or when it is finished, the next one for the same request (http4k's `then`; named otherwise here
 * because a module exporting `then` makes its namespace a thenable, which `await import()` would call).
 */
export const andThen = (first: Stage, next: Stage): Stage => ({
  behaviourFor: (req) => first.behaviourFor(req) ?? next.behaviourFor(req),
  describe: () => `[${first.describe()}] then [${next.describe()}]`,
  needsBody: first.needsBody || next.needsBody,
})

/** Chains stages with `andThen`, in order. */
export function chain(stages: readonly Stage[]): Stage {
  const [first, ...rest] = stages
  if (!first) throw new Error('chain needs at least one stage')
  return rest.reduce(andThen, first)
}

/**
 * Active until `trigger` first fires, then finished for good, including for the request that fired it (so the
 * next stage answers that request).
 */
export function until(stage: Stage, trigger: Trigger): Stage {
  let active = true
  return {
    behaviourFor(req) {
      if (active) active = !trigger.fires(req)
      return active ? stage.behaviourFor(req) : undefined
    },
    describe: () => `${stage.describe()} until ${trigger.describe()}`,
    needsBody: stage.needsBody || trigger.needsBody,
  }
}

/** Runs a fresh stage from `build` whenever the current one finishes, for the same request. */
export function repeat(build: () => Stage): Stage {
  let current = build()
  return {
    behaviourFor(req) {
      const behaviour = current.behaviourFor(req)
      if (behaviour) return behaviour
      current = build()
      return current.behaviourFor(req)
    },
    describe: () => `Repeat [${current.describe()}]`,
    get needsBody() {
      return current.needsBody
    },
  }
}
