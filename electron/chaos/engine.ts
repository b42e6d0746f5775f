/**
 * The chaos engine for one listener (http4k `ChaosEngine`): a filter that applies the current stages when
 * active, plus the controls the API and the UI share. Off by default; its default stages are seed app 7's
 * "Always Latency (range = PT0.1S to PT0.5S)", so activating with no JSON behaves as http4k's chaos proxy.
 *
 * Skips CONNECT and Upgrade requests (tunnels), whose bytes chaos cannot reach.
 */
import type { Clock } from '../core/clock.ts'
import type { Filter, HttpHandler } from '../core/http.ts'
import { bodyText, bufferBody, type Request, type Response } from '../core/message.ts'
import { buildStages, parseStages, type ParseResult, type StageJson } from './chaos-json.ts'
import { chaosEnv, type ChaosEnv } from './chaos-env.ts'
import { chaosRequest } from './chaos-request.ts'
import { seededRandom } from './random.ts'
import type { Stage } from './stages.ts'

/** A snapshot for the UI and `GET /chaos/state`: plain serialisable data. */
export interface ChaosState {
  readonly active: boolean
  /** The stages in English, live (countdowns count down, repeats show the current round). */
  readonly description: string
  readonly stages: readonly StageJson[]
  /** Exchanges chaos has changed (tagged `chaos`) since the engine was made. */
  readonly chaoticCount: number
  readonly seed?: number
}

export interface ChaosEngine {
  /** Place it after routing (ProxyOptions.inner) so triggers see the upstream URL. Its description is live. */
  readonly filter: Filter
  state(): ChaosState
  /** The current chaos in one line, or `none` when off (what `GET /chaos/status` says). */
  describe(): string
  activate(): void
  deactivate(): void
  toggle(): void
  /**
   * Replaces the stages with fresh ones built from JSON (text or parsed), optionally activating too. On a
   * validation problem nothing changes and the result names the bad field.
   */
  setStages(json: string | unknown, options?: { activate?: boolean }): ParseResult
  /** Called at once after every control change, and at most every STATE_NOTIFY_MS after chaotic exchanges. */
  subscribe(listener: (state: ChaosState) => void): () => void
}

export interface ChaosEngineOptions {
  /** Makes random decisions reproducible: the generator restarts from it whenever stages are set. */
  readonly seed?: number
  readonly clock?: Clock
  readonly stages?: readonly StageJson[]
  readonly active?: boolean
  /** For tests: replaces real waiting. */
  readonly sleep?: ChaosEnv['sleep']
}

export const DEFAULT_STAGES: readonly StageJson[] = Object.freeze([
  { type: 'trigger', behaviour: { type: 'latency', min: 'PT0.1S', max: 'PT0.5S' }, trigger: { type: 'always' } },
])

/** How often, at most, listeners hear about counts and live descriptions changing under traffic. */
export const STATE_NOTIFY_MS = 250

export function createChaosEngine(options: ChaosEngineOptions = {}): ChaosEngine {
  const shared = seededRandom(options.seed)
  const envFor = (): ChaosEnv => {
    const env = chaosEnv({
      clock: options.clock,
      random: options.seed === undefined ? shared : seededRandom(options.seed),
    })
    return options.sleep ? { ...env, sleep: options.sleep } : env
  }
  let json = options.stages ?? DEFAULT_STAGES
  const initial = parseStages(json)
  if (!initial.ok)
    throw new Error(`the initial chaos stages are invalid: ${initial.problem.field} ${initial.problem.message}`)
  let stage: Stage = buildStages(json, envFor())
  let active = options.active ?? false
  let chaoticCount = 0
  const listeners = new Set<(state: ChaosState) => void>()
  let pending: NodeJS.Timeout | undefined

  const state = (): ChaosState =>
    Object.freeze({
      active,
      description: stage.describe(),
      stages: json,
      chaoticCount,
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
    })
  const notify = (): void => {
    clearTimeout(pending)
    pending = undefined
    if (listeners.size === 0) return
    const snapshot = state()
    for (const listener of listeners) listener(snapshot)
  }
  const notifySoon = (): void => {
    if (listeners.size === 0 || pending) return
    pending = setTimeout(notify, STATE_NOTIFY_MS)
    pending.unref?.()
  }
  const describeEngine = (): string => (active ? stage.describe() : 'none')

  const filter = Object.defineProperty(
    (next: HttpHandler): HttpHandler =>
      // Not an async function: while chaos is off a request goes on with no promise of its own (no extra hop).
      function applyChaos(req: Request): Promise<Response> {
        if (!active || req.connection || req.method.toUpperCase() === 'CONNECT') return next(req)
        return chaosOn(req, next)
      },
    'description',
    { get: () => `applies chaos: ${describeEngine()}`, enumerable: true },
  ) as Filter

  async function chaosOn(req: Request, next: HttpHandler): Promise<Response> {
    let r = req
    let body: string | undefined
    if (stage.needsBody) {
      r = await bufferBody(req)
      body = await bodyText(r.body)
    }
    const behaviour = stage.behaviourFor(chaosRequest(r, body))
    if (!behaviour) return next(r)
    const res = await behaviour.apply(r, next)
    if (res.tags?.includes('chaos')) chaoticCount++
    notifySoon()
    return res
  }

  return {
    filter,
    state,
    describe: describeEngine,
    activate() {
      active = true
      notify()
    },
    deactivate() {
      active = false
      notify()
    },
    toggle() {
      active = !active
      notify()
    },
    setStages(input, opts = {}) {
      const parsed = parseStages(input)
      if (!parsed.ok) return parsed
      json = parsed.stages
      stage = buildStages(json, envFor())
      if (opts.activate) active = true
      notify()
      return parsed
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
  }
}
