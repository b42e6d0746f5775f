/**
 * The Chaos pane's toggles as http4k chaos JSON, and back. Each switched-on behaviour becomes one trigger
 * stage; stages chain with `andThen`, so for each request the first stage whose trigger fires answers it.
 * "For the next N requests" is the stage's `until` countdown (it finishes for good after N requests).
 */
import type { ChaosPreset } from '../../../shared/exchange.ts'

export type BehaviourId = 'status' | 'latency' | 'no-body' | 'truncate' | 'reset'
export type Scope = 'always' | 'percentage' | 'count'

export interface BehaviourControl {
  readonly id: BehaviourId
  readonly on: boolean
  readonly scope: Scope
  readonly percentage: number
  readonly count: number
  readonly status: number
  readonly minMs: number
  readonly maxMs: number
  readonly bytes: number
}

/** In chain order: the more decisive behaviours first, so an "always" latency does not hide them. */
export const BEHAVIOUR_ORDER: readonly BehaviourId[] = ['status', 'reset', 'no-body', 'truncate', 'latency']

export const BEHAVIOUR_LABELS: Readonly<Record<BehaviourId, string>> = {
  status: 'Answer with status',
  latency: 'Add latency',
  'no-body': 'Remove response bodies',
  truncate: 'Cut response bodies to',
  reset: 'Reset the connection',
}

const BASE = {
  on: false,
  scope: 'always' as Scope,
  percentage: 50,
  count: 10,
  status: 503,
  minMs: 100,
  maxMs: 500,
  bytes: 16,
}

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Off controls whose parameters start from the host's presets where one fits (latency range, status, bytes). */
export function defaultControls(presets: readonly ChaosPreset[] = []): BehaviourControl[] {
  const fromPresets: Partial<Record<BehaviourId, BehaviourControl>> = {}
  for (const p of presets) {
    const c = stageToControl(p.stage)
    if (c && !fromPresets[c.id]) fromPresets[c.id] = { ...c, on: false }
  }
  return BEHAVIOUR_ORDER.map((id) => fromPresets[id] ?? { ...BASE, id })
}

export function msToDuration(ms: number): string {
  return `PT${Number((ms / 1000).toFixed(3))}S`
}

/** ISO-8601 durations of the simple kinds chaos JSON uses (PT0.5S, PT2M, PT1H30M); undefined otherwise. */
export function durationToMs(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined
  const m = /^PT(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?$/i.exec(text)
  if (!m || text.length <= 2) return undefined
  return Math.round((Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0)) * 1000)
}

export function controlToStage(c: BehaviourControl): Json {
  const behaviour: Json =
    c.id === 'status'
      ? { type: 'status', status: c.status }
      : c.id === 'latency'
        ? { type: 'latency', min: msToDuration(c.minMs), max: msToDuration(c.maxMs) }
        : c.id === 'no-body'
          ? { type: 'body' }
          : c.id === 'truncate'
            ? { type: 'truncate', bytes: c.bytes }
            : { type: 'reset' }
  const trigger: Json = c.scope === 'percentage' ? { type: 'percentage', percentage: c.percentage } : { type: 'always' }
  return {
    type: 'trigger',
    trigger,
    behaviour,
    ...(c.scope === 'count' ? { until: { type: 'countdown', count: c.count } } : {}),
  }
}

/** The stages for the switched-on controls, in chain order. */
export function controlsToStages(controls: readonly BehaviourControl[]): Json[] {
  const byId = new Map(controls.map((c) => [c.id, c]))
  return BEHAVIOUR_ORDER.map((id) => byId.get(id))
    .filter((c): c is BehaviourControl => !!c && c.on)
    .map(controlToStage)
}

/** One stage this pane can show as a toggle, or undefined. */
export function stageToControl(stage: unknown): BehaviourControl | undefined {
  if (!isObject(stage) || stage.type !== 'trigger' || !isObject(stage.trigger) || !isObject(stage.behaviour))
    return undefined
  const known = new Set(['type', 'trigger', 'behaviour', 'until'])
  if (Object.keys(stage).some((k) => !known.has(k))) return undefined
  const t = stage.trigger
  const b = stage.behaviour
  let scope: Scope
  let percentage = BASE.percentage
  let count = BASE.count
  if (t.type === 'always') scope = 'always'
  else if (t.type === 'percentage' && typeof t.percentage === 'number') {
    scope = 'percentage'
    percentage = t.percentage
  } else return undefined
  if (stage.until !== undefined) {
    const u = stage.until
    const n = isObject(u) && u.type === 'countdown' ? Number(u.count) : NaN
    if (scope !== 'always' || !Number.isInteger(n)) return undefined
    scope = 'count'
    count = n
  }
  const base = { ...BASE, on: true, scope, percentage, count }
  switch (b.type) {
    case 'status':
      return typeof b.status === 'number' ? { ...base, id: 'status', status: b.status } : undefined
    case 'latency': {
      const minMs = durationToMs(b.min)
      const maxMs = durationToMs(b.max)
      return minMs !== undefined && maxMs !== undefined ? { ...base, id: 'latency', minMs, maxMs } : undefined
    }
    case 'body':
      return { ...base, id: 'no-body' }
    case 'truncate':
      return typeof b.bytes === 'number' ? { ...base, id: 'truncate', bytes: b.bytes } : undefined
    case 'reset':
      return { ...base, id: 'reset' }
    default:
      return undefined
  }
}

/**
 * Reads stages back into toggles when every stage is one the toggles make, each behaviour at most once and in
 * chain order (so the toggles would write the same JSON back); otherwise undefined ("custom stages").
 */
export function stagesToControls(
  stages: readonly unknown[],
  presets: readonly ChaosPreset[] = [],
): BehaviourControl[] | undefined {
  const found = new Map<BehaviourId, BehaviourControl>()
  let lastIndex = -1
  for (const stage of stages) {
    const c = stageToControl(stage)
    if (!c || found.has(c.id)) return undefined
    const index = BEHAVIOUR_ORDER.indexOf(c.id)
    if (index < lastIndex) return undefined
    lastIndex = index
    found.set(c.id, c)
  }
  return defaultControls(presets).map((d) => found.get(d.id) ?? d)
}

export type DraftCheck =
  | { readonly ok: true; readonly stages: unknown[] }
  | { readonly ok: false; readonly message: string }

/** Checks the editor's text as you type: JSON, one stage or a list of them, each an object with a "type". */
export function checkDraft(text: string): DraftCheck {
  if (text.trim() === '') return { ok: true, stages: [] }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    return { ok: false, message: `Not valid JSON: ${error instanceof Error ? error.message : String(error)}` }
  }
  const stages = Array.isArray(value) ? value : [value]
  for (let i = 0; i < stages.length; i++) {
    const s = stages[i]
    const at = Array.isArray(value) ? `$[${i}]` : '$'
    if (!isObject(s)) return { ok: false, message: `${at} must be a stage object` }
    if (typeof s.type !== 'string') return { ok: false, message: `${at}.type is missing (trigger, wait or repeat)` }
  }
  return { ok: true, stages }
}

export function stagesToText(stages: readonly unknown[]): string {
  return stages.length === 0 ? '' : JSON.stringify(stages, null, 2)
}
