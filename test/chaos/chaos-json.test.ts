import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fixedClock } from '../../electron/core/clock.ts'
import { request } from '../../electron/core/message.ts'
import { buildStages, parseStages } from '../../electron/chaos/chaos-json.ts'
import { chaosEnv } from '../../electron/chaos/chaos-env.ts'
import { chaosRequest } from '../../electron/chaos/chaos-request.ts'
import { CHAOS_PRESETS } from '../../electron/chaos/presets.ts'

const env = () => chaosEnv({ clock: fixedClock(0), seed: 1 })
function describeJson(json: unknown): string {
  const parsed = parseStages(json)
  assert.ok(parsed.ok, parsed.ok ? '' : `${parsed.problem.field} ${parsed.problem.message}`)
  return buildStages(parsed.stages, env()).describe()
}
function problem(json: unknown): string {
  const parsed = parseStages(json)
  assert.ok(!parsed.ok, 'expected a validation problem')
  return `${parsed.problem.field} ${parsed.problem.message}`
}

test("http4k's OpenAPI example body is accepted and means wait, 418 ten times, repeat, until 2030", () => {
  const example = `[{"type":"repeat","stages":[{"type":"wait","until":{"type":"delay","period":"PT30S"}},
    {"type":"trigger","behaviour":{"type":"status","status":418},"trigger":{"type":"always"},"until":{"type":"countdown","count":10}}],
    "until":{"type":"deadline","endTime":"2030-01-01T00:00:00Z"}}]`
  assert.equal(
    describeJson(example),
    'Repeat [[Wait until Delay (expires 1970-01-01T00:00:30Z)] then [Always ReturnStatus (418) until Countdown (10 remaining)]] until Deadline (2030-01-01T00:00:00Z)',
  )
})

test("http4k's user-guide example, with the count as a string, is accepted", () => {
  const example = [
    {
      type: 'repeat',
      stages: [
        { type: 'wait', until: { type: 'delay', period: 'PT100S' } },
        {
          type: 'trigger',
          behaviour: { type: 'status', status: 404 },
          trigger: { type: 'always' },
          until: { type: 'countdown', count: '10' },
        },
      ],
      until: { type: 'deadline', endTime: '2020-01-01T00:00:00Z' },
    },
  ]
  assert.match(describeJson(example), /Countdown \(10 remaining\)\]\] until Deadline \(2020-01-01T00:00:00Z\)$/)
})

test("every behaviour and trigger type in http4k's tables parses and describes itself", () => {
  const cases: Array<[unknown, string]> = [
    [{ type: 'latency', min: 'PT0.1S', max: 'PT0.3S' }, 'Latency (range = PT0.1S to PT0.3S)'],
    [{ type: 'status', status: 404 }, 'ReturnStatus (404)'],
    [{ type: 'response', status: 500, body: 'a-body', headers: { 'x-name': 'value' } }, 'ReturnResponse (500)'],
    [{ type: 'body' }, 'NoBody'],
    [{ type: 'snip' }, 'SnipBody'],
    [{ type: 'sniprequest' }, 'SnipRequestBody'],
    [{ type: 'none' }, 'None'],
    [{ type: 'reset' }, 'ResetConnection'],
    [{ type: 'hang' }, 'Hang'],
    [{ type: 'hang', closeAfter: 'PT2S' }, 'Hang (close after PT2S)'],
    [{ type: 'dribble', period: 'PT1M30S' }, 'Dribble (over PT1M30S)'],
    [{ type: 'truncate', bytes: 10 }, 'TruncateBody (10b)'],
    [{ type: 'truncaterequest', bytes: 3 }, 'TruncateRequestBody (3b)'],
  ]
  for (const [behaviour, line] of cases)
    assert.equal(describeJson({ type: 'trigger', behaviour, trigger: { type: 'always' } }), `Always ${line}`)
  const triggers: Array<[unknown, string]> = [
    [{ type: 'once' }, 'Once'],
    [
      { type: 'once', trigger: { type: 'deadline', endTime: '2030-01-01T00:00:00Z' } },
      'Once (trigger = Deadline (2030-01-01T00:00:00Z))',
    ],
    [{ type: 'percentage', percentage: 50 }, 'PercentageBased (50%)'],
    [{ type: 'countdown', count: 10 }, 'Countdown (10 remaining)'],
    [{ type: 'delay', period: 'PT30S' }, 'Delay (expires 1970-01-01T00:00:30Z)'],
    [
      {
        type: 'request',
        method: 'get',
        path: '.*bob',
        queries: { query: '.*query' },
        headers: { header: '.*header' },
        body: '.*body',
      },
      "method == GET AND path matches '.*bob' AND query 'query' matches '.*query' AND header 'header' matches '.*header' AND body matches '.*body'",
    ],
    [
      {
        type: 'not',
        trigger: { type: 'and', triggers: [{ type: 'always' }, { type: 'or', triggers: [{ type: 'once' }] }] },
      },
      'NOT Always AND Once',
    ],
  ]
  for (const [trigger, line] of triggers)
    assert.equal(describeJson({ type: 'trigger', behaviour: { type: 'none' }, trigger }), `${line} None`)
})

