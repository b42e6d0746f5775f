import { test } from 'node:test'
import assert from 'node:assert/strict'
import { gzipSync } from 'node:zlib'
import { fromHar, HarError, MAX_HAR_BYTES } from '../../electron/recording/har-import.ts'

type Json = Record<string, unknown>

/** A HAR entry, valid and plain, with `request`/`response`/top-level fields replaced as given. */
function entry(over: { request?: Json; response?: Json } & Json = {}): Json {
  const { request, response, ...rest } = over
  return {
    startedDateTime: '2024-01-01T00:00:00.000Z',
    time: 10,
    timings: { send: 1, wait: 6, receive: 3 },
    ...rest,
    request: { method: 'GET', url: 'http://h.test/p', httpVersion: 'HTTP/1.1', headers: [], ...request },
    response: {
      status: 200,
      statusText: 'OK',
      httpVersion: 'HTTP/1.1',
      headers: [],
      content: { size: 2, mimeType: 'text/plain', text: 'ok' },
      ...response,
    },
  }
}
const har = (...entries: unknown[]) => JSON.stringify({ log: { version: '1.2', entries } })
const one = (e: Json) => {
  const result = fromHar(har(e))
  assert.deepEqual(result.skipped, [], 'imported')
  return { x: result.records[0]!, warnings: result.warnings }
}

test('a plain entry imports with its time, timings, Host from the URL and its bodies', () => {
  const { x, warnings } = one(entry())
  assert.deepEqual(warnings, [])
  assert.equal(x.startedAt, Date.parse('2024-01-01T00:00:00.000Z'))
  assert.equal(x.durationMs, 10)
  assert.equal(x.waitMs, 6)
  assert.deepEqual(x.request.headers, [['Host', 'h.test']])
  assert.equal(x.request.method, 'GET')
  assert.equal(x.request.url, 'http://h.test/p')
  assert.equal(x.response.status, 200)
  assert.equal(x.response.reason, 'OK')
  assert.equal(Buffer.from(x.response.body).toString(), 'ok')
  assert.equal(x.request.body.byteLength, 0)
  for (const key of ['truncated', 'incomplete', 'generated', 'tags', 'note'] as const)
    assert.equal(key in x, false, key)
  assert.equal('trailers' in x.request, false)
  assert.equal('trailers' in x.response, false)
})

test('entries that cannot be imported are skipped with the reason, by their index, and the rest still import', () => {
  const result = fromHar(
    har(
      null,
      7,
      { response: {} },
      { request: {} },
      entry({ request: { url: '/relative' } }),
      entry({ request: { url: 'ftp://h.test/file' } }),
      entry({ request: { url: 42 } }),
      entry({ request: { method: 'GE T' } }),
      entry({ request: { method: 5 } }),
      entry({ response: { status: 0 } }),
      entry({ response: { status: 99 } }),
      entry({ response: { status: 1000 } }),
      entry({ response: { status: 200.5 } }),
      entry({ response: { status: 'x' } }),
      entry({ request: { method: ' post ' }, response: { status: '201' } }),
      entry({ response: { status: 100 } }),
      entry({ response: { status: 999 } }),
    ),
  )
  const http = (url: string) => `the URL ${JSON.stringify(url)} is not an absolute http(s) URL`
  assert.deepEqual(result.skipped, [
    { entry: 0, reason: 'the entry is not an object' },
    { entry: 1, reason: 'the entry is not an object' },
    { entry: 2, reason: 'the entry has no request' },
    { entry: 3, reason: 'the entry has no response' },
    { entry: 4, reason: http('/relative') },
    { entry: 5, reason: http('ftp://h.test/file') },
    { entry: 6, reason: http('') },
    { entry: 7, reason: 'the method "GE T" is not an HTTP method' },
    { entry: 8, reason: 'the method "" is not an HTTP method' },
    { entry: 9, reason: 'there was no response (status 0: the request failed or was blocked)' },
    { entry: 10, reason: 'the status 99 is not an HTTP status' },
    { entry: 11, reason: 'the status 1000 is not an HTTP status' },
    { entry: 12, reason: 'the status 200.5 is not an HTTP status' },
    { entry: 13, reason: 'the status "x" is not an HTTP status' },
  ])
  assert.deepEqual(
    result.records.map((r) => [r.request.method, r.response.status]),
    [
      ['post', 201],
      ['GET', 100],
      ['GET', 999],
    ],
  )
  const long = `http://${'x'.repeat(200)}`
  assert.deepEqual(fromHar(har(entry({ request: { url: `mailto:${long}` } }))).skipped, [
    { entry: 0, reason: http(`mailto:${long}`.slice(0, 80)) },
  ])
})

