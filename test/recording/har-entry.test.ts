import { test } from 'node:test'
import assert from 'node:assert/strict'
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib'
import { bodyText, toHar } from '../../electron/recording/har-export.ts'
import type { RecordedExchange } from '../../electron/recording/recorded-exchange.ts'
import { exchange } from './support.ts'

const nv = (pairs: Array<[string, string]>) => pairs.map(([name, value]) => ({ name, value }))

const rich: RecordedExchange = {
  startedAt: 1_700_000_000_000,
  durationMs: 20,
  waitMs: 15,
  request: {
    method: 'POST',
    url: 'http://api.test/p?a=1&b&c=x%20y+z&d=%zz#frag',
    version: '1.1',
    headers: [
      ['Host', 'api.test'],
      ['Cookie', 's=1; t=2;; u'],
      ['cookie', 'v=3'],
      ['Content-Type', 'text/plain'],
    ],
    body: Buffer.from('hi'),
    trailers: [['X-Sum', 'abc']],
  },
  response: {
    status: 302,
    reason: 'Found',
    version: 'http/2.0',
    headers: [
      ['Location', '/next'],
      ['Content-Encoding', ' GZIP '],
      [
        'Set-Cookie',
        'id=9; Path=/p; Domain=api.test; Expires=Wed, 01 Jan 2025 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax',
      ],
      ['Set-Cookie', 'flag'],
      ['Set-Cookie', 'e=1; Expires=never'],
    ],
    body: gzipSync('decoded!'),
    trailers: [['grpc-status', '0']],
  },
  truncated: { response: 99 },
  incomplete: { request: null },
  generated: { cause: 'reset', message: 'upstream reset' },
  tags: ['recorded'],
  note: 'n',
}

test('a HAR entry carries every part of the exchange where HAR 1.2 puts it, and the rest under _nanoscope', () => {
  const har = toHar([rich], { comment: 'from a test', creator: { name: 't', version: '9' } })
  assert.equal(har.log.version, '1.2')
  assert.deepEqual(har.log.creator, { name: 't', version: '9' })
  assert.equal(har.log.comment, 'from a test')
  assert.deepEqual(JSON.parse(JSON.stringify(har.log.entries[0])), {
    startedDateTime: '2023-11-14T22:13:20.000Z',
    time: 20,
    request: {
      method: 'POST',
      url: 'http://api.test/p?a=1&b&c=x%20y+z&d=%zz',
      httpVersion: 'HTTP/1.1',
      cookies: [
        { name: 's', value: '1' },
        { name: 't', value: '2' },
        { name: 'u', value: '' },
        { name: 'v', value: '3' },
      ],
      headers: nv(rich.request.headers as Array<[string, string]>),
      queryString: [
        { name: 'a', value: '1' },
        { name: 'b', value: '' },
        { name: 'c', value: 'x y z' },
        { name: 'd', value: '%zz' },
      ],
      headersSize: -1,
      bodySize: 2,
      postData: { mimeType: 'text/plain', text: 'hi' },
      _trailers: [{ name: 'X-Sum', value: 'abc' }],
    },
    response: {
      status: 302,
      statusText: 'Found',
      httpVersion: 'HTTP/2.0',
      cookies: [
        {
          name: 'id',
          value: '9',
          path: '/p',
          domain: 'api.test',
          expires: '2025-01-01T00:00:00.000Z',
          httpOnly: true,
          secure: true,
        },
        { name: 'flag', value: '' },
        { name: 'e', value: '1' },
      ],
      headers: nv(rich.response.headers as Array<[string, string]>),
      content: { size: 8, mimeType: 'application/octet-stream', text: 'decoded!', compression: -20 },
      redirectURL: '/next',
      headersSize: -1,
      bodySize: 99,
      _trailers: [{ name: 'grpc-status', value: '0' }],
    },
    cache: {},
    timings: { send: 0, wait: 15, receive: 5 },
    _nanoscope: {
      tags: ['recorded'],
      truncated: { response: 99 },
      incomplete: { request: null },
      generated: { cause: 'reset', message: 'upstream reset' },
      note: 'n',
    },
  })
})

test('a bare HAR entry: no comment, no cookies, a binary request body as base64, no response body, no _nanoscope', () => {
  const bare: RecordedExchange = {
    startedAt: 1_700_000_000_000,
    durationMs: -5,
    request: {
      method: 'PUT',
      url: 'http://api.test/',
      version: '',
      headers: [],
      body: Buffer.from([0, 1]),
      trailers: [],
    },
    response: { status: 204, reason: '', version: '1.0', headers: [], body: Buffer.alloc(0), trailers: [] },
    tags: [],
  }
  const har = toHar([bare])
  assert.deepEqual(har.log.creator, { name: 'Nanoscope', version: '0.1.0' })
  assert.equal('comment' in har.log, false)
  assert.deepEqual(JSON.parse(JSON.stringify(har.log.entries[0])), {
    startedDateTime: '2023-11-14T22:13:20.000Z',
    time: 0,
    request: {
      method: 'PUT',
      url: 'http://api.test/',
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: [],
      queryString: [],
      headersSize: -1,
      bodySize: 2,
      postData: { mimeType: 'application/octet-stream', text: 'AAE=', _encoding: 'base64' },
    },
    response: {
      status: 204,
      statusText: '',
      httpVersion: 'HTTP/1.0',
      cookies: [],
      headers: [],
      content: { size: 0, mimeType: '', text: '' },
      redirectURL: '',
      headersSize: -1,
      bodySize: 0,
    },
    cache: {},
    timings: { send: 0, wait: 0, receive: 0 },
  })
})

