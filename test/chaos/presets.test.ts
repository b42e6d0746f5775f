/** The window's chaos toggles: each one's label and what it switches on, as the engine describes it. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fixedClock } from '../../electron/core/clock.ts'
import { buildStages, parseStages } from '../../electron/chaos/chaos-json.ts'
import { chaosEnv } from '../../electron/chaos/chaos-env.ts'
import { CHAOS_PRESETS } from '../../electron/chaos/presets.ts'

test('each chaos toggle says what it does, and does what it says', () => {
  const rows = CHAOS_PRESETS.map((preset) => {
    const parsed = parseStages([preset.stage])
    if (!parsed.ok) throw new Error(`${preset.id}: ${parsed.problem.field} ${parsed.problem.message}`)
    return [preset.id, preset.label, buildStages(parsed.stages, chaosEnv({ clock: fixedClock(0), seed: 1 })).describe()]
  })
  assert.deepEqual(rows, [
    ['latency', 'Add 100–500 ms latency', 'Always Latency (range = PT0.1S to PT0.5S)'],
    ['status-500', 'Answer 500', 'Always ReturnStatus (500)'],
    ['status-503-half', 'Answer 503 to about half the requests', 'PercentageBased (50%) ReturnStatus (503)'],
    ['reset', 'Reset the connection', 'Always ResetConnection'],
    ['hang', 'Hang (drop after 30 s)', 'Always Hang (close after PT30S)'],
    ['no-body', 'Remove response bodies', 'Always NoBody'],
    ['truncate', 'Cut response bodies to 16 bytes', 'Always TruncateBody (16b)'],
    ['dribble', 'Dribble response bodies over 5 s', 'Always Dribble (over PT5S)'],
  ])
  assert.ok(Object.isFrozen(CHAOS_PRESETS))
})
