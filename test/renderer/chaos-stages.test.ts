import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  checkDraft,
  controlsToStages,
  defaultControls,
  durationToMs,
  msToDuration,
  stagesToControls,
  type BehaviourControl,
} from '../../renderer/src/lib/chaos-stages.ts'

const presets = [
  {
    id: 'latency',
    label: 'Add 100–500 ms latency',
    stage: {
      type: 'trigger',
      behaviour: { type: 'latency', min: 'PT0.1S', max: 'PT0.5S' },
      trigger: { type: 'always' },
    },
  },
  {
    id: 'status-500',
    label: 'Answer 500',
    stage: { type: 'trigger', behaviour: { type: 'status', status: 500 }, trigger: { type: 'always' } },
  },
]
const on = (controls: BehaviourControl[], id: string, over: Partial<BehaviourControl> = {}) =>
  controls.map((c) => (c.id === id ? { ...c, on: true, ...over } : c))

test('a 503 for half the requests is http4k chaos JSON with a percentage trigger', () => {
  const stages = controlsToStages(on(defaultControls(), 'status', { status: 503, scope: 'percentage', percentage: 50 }))
  assert.deepEqual(stages, [
    { type: 'trigger', trigger: { type: 'percentage', percentage: 50 }, behaviour: { type: 'status', status: 503 } },
  ])
})

test('"for the next N requests" is an until countdown', () => {
  const [stage] = controlsToStages(on(defaultControls(), 'reset', { scope: 'count', count: 3 }))
  assert.deepEqual(stage, {
    type: 'trigger',
    trigger: { type: 'always' },
    behaviour: { type: 'reset' },
    until: { type: 'countdown', count: 3 },
  })
})

test('latency milliseconds become ISO-8601 durations and back', () => {
  assert.equal(msToDuration(100), 'PT0.1S')
  assert.equal(msToDuration(1500), 'PT1.5S')
  assert.equal(durationToMs('PT0.25S'), 250)
  assert.equal(durationToMs('PT1M30S'), 90_000)
  assert.equal(durationToMs('P1D'), undefined)
})

test('defaults take their parameters from the host presets', () => {
  const controls = defaultControls(presets)
  const latency = controls.find((c) => c.id === 'latency')!
  assert.deepEqual([latency.minMs, latency.maxMs, latency.on], [100, 500, false])
  assert.equal(controls.find((c) => c.id === 'status')?.status, 500)
})

test('stages the toggles made read back into the same toggles', () => {
  const controls = on(on(defaultControls(), 'status', { status: 502 }), 'latency', { minMs: 10, maxMs: 20 })
  const stages = controlsToStages(controls)
  assert.deepEqual(controlsToStages(stagesToControls(stages)!), stages)
  assert.equal(stages.length, 2)
  assert.equal((stages[0] as { behaviour: { type: string } }).behaviour.type, 'status', 'status comes before latency')
})

test('stages the toggles cannot show are custom', () => {
  assert.equal(stagesToControls([{ type: 'wait', until: { type: 'delay', period: 'PT5S' } }]), undefined)
  assert.equal(
    stagesToControls([{ type: 'trigger', trigger: { type: 'once' }, behaviour: { type: 'reset' } }]),
    undefined,
  )
  const latencyFirst = [presets[0]!.stage, presets[1]!.stage]
  assert.equal(stagesToControls(latencyFirst), undefined, 'order the toggles would not write')
})

test('the editor checks JSON as you type and names where it is wrong', () => {
  assert.deepEqual(checkDraft(''), { ok: true, stages: [] })
  assert.equal(checkDraft('{"type":"trigger"').ok, false)
  assert.match((checkDraft('[{"type":"trigger"}, 3]') as { message: string }).message, /\$\[1\] must be a stage object/)
  assert.match((checkDraft('{"trigger":{}}') as { message: string }).message, /\$\.type is missing/)
  assert.equal(checkDraft('{"type":"trigger"}').ok, true)
})
