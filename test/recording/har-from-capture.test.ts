import { test } from 'node:test'
import assert from 'node:assert/strict'
import { detailToRecorded } from '../../electron/recording/har-export.ts'
import type { ExchangeDetail } from '../../shared/exchange.ts'

const b64 = (s: string) => Buffer.from(s).toString('base64')

const base: ExchangeDetail = {
  id: 'x1',
  seq: 1,
  listenerId: 'L1',
  startedAt: 1_700_000_000_000,
  method: 'POST',
  url: 'http://h.test/a',
  host: 'h.test',
  path: '/a',
  httpVersion: '2.0',
  timings: { responseHeaders: 4, responseDone: 6 },
  durationMs: 7,
  outcome: { kind: 'completed' },
  tags: [],
  target: '/a',
  requestHeaders: [['Host', 'h.test']],
  responseHeaders: [['Content-Type', 'text/plain']],
  requestBody: { base64: b64('up'), size: 2, truncated: false },
  responseBody: { base64: b64('down'), size: 4, truncated: false },
  status: 201,
  reason: 'Created',
}

test('a captured exchange becomes a record with its messages, times and bodies, and nothing it does not have', () => {
  const x = detailToRecorded(base)
  assert.deepEqual(
    { ...x, request: { ...x.request, body: 'b' }, response: { ...x.response, body: 'b' } },
    {
      startedAt: 1_700_000_000_000,
      durationMs: 7,
      waitMs: 4,
      request: { method: 'POST', url: 'http://h.test/a', version: '2.0', headers: [['Host', 'h.test']], body: 'b' },
      response: {
        status: 201,
        reason: 'Created',
        version: '2.0',
        headers: [['Content-Type', 'text/plain']],
        body: 'b',
      },
    },
  )
  assert.equal(Buffer.from(x.request.body).toString(), 'up')
  assert.equal(Buffer.from(x.response.body).toString(), 'down')
})

test('a captured exchange without a response, a duration or a wait gets status 0, the time to its end, no wait', () => {
  const x = detailToRecorded({
    ...base,
    status: undefined,
    reason: undefined,
    durationMs: undefined,
    timings: { responseDone: 9 },
    requestBody: null,
    responseBody: null,
  } as unknown as ExchangeDetail)
  assert.equal(x.response.status, 0)
  assert.equal(x.response.reason, '')
  assert.equal(x.durationMs, 9)
  assert.equal('waitMs' in x, false)
  assert.equal(x.request.body.byteLength, 0)
  assert.equal(x.response.body.byteLength, 0)
  assert.equal(
    detailToRecorded({ ...base, durationMs: undefined, timings: {} } as unknown as ExchangeDetail).durationMs,
    0,
  )
})

test('capped bodies say their real length; bodies that did not all arrive say how much never did', () => {
  const capped = detailToRecorded({
    ...base,
    requestBody: { base64: b64('abc'), size: 10, truncated: true },
    responseBody: { base64: b64('abcd'), size: 100, truncated: true, missing: 40 },
  })
  assert.deepEqual(capped.truncated, { request: 10, response: 60 })
  assert.deepEqual(capped.incomplete, { response: 40 })
  const arrivedAll = detailToRecorded({
    ...base,
    requestBody: { base64: b64('abc'), size: 3, truncated: true },
    responseBody: { base64: b64('ab'), size: 10, truncated: false, missing: null },
  })
  assert.equal('truncated' in arrivedAll, false, 'the cap kept every byte that went by')
  assert.deepEqual(arrivedAll.incomplete, { response: null })
  const missingUpload = detailToRecorded({
    ...base,
    requestBody: { base64: b64('ab'), size: 10, truncated: true, missing: 8 },
  })
  assert.equal('truncated' in missingUpload, false, 'what went by was kept whole: only incomplete')
  assert.deepEqual(missingUpload.incomplete, { request: 8 })
})

test('a failure Nanoscope answered is recorded generated with its message as the note; one it did not answer only noted', () => {
  const failed = detailToRecorded({
    ...base,
    outcome: { kind: 'failed', cause: 'refused', message: 'upstream refused' },
    responseHeaders: [['x-nanoscope-generated', 'refused']],
    tags: ['chaos'],
    note: 'ignored',
  } as ExchangeDetail)
  assert.deepEqual(failed.generated, { cause: 'refused', message: 'upstream refused' })
  assert.equal(failed.note, 'upstream refused')
  assert.deepEqual(failed.tags, ['chaos'])
  const unanswered = detailToRecorded({
    ...base,
    outcome: { kind: 'failed', cause: 'reset', message: 'the client went away' },
    responseHeaders: [],
  } as ExchangeDetail)
  assert.equal('generated' in unanswered, false)
  assert.equal(unanswered.note, 'the client went away')
  const aborted = detailToRecorded({ ...base, outcome: { kind: 'aborted', message: 'stopped' } } as ExchangeDetail)
  assert.equal(aborted.note, 'stopped')
  assert.equal(detailToRecorded({ ...base, note: 'a chaos note' }).note, 'a chaos note')
  assert.equal('note' in detailToRecorded(base), false)
  assert.equal('tags' in detailToRecorded(base), false)
})

test('trailers captured after each body go with their message', () => {
  const x = detailToRecorded({ ...base, requestTrailers: [['X-Sum', '1']], responseTrailers: [['grpc-status', '0']] })
  assert.deepEqual(x.request.trailers, [['X-Sum', '1']])
  assert.deepEqual(x.response.trailers, [['grpc-status', '0']])
  assert.equal('trailers' in detailToRecorded(base).request, false)
  assert.equal('trailers' in detailToRecorded(base).response, false)
})
