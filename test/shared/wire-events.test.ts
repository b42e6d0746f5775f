import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import type { ExchangeSummary } from '../../shared/exchange.ts'
import { SUMMARY_FIELDS, eventFromWire, eventToWire, summariesFromRows, summaryRows } from '../../shared/wire-events.ts'

const full: ExchangeSummary = {
  id: 'a-1',
  seq: 1,
  listenerId: 'l1',
  startedAt: 1764316800123.5,
  method: 'POST',
  url: 'http://x.test/a?b=1',
  host: 'x.test',
  path: '/a?b=1',
  httpVersion: '1.1',
  status: 503,
  reason: 'Service Unavailable',
  contentType: 'text/plain',
  requestSize: 0,
  responseSize: 12,
  timings: { requestBodyDone: 0.1, responseHeaders: 2.5, responseDone: 3 },
  durationMs: 3,
  outcome: { kind: 'failed', cause: 'refused', message: 'no' },
  tags: ['chaos', 'recorded'],
  note: 'latency 100 ms',
}
const sparse: ExchangeSummary = {
  id: 'a-2',
  seq: 2,
  listenerId: 'l1',
  startedAt: 1,
  method: 'CONNECT',
  url: 'x.test:443',
  host: 'x.test:443',
  path: '',
  httpVersion: '1.1',
  timings: {},
  outcome: { kind: 'pending' },
  tags: [],
}

test('an exchange batch crosses the wire as rows and comes back as the same summaries, absent fields still absent', () => {
  const wire = JSON.parse(JSON.stringify(eventToWire('exchanges', { exchanges: [full, sparse] })))
  const back = eventFromWire('exchanges', wire) as { exchanges: ExchangeSummary[] }
  assert.deepEqual(back.exchanges, [full, sparse])
  assert.equal('status' in back.exchanges[1]!, false, 'no status key at all, as JSON leaves an undefined one out')
})

test('rows are about half the bytes of the objects they stand for', () => {
  const batch = Array.from({ length: 500 }, (_, i) => ({ ...full, id: `a-${i}`, seq: i }))
  const rows = JSON.stringify(summaryRows(batch)).length
  const objects = JSON.stringify(batch).length
  assert.ok(rows < objects * 0.65, `${rows} bytes as rows against ${objects} as objects`)
})

test('rows are read by the field names they came with, so an older or newer order still reads right', () => {
  const rows = summaryRows([full])
  const reversed = { fields: [...rows.fields].reverse(), rows: rows.rows.map((r) => [...r].reverse()) }
  assert.deepEqual(summariesFromRows(reversed), [full])
})

test('every summary field has a column, and other events pass as they are', () => {
  assert.deepEqual([...SUMMARY_FIELDS].sort(), Object.keys(full).sort())
  const listeners = { listeners: [] }
  assert.equal(eventToWire('listeners', listeners), listeners)
  assert.equal(eventFromWire('listeners', listeners), listeners)
})

test('an origin-form row leaves out the url its host and path make, packs its timings and a completed outcome, and reads back whole', () => {
  const origin: ExchangeSummary = {
    ...full,
    url: 'http://x.test/a?b=1',
    timings: { responseHeaders: 2.5, responseDone: 3 },
    outcome: { kind: 'completed' },
  }
  const rows = summaryRows([origin, sparse])
  const row = (name: string, i = 0): unknown => rows.rows[i]![SUMMARY_FIELDS.indexOf(name as never)]
  assert.equal(row('url'), null, 'the url is what http://, the host and the path make')
  assert.equal(row('url', 1), 'x.test:443', 'an authority-form url is sent as it is')
  assert.deepEqual(row('timings'), [null, 2.5, 3])
  assert.equal(row('outcome'), 'completed')
  assert.equal(row('outcome', 1), 'pending')
  const back = eventFromWire(
    'exchanges',
    JSON.parse(JSON.stringify(eventToWire('exchanges', { exchanges: [origin, sparse] }))),
  )
  assert.deepEqual((back as { exchanges: ExchangeSummary[] }).exchanges, [origin, sparse])
})

test('rows with the url given, timings as objects and outcomes as objects (as serve sent them before) still read', () => {
  const fields = ['id', 'url', 'host', 'path', 'timings', 'outcome']
  const rows = [['a-9', 'http://x.test/old', 'x.test', '/old', { responseDone: 4 }, { kind: 'completed' }]]
  assert.deepEqual(summariesFromRows({ fields, rows }), [
    {
      id: 'a-9',
      url: 'http://x.test/old',
      host: 'x.test',
      path: '/old',
      timings: { responseDone: 4 },
      outcome: { kind: 'completed' },
    },
  ])
})

test('any url, host and path cross the wire as they were, the url left out only where the host and path make it', () => {
  const part = fc.string({ unit: fc.constantFrom('a', 'b', '/', ':', 'h', 't', 'p', '') })
  const urls = fc.oneof(
    fc.tuple(part, part).map(([host, path]) => ({ host, path, url: host === '' ? path : `http://${host}${path}` })),
    fc.record({
      host: part,
      path: part,
      url: fc.oneof(
        part,
        part.map((p) => `http://${p}`),
      ),
    }),
  )
  fc.assert(
    fc.property(urls, ({ url, host, path }) => {
      const summary: ExchangeSummary = { ...full, url, host, path }
      const back = eventFromWire(
        'exchanges',
        JSON.parse(JSON.stringify(eventToWire('exchanges', { exchanges: [summary] }))),
      )
      assert.deepEqual((back as { exchanges: ExchangeSummary[] }).exchanges, [summary])
    }),
    { numRuns: 500 },
  )
})

test('a url that only starts with the host or ends with the path, or is not http, is sent as it is', () => {
  const cases = [
    { url: 'http://ab/c', host: 'a', path: '/c' },
    { url: 'http://a/b/c', host: 'a', path: '/c' },
    { url: 'https://a/c', host: 'a', path: '/c' },
    { url: 'file://a/c', host: 'a', path: '/c' },
    { url: 'http://b/c', host: 'a', path: '/c' },
    { url: 'http://a/d', host: 'a', path: '/c' },
    { url: '/c?x', host: '', path: '/c' },
  ]
  const rows = summaryRows(cases.map((c) => ({ ...full, ...c })))
  const at = SUMMARY_FIELDS.indexOf('url')
  assert.deepEqual(
    rows.rows.map((r) => r[at]),
    cases.map((c) => c.url),
  )
})
