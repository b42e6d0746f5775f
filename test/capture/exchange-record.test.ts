import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ExchangeRecord, type RecordParts } from '../../electron/capture/exchange-record.ts'
import { ExchangeStore } from '../../electron/capture/exchange-store.ts'
import { request, response, type Headers } from '../../electron/core/message.ts'

function parts(requestHeaders: Headers, responseHeaders: Headers | undefined, target = '/a?b=1'): RecordParts {
  return {
    id: 'r1', listenerId: 'l1', startedAt: 1, req: request({ target, headers: requestHeaders }),
    res: responseHeaders ? response(200, { headers: responseHeaders }) : undefined,
    requestBody: { bytes: new Uint8Array(0), size: 0, truncated: false }, requestComplete: true,
    responseBody: responseHeaders ? { bytes: new Uint8Array([1, 2, 3]), size: 3, truncated: false } : null, responseComplete: true,
    timings: {}, durationMs: 2, outcome: { kind: 'completed' }, tunnel: undefined,
  }
}

test('a record gives back both header lists exactly as sent: order, case, duplicates and empty values', () => {
  const sent: Headers = [['HOST', 'example.test:81'], ['x-dup', 'one'], ['X-Dup', 'two'], ['X-Empty', ''], ['Cookie', 'a=1; b=2']]
  const answered: Headers = [['Set-Cookie', 'a=1'], ['set-cookie', 'b=2'], ['Content-Type', 'text/html; charset=utf-8']]
  const record = new ExchangeRecord(parts(sent, answered))
  assert.deepEqual(record.requestHeaders, sent)
  assert.deepEqual(record.responseHeaders, answered)
  assert.ok(Object.isFrozen(record.requestHeaders) && Object.isFrozen(record.requestHeaders[0]))
})

test('a header value holding a line feed (possible only for headers built in code) comes back unchanged', () => {
  const odd: Headers = [['Host', 'h'], ['X-Note', 'line one\nline two'], ['X-After', 'z']]
  const record = new ExchangeRecord(parts(odd, [['Content-Type', 'a\nb']]))
  assert.deepEqual(record.requestHeaders, odd)
  assert.deepEqual(record.responseHeaders, [['Content-Type', 'a\nb']])
  assert.equal(record.contentType, 'a\nb')
})

test('url, host, path and content type are read from the headers, whatever their case, the first one winning', () => {
  const record = new ExchangeRecord(parts([['hOsT', 'shop.test:8080'], ['Host', 'second.test']], [['CONTENT-TYPE', 'application/json'], ['Content-Type', 'text/plain']]))
  assert.equal(record.url, 'http://shop.test:8080/a?b=1')
  assert.equal(record.host, 'shop.test:8080')
  assert.equal(record.path, '/a?b=1')
  assert.equal(record.contentType, 'application/json')
})

test('an exchange with no response has no response headers and no content type', () => {
  const record = new ExchangeRecord(parts([['Host', 'h']], undefined, 'http://abs.test/x'))
  assert.deepEqual(record.responseHeaders, [])
  assert.equal(record.contentType, undefined)
  assert.equal(record.host, 'abs.test')
  assert.equal(record.status, undefined)
})

test('a record stored without its bodies (over the byte bound) keeps its headers, location and content type', () => {
  const store = new ExchangeStore({ maxTotalBodyBytes: 2 })
  const record = new ExchangeRecord(parts([['Host', 'h.test']], [['Content-Type', 'text/plain']]))
  const summary = store.upsert(record)
  assert.equal(summary.url, 'http://h.test/a?b=1')
  assert.equal(summary.contentType, 'text/plain')
  const detail = store.detail('r1')!
  assert.deepEqual(detail.requestHeaders, [['Host', 'h.test']])
  assert.deepEqual(detail.responseHeaders, [['Content-Type', 'text/plain']])
  assert.equal(detail.responseBody?.base64, '')
  assert.equal(detail.responseBody?.truncated, true)
})
