/**
 * Common behaviours as ready-made stages, for the UI's toggles: switching one on sets the listener's stages to
 * `[preset.stage]` (or the UI may chain several, first match wins). Each is valid chaos JSON.
 */
import type { StageJson } from './chaos-json.ts'

export interface ChaosPreset {
  readonly id: string
  readonly label: string
  readonly stage: StageJson
}

const always = (behaviour: Record<string, unknown>): StageJson => ({
  type: 'trigger',
  behaviour,
  trigger: { type: 'always' },
})

export const CHAOS_PRESETS: readonly ChaosPreset[] = Object.freeze([
  { id: 'latency', label: 'Add 100–500 ms latency', stage: always({ type: 'latency', min: 'PT0.1S', max: 'PT0.5S' }) },
  { id: 'status-500', label: 'Answer 500', stage: always({ type: 'status', status: 500 }) },
  {
    id: 'status-503-half',
    label: 'Answer 503 to about half the requests',
    stage: {
      type: 'trigger',
      behaviour: { type: 'status', status: 503 },
      trigger: { type: 'percentage', percentage: 50 },
    },
  },
  { id: 'reset', label: 'Reset the connection', stage: always({ type: 'reset' }) },
  { id: 'hang', label: 'Hang (drop after 30 s)', stage: always({ type: 'hang', closeAfter: 'PT30S' }) },
  { id: 'no-body', label: 'Remove response bodies', stage: always({ type: 'body' }) },
  { id: 'truncate', label: 'Cut response bodies to 16 bytes', stage: always({ type: 'truncate', bytes: 16 }) },
  { id: 'dribble', label: 'Dribble response bodies over 5 s', stage: always({ type: 'dribble', period: 'PT5S' }) },
])