test('a single stage or an array of stages chained with then are both accepted', () => {
  const s = { type: 'trigger', behaviour: { type: 'status', status: 500 }, trigger: { type: 'once' } }
  assert.equal(describeJson(s), 'Once ReturnStatus (500)')
  assert.equal(describeJson([s, { type: 'wait' }]), '[Once ReturnStatus (500)] then [Wait]')
})

test('bad JSON is refused with a message naming the bad field', () => {
  assert.match(problem('{"type": '), /^\$ is not valid JSON/)
  assert.equal(problem([]), '$ must hold at least one stage')
  assert.equal(problem({ type: 'bogus' }), '$.type unknown stage "bogus"; expected one of trigger, wait, repeat')
  assert.equal(problem({}), '$.type is missing; expected one of trigger, wait, repeat')
  assert.match(
    problem([{ type: 'trigger', behaviour: { type: 'explode' }, trigger: { type: 'always' } }]),
    /^\$\[0\]\.behaviour\.type unknown behaviour "explode"; expected one of latency, status/,
  )
  assert.match(
    problem([{ type: 'wait' }, { type: 'trigger', behaviour: { type: 'none' }, trigger: { type: 'sometimes' } }]),
    /^\$\[1\]\.trigger\.type unknown trigger "sometimes"/,
  )
  assert.equal(
    problem({ type: 'trigger', behaviour: { type: 'status', status: 'teapot' }, trigger: { type: 'always' } }),
    '$.behaviour.status must be a whole number from 100 to 599; got "teapot"',
  )
  assert.equal(
    problem({ type: 'trigger', behaviour: { type: 'status' }, trigger: { type: 'always' } }),
    '$.behaviour.status is required',
  )
  assert.equal(
    problem({ type: 'trigger', behaviour: { type: 'latency', min: 'fast', max: 'PT1S' }, trigger: { type: 'always' } }),
    '$.behaviour.min must be an ISO-8601 duration such as PT0.5S; got "fast"',
  )
  assert.equal(
    problem({ type: 'wait', until: { type: 'deadline', endTime: 'tomorrow' } }),
    '$.until.endTime must be an ISO-8601 instant such as 2030-01-01T00:00:00Z; got "tomorrow"',
  )
  assert.equal(
    problem({ type: 'wait', until: { type: 'request', path: '(' } }),
    '$.until.path must be a regular expression, matched against the whole value; got "("',
  )
  assert.match(
    problem({ type: 'wait', until: { type: 'countdown', count: 'ten' } }),
    /^\$\.until\.count must be a whole number of at least 0 or a whole number written as a string/,
  )
  assert.match(problem({ type: 'wait', colour: 'red' }), /^\$\.colour is not a known field; expected type, until$/)
  assert.equal(
    problem({ type: 'repeat', stages: [{ type: 'wait' }, 7] }),
    '$.stages[1] must be a JSON object with a "type" field',
  )
})

test('every preset for the UI toggles is valid chaos JSON', () => {
  for (const preset of CHAOS_PRESETS) assert.ok(parseStages(preset.stage).ok, preset.id)
})

test('request triggers built from JSON see the upstream host and query', () => {
  const parsed = parseStages({
    type: 'trigger',
    behaviour: { type: 'status', status: 503 },
    trigger: { type: 'request', host: 'api\\.test', queries: { id: '4.' } },
  })
  assert.ok(parsed.ok)
  const stage = buildStages(parsed.stages, env())
  assert.equal(
    stage.behaviourFor(chaosRequest(request({ target: 'http://api.test/x?id=42' })))?.describe(),
    'ReturnStatus (503)',
  )
  assert.equal(stage.behaviourFor(chaosRequest(request({ target: 'http://api.test/x?id=5' }))), undefined)
})
