import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { gzipSync } from 'node:zlib'
import { fileURLToPath } from 'node:url'
import { toHar, exchangesToHar } from '../../electron/recording/har-export.ts'
import { fromHar, HarError } from '../../electron/recording/har-import.ts'
import { header } from '../../electron/core/message.ts'
import type { ExchangeDetail } from '../../shared/exchange.ts'
import { validateHar } from './har-schema.ts'
import { exchange } from './support.ts'

const fixture = (name: string) => readFile(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)))
const BINARY = Buffer.from([0, 1, 2, 0xff, 0xfe, 0x80, 0x0a, 0x0d])

const sample = [
  exchange({
    method: 'POST',
    url: 'http://api.test/upload?x=1&y=two',
    requestBody: BINARY,
    responseBody: BINARY,
    requestHeaders: [
      ['Host', 'api.test'],
      ['Content-Type', 'application/octet-stream'],
      ['Cookie', 'a=1; b=2'],
    ],
    responseHeaders: [
      ['Content-Type', 'application/octet-stream'],
      ['Set-Cookie', 'c=3; Path=/; HttpOnly'],
      ['Set-Cookie', 'd=4'],
    ],
  }),
  exchange({
    url: 'http://api.test/text',
    startedAt: 1_700_000_000_500,
    durationMs: 12.25,
    responseBody: 'héllo wörld',
    responseHeaders: [
      ['Content-Type', 'text/plain; charset=utf-8'],
      ['X-Dup', '1'],
      ['x-dup', '2'],
    ],
  }),
  exchange({
    url: 'http://api.test/gz',
    startedAt: 1_700_000_001_000,
    responseBody: gzipSync('zipped text'),
    responseHeaders: [
      ['Content-Type', 'text/plain'],
      ['Content-Encoding', 'gzip'],
    ],
  }),
]

test('HAR export of a session is valid against the HAR 1.2 required structure, with binary bodies as base64', () => {
  const har = toHar(sample)
  assert.deepEqual(validateHar(JSON.parse(JSON.stringify(har))), [])
  const [upload, text, gz] = har.log.entries
  assert.equal(upload!.response.content.encoding, 'base64')
  assert.ok(Buffer.from(upload!.response.content.text!, 'base64').equals(BINARY))
  assert.equal(upload!.request.postData?._encoding, 'base64')
  assert.deepEqual(upload!.request.queryString, [
    { name: 'x', value: '1' },
    { name: 'y', value: 'two' },
  ])
  assert.deepEqual(
    upload!.request.cookies.map((c) => c.name),
    ['a', 'b'],
  )
  assert.deepEqual(
    upload!.response.cookies.map((c) => [c.name, c.httpOnly ?? false]),
    [
      ['c', true],
      ['d', false],
    ],
  )
  assert.equal(text!.response.content.text, 'héllo wörld')
  assert.equal(text!.response.content.encoding, undefined)
  assert.equal(text!.time, 12.25)
  assert.equal(gz!.response.content.text, 'zipped text', 'encoded bodies are decoded, as HAR expects')
  assert.equal(gz!.response.bodySize, gzipSync('zipped text').byteLength)
})

test('a session survives HAR export and import: methods, URLs, headers in order with duplicates, and body bytes', () => {
  const back = fromHar(JSON.stringify(toHar(sample.slice(0, 2))))
  assert.deepEqual(back.skipped, [])
  assert.deepEqual(back.warnings, [])
  assert.equal(back.records.length, 2)
  back.records.forEach((r, i) => {
    const x = sample[i]!
    assert.equal(r.request.method, x.request.method)
    assert.equal(r.request.url, x.request.url)
    assert.deepEqual(r.request.headers, x.request.headers)
    assert.deepEqual(r.response.headers, x.response.headers)
    assert.ok(Buffer.from(r.request.body).equals(Buffer.from(x.request.body)))
    assert.ok(Buffer.from(r.response.body).equals(Buffer.from(x.response.body)))
    assert.equal(r.startedAt, x.startedAt)
    assert.equal(r.durationMs, x.durationMs)
  })
})

test('importing our own export of a gzip body keeps the decoded body and says it dropped Content-Encoding', () => {
  const back = fromHar(JSON.stringify(toHar(sample.slice(2))))
  assert.equal(Buffer.from(back.records[0]!.response.body).toString(), 'zipped text')
  assert.equal(header(back.records[0]!.response, 'content-encoding'), undefined)
  assert.match(
    back.warnings.join('\n'),
    /already decoded but labelled Content-Encoding: removed the header \(1 entry\)/,
  )
})