test('a HAR version spelling maps to the recorded form: 1.0, 1.1, 2.0 or 3, and anything unknown to 1.1', () => {
  const versions: Array<[unknown, string]> = [
    ['HTTP/1.1', '1.1'],
    ['HTTP/1.0', '1.0'],
    ['http/1', '1.1'],
    ['HTTP/2.0', '2.0'],
    ['HTTP/2', '2.0'],
    ['h2', '2.0'],
    ['H3', '3'],
    ['http/3.0', '3'],
    [' HTTP/0.9 ', '0.9'],
    ['4', '4.0'],
    ['https/1.1', '1.1'],
    ['SPDY/3', '1.1'],
    ['', '1.1'],
    [undefined, '1.1'],
    [2, '1.1'],
  ]
  for (const [raw, want] of versions) {
    const { x } = one(entry({ request: { httpVersion: raw }, response: { httpVersion: raw } }))
    assert.equal(x.request.version, want, String(raw))
    assert.equal(x.response.version, want, String(raw))
  }
})

test('the duration is the entry time, else the sum of the known timings; the wait only when known', () => {
  assert.equal(
    one(entry({ time: -1, timings: { blocked: -1, dns: 2, connect: 3, send: 1, wait: 4, receive: 5 } })).x.durationMs,
    15,
  )
  assert.equal(one(entry({ time: 'soon', timings: { ssl: 100, wait: 4 } })).x.durationMs, 4)
  assert.equal(one(entry({ time: 0, timings: { wait: 4 } })).x.durationMs, 0)
  assert.equal(one(entry({ time: undefined, timings: undefined })).x.durationMs, 0)
  assert.equal('waitMs' in one(entry({ timings: { wait: -1 } })).x, false)
  assert.equal('waitMs' in one(entry({ timings: {} })).x, false)
  assert.equal(one(entry({ timings: { wait: 0 } })).x.waitMs, 0)
})

test('an unreadable start time takes the previous entry’s, noted once per entry, and entries are put in time order', () => {
  const result = fromHar(
    har(
      entry({ startedDateTime: '2024-01-01T00:00:05.000Z', request: { url: 'http://h.test/5' } }),
      entry({ startedDateTime: 'yesterday', request: { url: 'http://h.test/5b' } }),
      entry({ startedDateTime: '2024-01-01T00:00:01.000Z', request: { url: 'http://h.test/1' } }),
      entry({ startedDateTime: null, request: { url: 'http://h.test/1b' } }),
    ),
  )
  assert.deepEqual(
    result.records.map((r) => [new URL(r.request.url).pathname, r.startedAt - Date.parse('2024-01-01T00:00:00Z')]),
    [
      ['/1', 1000],
      ['/1b', 1000],
      ['/5', 5000],
      ['/5b', 5000],
    ],
  )
  assert.deepEqual(result.warnings, ["unreadable startedDateTime: used the previous entry's time (2 entries)"])
  assert.equal(fromHar(har(entry({ startedDateTime: 'never' }))).records[0]!.startedAt, 0)
})

test('headers come as objects or pairs; pseudo-headers, hop-by-hop and malformed ones are dropped and each kind noted', () => {
  const { x, warnings } = one(
    entry({
      request: {
        headers: [
          { name: ':authority', value: 'h2.test:8443' },
          { name: ':method', value: 'GET' },
          ['Accept', '*/*'],
          { name: 'X-Count', value: 3 },
          { name: 'Connection', value: 'keep-alive' },
          { name: 'TE', value: 'trailers' },
          { name: '', value: 'x' },
          { name: 'X-Bad', value: 'a\r\nInjected: 1' },
          { name: 'X-Null', value: null },
          'junk',
          null,
        ],
      },
      response: { headers: [['Transfer-Encoding', 'chunked'], { name: 'X-Ok', value: 'yes' }] },
    }),
  )
  assert.deepEqual(x.request.headers, [
    ['Host', 'h2.test:8443'],
    ['Accept', '*/*'],
    ['X-Count', '3'],
  ])
  assert.deepEqual(x.response.headers, [['X-Ok', 'yes']])
  assert.deepEqual(warnings, [
    'HTTP/2 pseudo-headers (:authority, :method, :path, :scheme, :status) dropped (1 entry)',
    'hop-by-hop headers (Connection, Transfer-Encoding, …) dropped (2 entries)',
    'malformed headers dropped (1 entry)',
  ])
  const hosted = one(
    entry({
      request: {
        headers: [
          ['host', 'given.test'],
          [':authority', 'other.test'],
        ],
      },
    }),
  ).x
  assert.deepEqual(hosted.request.headers, [['host', 'given.test']])
  assert.deepEqual(one(entry({ request: { url: 'https://h.test:443/', headers: 'none' } })).x.request.headers, [
    ['Host', 'h.test'],
  ])
})