test('the wait is the time to the response head, within the whole time; without one, all of it', () => {
  const timings = (over: Partial<RecordedExchange>) => toHar([{ ...exchange(), ...over }]).log.entries[0]!.timings
  assert.deepEqual(timings({ durationMs: 10, waitMs: 4 }), { send: 0, wait: 4, receive: 6 })
  assert.deepEqual(timings({ durationMs: 10, waitMs: 40 }), { send: 0, wait: 10, receive: 0 })
  assert.deepEqual(timings({ durationMs: 10, waitMs: -3 }), { send: 0, wait: 0, receive: 10 })
  assert.deepEqual(timings({ durationMs: 10, waitMs: undefined }), { send: 0, wait: 10, receive: 0 })
})

test('a response body in gzip, deflate (zlib or raw) or br is given decoded, with the bytes saved; anything else as sent', () => {
  const content = (encoding: string, body: Uint8Array) =>
    toHar([
      exchange({
        responseBody: body,
        responseHeaders: [
          ['Content-Type', 'text/plain'],
          ['Content-Encoding', encoding],
        ],
      }),
    ]).log.entries[0]!.response.content
  const text = 'the same text, again and again and again and again'
  for (const [encoding, body] of [
    ['gzip', gzipSync(text)],
    ['x-gzip', gzipSync(text)],
    ['deflate', deflateSync(text)],
    ['deflate', deflateRawSync(text)],
    ['br', brotliCompressSync(text)],
    ['BR', brotliCompressSync(text)],
  ] as const) {
    assert.deepEqual(
      content(encoding, body),
      { size: text.length, mimeType: 'text/plain', text, compression: text.length - body.byteLength },
      `${encoding} (${body.byteLength} bytes)`,
    )
  }
  assert.deepEqual(content('gzip', Buffer.from('not gzip')), { size: 8, mimeType: 'text/plain', text: 'not gzip' })
  assert.deepEqual(content('zstd', Buffer.from('as sent')), { size: 7, mimeType: 'text/plain', text: 'as sent' })
  assert.deepEqual(content('gzip', Buffer.alloc(0)), { size: 0, mimeType: 'text/plain', text: '' })
})

test('a body is text when it is UTF-8 without control characters (tab, CR, LF and DEL allowed), else base64', () => {
  assert.deepEqual(bodyText(Buffer.from('a\tb\r\nc é \u007f')), { text: 'a\tb\r\nc é \u007f', base64: false })
  for (const c of ['\u0000', '\u0008', '\u000b', '\u000c', '\u000e', '\u001f', '\ufffd']) {
    const bytes = Buffer.from(`x${c}y`)
    assert.deepEqual(bodyText(bytes), { text: bytes.toString('base64'), base64: true }, JSON.stringify(c))
  }
  assert.deepEqual(bodyText(Buffer.from([0xc3])), { text: 'ww==', base64: true })
  const view = Buffer.from('..ok..').subarray(2, 4)
  assert.deepEqual(bodyText(view), { text: 'ok', base64: false })
  assert.deepEqual(bodyText(new Uint8Array(0)), { text: '', base64: false })
})

test('a recorded URL that is not absolute exports with an empty query string, not a made-up one', () => {
  const entry = (url: string) => toHar([exchange({ url })]).log.entries[0]!.request
  assert.deepEqual(entry('/relative?x=1').queryString, [])
  assert.deepEqual(entry('not a url').queryString, [])
  assert.deepEqual(entry('http://h.test/a?x=1').queryString, [{ name: 'x', value: '1' }])
  assert.deepEqual(entry('http://h.test/a?').queryString, [])
})

test('HAR cookies: a nameless one keeps its value, unknown attributes set nothing, an attribute value keeps its "="', () => {
  const har = toHar([
    exchange({
      requestHeaders: [['Cookie', '=v; a=b=c']],
      responseHeaders: [
        ['Set-Cookie', 'x=1; SameSite=Strict; Priority=High'],
        ['Set-Cookie', 'p=1; Path=/a=b; Domain'],
      ],
    }),
  ]).log.entries[0]!
  assert.deepEqual(har.request.cookies, [
    { name: '', value: 'v' },
    { name: 'a', value: 'b=c' },
  ])
  assert.deepEqual(JSON.parse(JSON.stringify(har.response.cookies)), [
    { name: 'x', value: '1' },
    { name: 'p', value: '1', path: '/a=b', domain: '' },
  ])
})