test('a Chrome-shaped HAR imports despite its BOM, HTTP/2 pseudo-headers, -1 timings and vendor fields, and says what it skipped', async () => {
  const result = fromHar(await fixture('chrome.har'))
  assert.equal(result.records.length, 3)
  assert.deepEqual(result.skipped, [
    { entry: 3, reason: 'there was no response (status 0: the request failed or was blocked)' },
  ])
  const [page, logo, cart] = result.records
  assert.deepEqual(page!.request.headers, [
    ['Host', 'shop.test'],
    ['accept', 'text/html'],
    ['accept-encoding', 'gzip, deflate, br'],
  ])
  assert.equal(page!.request.version, '2.0')
  assert.equal(Buffer.from(page!.response.body).toString(), '<html><body>products</body></html>')
  assert.equal(header(page!.response, 'content-encoding'), undefined)
  assert.equal(header(page!.response, 'content-length'), String(page!.response.body.byteLength))
  assert.equal(page!.durationMs, 52.3)
  assert.equal(logo!.durationMs, 12, 'time -1: the sum of the non-negative timings')
  assert.deepEqual([...logo!.response.body.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47])
  assert.equal(Buffer.from(cart!.request.body).toString(), '{"item":"42"}')
  const warnings = result.warnings.join('\n')
  assert.match(warnings, /pseudo-headers .* dropped \(3 entries\)/)
  assert.match(warnings, /Content-Encoding: removed the header/)
})

test('a Firefox-shaped HAR imports with entries sorted by start time, missing bodies noted and form params rebuilt', async () => {
  const result = fromHar(await fixture('firefox.har'))
  assert.deepEqual(result.skipped, [])
  assert.deepEqual(
    result.records.map((r) => new URL(r.request.url).pathname),
    ['/photo.jpg', '/feed.json', '/login'],
  )
  const [photo, feed, login] = result.records
  assert.equal(photo!.response.body.byteLength, 0)
  assert.equal(header(photo!.response, 'content-length'), '0')
  assert.deepEqual(
    feed!.response.headers.filter(([n]) => n === 'Set-Cookie').map(([, v]) => v),
    ['a=1; Path=/', 'b=2; Path=/'],
  )
  assert.equal(header(feed!.response, 'transfer-encoding'), undefined)
  assert.equal(header(feed!.request, 'connection'), undefined)
  assert.deepEqual([photo!.request.version, feed!.request.version, login!.request.version], ['2.0', '1.1', '3'])
  assert.equal(Buffer.from(login!.request.body).toString(), 'user=ann')
  const warnings = result.warnings.join('\n')
  assert.match(warnings, /response body missing: imported as empty \(1 entry\)/)
  assert.match(warnings, /hop-by-hop headers/)
  assert.match(warnings, /postData.params/)
})

test('a minified multi-megabyte HAR imports, and a file that is not HAR is a clear error', () => {
  const entries = Array.from({ length: 3000 }, (_, i) => ({
    startedDateTime: new Date(1_700_000_000_000 + i).toISOString(),
    time: 1,
    cache: {},
    timings: { send: 0, wait: 1, receive: 0 },
    request: {
      method: 'GET',
      url: `http://big.test/${i}`,
      httpVersion: 'HTTP/1.1',
      headers: [['Host', 'big.test']],
      cookies: [],
      queryString: [],
      headersSize: -1,
      bodySize: 0,
    },
    response: {
      status: 200,
      statusText: 'OK',
      httpVersion: 'HTTP/1.1',
      headers: [],
      cookies: [],
      content: { size: 1000, mimeType: 'text/plain', text: 'x'.repeat(1000) },
      redirectURL: '',
      headersSize: -1,
      bodySize: 1000,
      _vendor: { deep: [1, 2, 3] },
    },
  }))
  const text = JSON.stringify({ log: { version: '1.2', creator: { name: 'x', version: '1' }, entries } })
  assert.ok(text.length > 3_000_000)
  const result = fromHar(Buffer.from(text))
  assert.equal(result.records.length, 3000)
  assert.throws(() => fromHar('{"nope": 1}'), HarError)
  assert.throws(() => fromHar('{"log": '), /not a HAR file: the JSON does not parse/)
})

test('captured traffic (plain exchange records) exports as valid HAR too, an exchange without a response as status 0', () => {
  const base: Omit<ExchangeDetail, 'status' | 'responseBody'> = {
    id: 'x1',
    seq: 1,
    listenerId: 'L1',
    startedAt: 1_700_000_000_000,
    method: 'GET',
    url: 'http://h.test/a',
    host: 'h.test',
    path: '/a',
    httpVersion: '1.1',
    timings: { responseHeaders: 4, responseDone: 6 },
    durationMs: 6,
    outcome: { kind: 'completed' },
    tags: [],
    target: '/a',
    requestHeaders: [['Host', 'h.test']],
    responseHeaders: [['Content-Type', 'text/plain']],
    requestBody: null,
  }
  const har = exchangesToHar([
    {
      ...base,
      status: 200,
      reason: 'OK',
      responseBody: { base64: Buffer.from('hi').toString('base64'), size: 2, truncated: false },
    },
    {
      ...base,
      id: 'x2',
      outcome: { kind: 'failed', cause: 'refused', message: 'upstream refused' },
      responseHeaders: [],
      responseBody: null,
    },
  ])
  assert.deepEqual(validateHar(JSON.parse(JSON.stringify(har))), [])
  assert.equal(har.log.entries[0]!.response.content.text, 'hi')
  assert.equal(har.log.entries[1]!.response.status, 0)
  assert.equal(har.log.entries[1]!._nanoscope?.note, 'upstream refused')
})
