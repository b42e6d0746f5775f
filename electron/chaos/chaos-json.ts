/**
 * Reading chaos JSON (http4k-compatible, see chaos-schemas.ts): validate against the schemas, naming the bad
 * field, then build live stages. Building is separate from validating so `repeat` can rebuild afresh.
 */
import * as b from './behaviours.ts'
import type { Behaviour } from './behaviours.ts'
import { CHAOS_SCHEMAS } from './chaos-schemas.ts'
import type { ChaosEnv } from './chaos-env.ts'
import { parseDuration, parseInstant } from './duration.ts'
import { ref, validate, type Problem } from './schema.ts'
import * as s from './stages.ts'
import type { Stage } from './stages.ts'
import * as t from './triggers.ts'
import type { Trigger } from './triggers.ts'

type Json = Record<string, unknown>

/** JSON of one stage, as validated by the `Stage` schema. */
export type StageJson = Readonly<Json> & { readonly type: string }

export type ParseResult =
  | { readonly ok: true; readonly stages: readonly StageJson[] }
  | { readonly ok: false; readonly problem: Problem }

/**
 * Validates a POST body (text or parsed JSON): one stage or an array of them. An array's fields are named
 * `$[0].…`, a single stage's `$.…`. Does not build anything: call `buildStages` with the result.
 */
export function parseStages(input: string | unknown): ParseResult {
  let value: unknown = input
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input)
    } catch (error) {
      return { ok: false, problem: { field: '$', message: `is not valid JSON (${(error as Error).message})` } }
    }
  }
  if (Array.isArray(value) && value.length === 0)
    return { ok: false, problem: { field: '$', message: 'must hold at least one stage' } }
  const problem = Array.isArray(value)
    ? validate({ type: 'array', items: ref('Stage') }, value, CHAOS_SCHEMAS)
    : validate(ref('Stage'), value, CHAOS_SCHEMAS)
  if (problem) return { ok: false, problem }
  return { ok: true, stages: Object.freeze((Array.isArray(value) ? value : [value]) as StageJson[]) }
}

/** Builds fresh live stages, chained with `andThen`. The JSON must have passed `parseStages`. */
export function buildStages(stages: readonly StageJson[], env: ChaosEnv): Stage {
  return s.chain(stages.map((j) => buildStage(j, env)))
}

export function buildStage(j: Json, env: ChaosEnv): Stage {
  const base =
    j.type === 'wait'
      ? s.wait()
      : j.type === 'repeat'
        ? s.repeat(() => s.chain((j.stages as Json[]).map((x) => buildStage(x, env))))
        : s.appliedWhen(buildBehaviour(j.behaviour as Json, env), buildTrigger(j.trigger as Json, env))
  return j.until ? s.until(base, buildTrigger(j.until as Json, env)) : base
}

export function buildBehaviour(j: Json, env: ChaosEnv): Behaviour {
  switch (j.type) {
    case 'latency':
      return b.latency(duration(j.min), duration(j.max), env)
    case 'status':
      return b.returnStatus(j.status as number)
    case 'response':
      return b.returnResponse(
        j.status as number,
        Object.entries((j.headers ?? {}) as Record<string, string>),
        (j.body as string | undefined) ?? '',
      )
    case 'body':
      return b.noBody()
    case 'snip':
      return b.snipBody(env)
    case 'sniprequest':
      return b.snipRequestBody(env)
    case 'truncate':
      return b.truncateBody(j.bytes as number)
    case 'truncaterequest':
      return b.truncateRequestBody(j.bytes as number)
    case 'reset':
      return b.resetConnection()
    case 'hang':
      return b.hang(env, j.closeAfter === undefined ? undefined : duration(j.closeAfter))
    case 'dribble':
      return b.dribble(duration(j.period))
    case 'none':
      return b.none()
    default:
      throw new Error(`unknown behaviour ${JSON.stringify(j.type)}: validate with parseStages first`)
  }
}

export function buildTrigger(j: Json, env: ChaosEnv): Trigger {
  switch (j.type) {
    case 'always':
      return t.always()
    case 'once':
      return t.once(j.trigger === undefined ? undefined : buildTrigger(j.trigger as Json, env))
    case 'percentage':
      return t.percentage(j.percentage as number, env.random)
    case 'countdown':
      return t.countdown(Number(j.count))
    case 'deadline':
      return t.deadline(parseInstant(j.endTime as string)!, env.clock)
    case 'delay':
      return t.delay(duration(j.period), env.clock)
    case 'request':
      return t.matchRequest(j as t.RequestMatch)
    case 'and':
      return t.and(...(j.triggers as Json[]).map((x) => buildTrigger(x, env)))
    case 'or':
      return t.or(...(j.triggers as Json[]).map((x) => buildTrigger(x, env)))
    case 'not':
      return t.not(buildTrigger(j.trigger as Json, env))
    default:
      throw new Error(`unknown trigger ${JSON.stringify(j.type)}: validate with parseStages first`)
  }
}

function duration(value: unknown): number {
  return parseDuration(value as string)!
}
