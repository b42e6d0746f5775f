import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fixedClock } from '../../../electron/core/clock.ts'
import { generatedResponse, request, response } from '../../../electron/core/message.ts'
import { formatLatency, reportLatency, type LatencyReport } from '../../../electron/core/filters/report-latency.ts'

test('reportLatency reports the time from the request entering to the response head coming back', async () => {
  const clock = fixedClock(0)
  const lines: LatencyReport[] = []
  const slow = reportLatency(
    (l) => lines.push(l),
    clock,
  )(async () => {
    clock.advance(12.5)
    return response(201)
  })
  await slow(request({ method: 'POST', target: 'http://example.com/a' }))
  assert.deepEqual(lines, [{ method: 'POST', url: 'http://example.com/a', status: 201, ms: 12.5 }])
})

test('reportLatency marks responses Nanoscope generated with their cause', async () => {
  const lines: LatencyReport[] = []
  await reportLatency((l) => lines.push(l), fixedClock())(async () => generatedResponse(502, 'refused', 'no'))(
    request({ target: 'http://down.test/' }),
  )
  assert.equal(lines[0]?.generated, 'refused')
})

test('reportLatency reports nothing and rethrows when the handler throws', async () => {
  const lines: LatencyReport[] = []
  const failing = reportLatency(
    (l) => lines.push(l),
    fixedClock(),
  )(async () => {
    throw new Error('boom')
  })
  await assert.rejects(failing(request({ target: '/' })), /boom/)
  assert.deepEqual(lines, [])
})

test('formatLatency gives one line per exchange', () => {
  assert.equal(
    formatLatency({ method: 'GET', url: 'http://example.com/a', status: 200, ms: 12.34 }),
    'GET http://example.com/a 200 12.3ms',
  )
  assert.equal(
    formatLatency({ method: 'GET', url: 'http://down.test/', status: 502, ms: 0.04, generated: 'refused' }),
    'GET http://down.test/ 502 0.0ms (generated: refused)',
  )
})