test('bodies: base64 decoded, other encodings read as text and noted, form params rebuilt, missing ones noted', () => {
  const b64 = one(
    entry({
      request: { postData: { mimeType: 'x', text: 'AAEC', encoding: 'base64' } },
      response: { content: { text: '/w==', encoding: 'base64' } },
    }),
  )
  assert.deepEqual([...b64.x.request.body], [0, 1, 2])
  assert.deepEqual([...b64.x.response.body], [0xff])
  assert.deepEqual(b64.warnings, [])
  assert.deepEqual(
    [...one(entry({ request: { postData: { text: 'AAE=', _encoding: 'base64' } } })).x.request.body],
    [0, 1],
  )
  const odd = one(entry({ response: { content: { text: 'plain', encoding: 'hex' } } }))
  assert.equal(Buffer.from(odd.x.response.body).toString(), 'plain')
  assert.deepEqual(odd.warnings, ['unknown body encoding "hex": body read as UTF-8 text (1 entry)'])
  assert.deepEqual(one(entry({ response: { content: { text: 'a', encoding: '' } } })).warnings, [])
  assert.deepEqual(one(entry({ response: { content: { text: 'a', encoding: null } } })).warnings, [])
  const form = one(
    entry({ request: { method: 'POST', postData: { params: [{ name: 'a b', value: 'c&d' }, { name: 'e' }, null] } } }),
  )
  assert.equal(Buffer.from(form.x.request.body).toString(), 'a%20b=c%26d&e=&=')
  assert.deepEqual(form.warnings, ['request body rebuilt from postData.params as a URL-encoded form (1 entry)'])
  assert.equal(one(entry({ request: { postData: { mimeType: 'x' } } })).x.request.body.byteLength, 0)
  assert.equal(one(entry({ request: { postData: 'text' } })).x.request.body.byteLength, 0)
  assert.deepEqual(one(entry({ request: { bodySize: 12 } })).warnings, [
    'request body missing: imported as empty (1 entry)',
  ])
  assert.deepEqual(one(entry({ request: { bodySize: 0 } })).warnings, [])
  assert.deepEqual(one(entry({ response: { content: { size: 5 } } })).warnings, [
    'response body missing: imported as empty (1 entry)',
  ])
  assert.deepEqual(one(entry({ response: { content: { size: 0 }, bodySize: 7 } })).warnings, [
    'response body missing: imported as empty (1 entry)',
  ])
  assert.deepEqual(one(entry({ response: { content: { size: 0 }, bodySize: 0 } })).warnings, [])
  assert.deepEqual(one(entry({ response: { content: undefined } })).warnings, [])
  for (const [method, status] of [
    ['HEAD', 200],
    ['GET', 204],
    ['GET', 304],
    ['GET', 101],
    ['GET', 199],
  ] as const)
    assert.deepEqual(
      one(entry({ request: { method }, response: { status, content: { size: 5 } } })).warnings,
      [],
      `${method} ${status} has no body to miss`,
    )
})

test('a Content-Length that disagrees with the body is set to its length, except on responses that have no body', () => {
  const fixed = one(
    entry({
      request: { method: 'POST', headers: [['Content-Length', '99']], postData: { text: 'abc' } },
      response: {
        headers: [
          ['X-A', '1'],
          ['content-length', '50'],
        ],
        content: { text: 'hello' },
      },
    }),
  )
  assert.deepEqual(fixed.x.request.headers, [
    ['Host', 'h.test'],
    ['Content-Length', '3'],
  ])
  assert.deepEqual(fixed.x.response.headers, [
    ['X-A', '1'],
    ['content-length', '5'],
  ])
  assert.deepEqual(fixed.warnings, [
    "Content-Length did not match the body: set to the body's length (1 entry)",
    "request Content-Length did not match the body: set to the body's length (1 entry)",
  ])
  const agreed = one(
    entry({
      request: { headers: [['Content-Length', '0']] },
      response: { headers: [['Content-Length', '2']] },
    }),
  )
  assert.deepEqual(agreed.warnings, [])
  const head = one(
    entry({ request: { method: 'HEAD' }, response: { headers: [['Content-Length', '1234']], content: { size: 0 } } }),
  )
  assert.deepEqual(head.x.response.headers, [['Content-Length', '1234']])
  assert.deepEqual(head.warnings, [])
})

