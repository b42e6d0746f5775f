import { test } from 'node:test'
import assert from 'node:assert/strict'
import { PendingRecord } from '../../electron/capture/pending-record.ts'
import { summarise } from '../../electron/capture/exchange-store.ts'
import { request } from '../../electron/core/message.ts'

test('a request in flight is summarised from its head: method, version, where it goes, pending, no response yet', () => {
  const req = {
    ...request({ method: 'PUT', target: '/up?x=1', version: '2', headers: [['host', 'api.test']], body: 'data' }),
    tags: ['resent'],
    pseudoHeaders: [[':method', 'PUT']] as const,
  }
  const record = new PendingRecord('p1', 'l2', 1234, req)
  assert.deepEqual(summarise(record, 9), {
    id: 'p1',
    seq: 9,
    listenerId: 'l2',
    startedAt: 1234,
    method: 'PUT',
    url: 'http://api.test/up?x=1',
    host: 'api.test',
    path: '/up?x=1',
    httpVersion: '2',
    timings: {},
    outcome: { kind: 'pending' },
    tags: ['resent'],
  })
  assert.equal(record.target, '/up?x=1')
  assert.deepEqual(record.requestHeaders, [['host', 'api.test']])
  assert.deepEqual(record.responseHeaders, [])
  assert.deepEqual(record.requestPseudoHeaders, [[':method', 'PUT']])
  assert.deepEqual([record.requestBody, record.responseBody], [null, null])
  assert.equal(record.superseded, false)
})

test('a request in flight with no tags and no Host is summarised with none', () => {
  const record = new PendingRecord('p2', 'l1', 0, request({ target: '/' }))
  assert.deepEqual([record.tags, record.url, record.host, record.path], [[], '/', '', '/'])
  assert.equal(record.requestPseudoHeaders, undefined)
})
