/**
 * Triggers decide whether a stage's behaviour applies to a request (http4k `ChaosTriggers`). Beware: `once`,
 * `countdown` and `delay` hold state, and a `delay`'s end time is fixed when it is built.
 */
import type { Clock } from '../core/clock.ts'
import type { ChaosRequest } from './chaos-request.ts'
import { formatInstant } from './duration.ts'
import type { Random } from './random.ts'

export interface Trigger {
  fires(req: ChaosRequest): boolean
  /** One English line, as http4k's `toString`: `PercentageBased (50%)`. Stateful triggers show their state. */
  describe(): string
  /** True when it reads the request body, so the engine must buffer it first. */
  readonly needsBody: boolean
}

const trigger = (fires: Trigger['fires'], describe: () => string, needsBody = false): Trigger => ({
  fires,
  describe,
  needsBody,
})

export const always = (): Trigger =>
  trigger(
    () => true,
    () => 'Always',
  )

/** True the first time the inner trigger (if any) is true, false ever after. */
export function once(inner?: Trigger): Trigger {
  let spent = false
  return trigger(
    (req) => {
      if (inner && !inner.fires(req)) return false
      const fire = !spent
      spent = true
      return fire
    },
    () => `Once${inner ? ` (trigger = ${inner.describe()})` : ''}`,
    inner?.needsBody,
  )
}

/** http4k's rule: `nextInt(100) <= n`, so 0 fires 1% of the time and 99 or more always. */
export const percentage = (n: number, random: Random): Trigger =>
  trigger(
    () => random.nextInt(100) <= n,
    () => `PercentageBased (${n}%)`,
  )

/** False for the first `n` calls, then true forever: as an `until`, "for the next n requests". */
export function countdown(n: number): Trigger {
  let remaining = n
  return trigger(
    () => {
      if (remaining <= 0) return true
      remaining--
      return false
    },
    () => `Countdown (${remaining} remaining)`,
  )
}

/** True once the clock is past `endTime` (epoch ms). */
export const deadline = (endTime: number, clock: Clock): Trigger =>
  trigger(
    () => clock.now() > endTime,
    () => `Deadline (${formatInstant(endTime)})`,
  )

/** True once `periodMs` has passed since it was built. */
export function delay(periodMs: number, clock: Clock): Trigger {
  const endTime = clock.now() + periodMs
  return trigger(
    () => clock.now() > endTime,
    () => `Delay (expires ${formatInstant(endTime)})`,
  )
}

export interface RequestMatch {
  readonly method?: string
  readonly host?: string
  readonly path?: string
  readonly queries?: Readonly<Record<string, string>>
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: string
}

/** Every given field must match, each regex in full; a header or query matches when any of its values does. */
export function matchRequest(m: RequestMatch): Trigger {
  const full = (re: string): RegExp => new RegExp(`^(?:${re})$`, 's')
  const parts: Array<{ line: string; test: (r: ChaosRequest) => boolean }> = []
  if (m.method !== undefined) {
    const method = m.method.toUpperCase()
    parts.push({ line: `method == ${method}`, test: (r) => r.method.toUpperCase() === method })
  }
  if (m.host !== undefined) {
    const re = full(m.host)
    parts.push({ line: `host matches '${m.host}'`, test: (r) => re.test(r.host) })
  }
  if (m.path !== undefined) {
    const re = full(m.path)
    parts.push({ line: `path matches '${m.path}'`, test: (r) => re.test(r.path) })
  }
  for (const [name, pattern] of Object.entries(m.queries ?? {})) {
    const re = full(pattern)
    parts.push({
      line: `query '${name}' matches '${pattern}'`,
      test: (r) => r.query.some(([n, v]) => n === name && re.test(v)),
    })
  }
  for (const [name, pattern] of Object.entries(m.headers ?? {})) {
    const re = full(pattern)
    const lower = name.toLowerCase()
    parts.push({
      line: `header '${name}' matches '${pattern}'`,
      test: (r) => r.headers.some(([n, v]) => n.toLowerCase() === lower && re.test(v)),
    })
  }
  if (m.body !== undefined) {
    const re = full(m.body)
    parts.push({ line: `body matches '${m.body}'`, test: (r) => re.test(r.body ?? '') })
  }
  const line = parts.length === 0 ? 'anything' : parts.map((p) => p.line).join(' AND ')
  return trigger(
    (r) => parts.every((p) => p.test(r)),
    () => line,
    m.body !== undefined,
  )
}

/** Left to right, stopping at the first false (as http4k's `and`): `path AND once` spends `once` only on that path. */
export const and = (...all: Trigger[]): Trigger =>
  trigger(
    (r) => all.every((t) => t.fires(r)),
    () => all.map((t) => t.describe()).join(' AND '),
    all.some((t) => t.needsBody),
  )

/** Left to right, stopping at the first true. */
export const or = (...all: Trigger[]): Trigger =>
  trigger(
    (r) => all.some((t) => t.fires(r)),
    () => all.map((t) => t.describe()).join(' OR '),
    all.some((t) => t.needsBody),
  )

export const not = (inner: Trigger): Trigger =>
  trigger(
    (r) => !inner.fires(r),
    () => `NOT ${inner.describe()}`,
    inner.needsBody,
  )