test('a body labelled with a Content-Encoding it is not in loses the label; a really encoded one keeps it', () => {
  const decoded = one(
    entry({
      response: {
        headers: [
          ['Content-Encoding', ' GZIP '],
          ['X-A', '1'],
        ],
        content: { text: 'plain' },
      },
    }),
  )
  assert.deepEqual(decoded.x.response.headers, [['X-A', '1']])
  assert.deepEqual(decoded.warnings, [
    'response body was already decoded but labelled Content-Encoding: removed the header (1 entry)',
  ])
  for (const encoding of ['br', 'deflate', 'x-gzip'])
    assert.deepEqual(
      one(entry({ response: { headers: [['Content-Encoding', encoding]], content: { text: 'plain' } } })).x.response
        .headers,
      [],
      encoding,
    )
  const gz = gzipSync('zipped')
  const kept = one(
    entry({
      response: {
        headers: [['Content-Encoding', 'gzip']],
        content: { text: gz.toString('base64'), encoding: 'base64' },
      },
    }),
  )
  assert.deepEqual(kept.x.response.headers, [['Content-Encoding', 'gzip']])
  assert.deepEqual(kept.warnings, [])
  for (const encoding of ['identity', 'zstd'])
    assert.deepEqual(
      one(entry({ response: { headers: [['Content-Encoding', encoding]], content: { text: 'plain' } } })).x.response
        .headers,
      [['Content-Encoding', encoding]],
      encoding,
    )
  assert.deepEqual(
    one(entry({ response: { headers: [['Content-Encoding', 'gzip']], content: { size: 0 } } })).x.response.headers,
    [['Content-Encoding', 'gzip']],
    'an empty body says nothing about its encoding',
  )
})

test('Nanoscope’s own fields come back: trailers that may trail, tags, byte counts, what made the response, the note', () => {
  const { x, warnings } = one(
    entry({
      request: {
        _trailers: [
          { name: 'X-Sum', value: 'abc' },
          { name: 'Content-Length', value: '3' },
          { name: 'bad name', value: 'x' },
          { name: 'X-Ctl', value: 'a\u0001' },
          { name: 'X-Num', value: 1 },
          null,
        ],
      },
      response: { _trailers: [{ name: 'grpc-status', value: '0' }] },
      _nanoscope: {
        tags: ['recorded', 7, 'chaos'],
        truncated: { request: 10, response: -1 },
        incomplete: { request: null, response: 2.5 },
        generated: { cause: 'refused', message: 'upstream refused' },
        note: 'a note',
      },
    }),
  )
  assert.deepEqual(x.request.trailers, [['X-Sum', 'abc']])
  assert.deepEqual(x.response.trailers, [['grpc-status', '0']])
  assert.deepEqual(warnings, ['trailers that cannot be sent as trailers dropped (1 entry)'])
  assert.deepEqual(x.tags, ['recorded', 'chaos'])
  assert.deepEqual(x.truncated, { request: 10 })
  assert.deepEqual(x.incomplete, { request: null })
  assert.deepEqual(x.generated, { cause: 'refused', message: 'upstream refused' })
  assert.equal(x.note, 'a note')
  const dropped = one(
    entry({
      request: { _trailers: [{ name: 'Host', value: 'x' }] },
      response: { _trailers: 'x' },
      _nanoscope: {
        tags: [1],
        truncated: { request: null, response: 'big' },
        incomplete: 3,
        generated: { cause: 'refused' },
        note: 5,
      },
    }),
  ).x
  for (const key of ['truncated', 'incomplete', 'generated', 'tags', 'note'] as const)
    assert.equal(key in dropped, false, key)
  assert.equal('trailers' in dropped.request, false)
  assert.equal('trailers' in dropped.response, false)
  assert.equal(one(entry({ _nanoscope: { truncated: { response: 0 } } })).x.truncated?.response, 0)
  assert.deepEqual(one(entry({ _nanoscope: { tags: [] } })).x.tags, undefined)
})

test('a file that is not HAR says why; a BOM is skipped; a HAR over the size limit is refused before parsing', () => {
  assert.throws(
    () => fromHar('{"log": {"entries": {}}}'),
    (e: Error) => e instanceof HarError && e.message === 'not a HAR file: there is no "log.entries" array',
  )
  assert.throws(() => fromHar('null'), /there is no "log.entries" array/)
  assert.throws(() => fromHar('{"log": 1}'), /there is no "log.entries" array/)
  assert.throws(
    () => fromHar('nope'),
    (e: Error) => e instanceof HarError && e.message.startsWith('not a HAR file: the JSON does not parse ('),
  )
  assert.equal(fromHar(`\ufeff${har(entry())}`).records.length, 1)
  assert.equal(fromHar(Buffer.from(`\ufeff${har(entry())}`)).records.length, 1)
  const huge = new Uint8Array(new ArrayBuffer(8), 0, 8)
  Object.defineProperty(huge, 'byteLength', { value: MAX_HAR_BYTES + 1 })
  assert.throws(
    () => fromHar(huge),
    (e: Error) =>
      e instanceof HarError &&
      e.message === `the HAR file is ${MAX_HAR_BYTES + 1} bytes; at most ${MAX_HAR_BYTES} can be imported`,
  )
  assert.equal(MAX_HAR_BYTES, 1024 ** 3)
})
