/** The window's words (issue 24): chaos stages as sentences, durations in ms, heads as on the wire, elapsed time. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { describeStages, formatMsRange, plainDurations } from '../../renderer/src/lib/chaos-words.ts'
import { controlToStage, defaultControls } from '../../renderer/src/lib/chaos-stages.ts'
import { httpVersionText, rawHead, requestLine, statusLine } from '../../renderer/src/lib/raw-head.ts'
import { formatElapsed } from '../../renderer/src/lib/format.ts'

const control = (id: string, over: object) => ({ ...defaultControls().find((c) => c.id === id)!, on: true, ...over })

test('chaos stages read as sentences: who is affected, then what happens to them', () => {
  const stages = [
    controlToStage(control('status', { scope: 'percentage', percentage: 50, status: 503 })),
    controlToStage(control('latency', { scope: 'always', minMs: 100, maxMs: 500 })),
  ]
  assert.equal(
    describeStages(stages, 'engine words'),
    '50% of requests answer 503; otherwise every request waits 100–500 ms',
  )
  assert.equal(
    describeStages([controlToStage(control('reset', { scope: 'count', count: 1 }))], ''),
    'the next request has its connection reset',
  )
  assert.equal(
    describeStages([controlToStage(control('truncate', { scope: 'count', count: 3, bytes: 16 }))], ''),
    'the next 3 requests have their response body cut to 16 bytes',
  )
})

test("stages the toggles cannot express fall back to the engine's words with durations in ms", () => {
  const custom = [{ type: 'wait', until: { type: 'deadline', endTime: '2030-01-01T00:00:00Z' } }]
  assert.equal(
    describeStages(custom, 'Wait until 2030; Always Latency (range = PT0.1S to PT0.5S)'),
    'Wait until 2030; Always Latency (range = 100–500 ms)',
  )
  assert.equal(plainDurations('Delay PT2S, PT1.5S to PT3S'), 'Delay 2 s, 1.5–3 s')
})

test('millisecond ranges read as people write them', () => {
  assert.deepEqual(
    [formatMsRange(100, 500), formatMsRange(250, 250), formatMsRange(1500, 3000)],
    ['100–500 ms', '250 ms', '1.5–3 s'],
  )
})

test('heads read as on the wire: HTTP/1.1 start lines, headers in their order and case, duplicates kept', () => {
  assert.equal(statusLine('1.1', 200, 'OK'), 'HTTP/1.1 200 OK')
  assert.equal(requestLine('GET', '/a?b', '1.1'), 'GET /a?b HTTP/1.1')
  assert.deepEqual([httpVersionText('2.0'), httpVersionText('HTTP/1.0')], ['HTTP/2', 'HTTP/1.0'])
  assert.equal(
    rawHead('HTTP/1.1 200 OK', [
      ['content-TYPE', 'text/plain'],
      ['Set-Cookie', 'a=1'],
      ['Set-Cookie', 'b=2'],
    ]),
    'HTTP/1.1 200 OK\r\ncontent-TYPE: text/plain\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n',
  )
})

test('time in flight shows tenths under ten seconds, then whole seconds and minutes', () => {
  assert.deepEqual([formatElapsed(400), formatElapsed(12_300), formatElapsed(125_000)], ['0.4 s', '12 s', '2 min 5 s'])
})
