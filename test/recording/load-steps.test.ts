import { test } from 'node:test'
import assert from 'node:assert/strict'
import { toArtillery } from '../../electron/recording/artillery-export.ts'
import { toK6 } from '../../electron/recording/k6-export.ts'
import { bodiesDirFor, joinedHeaders, loadSteps, textOf } from '../../electron/recording/load-steps.ts'
import type { RecordedExchange } from '../../electron/recording/recorded-exchange.ts'
import { exchange } from './support.ts'

const t0 = 1_700_000_000_000

/** Three requests: 100 ms long, 250 ms idle, a JSON POST 50 ms long, 1,000 ms idle, a binary PUT. */
function session(): RecordedExchange[] {
  return [
    exchange({
      url: 'http://old.test/items?page=2#frag',
      startedAt: t0,
      durationMs: 100,
      requestHeaders: [
        ['Host', 'old.test'],
        ['Accept', 'text/html'],
        ['Connection', 'keep-alive, X-Hop , '],
        ['X-Hop', '1'],
        ['Keep-Alive', 'timeout=5'],
        ['Cookie', 'a=1'],
        ['cookie', 'b=2'],
        ['Accept', 'application/json'],
      ],
    }),
    exchange({
      method: 'POST',
      url: 'http://old.test/cart',
      startedAt: t0 + 350,
      durationMs: 50,
      requestBody: '{"sku":"A-1"}',
      requestHeaders: [
        ['Host', 'old.test'],
        ['Content-Type', 'application/json'],
        ['Content-Length', '13'],
      ],
    }),
    exchange({
      method: 'PUT',
      url: 'http://old.test/blob',
      startedAt: t0 + 1400,
      durationMs: 10,
      requestBody: Buffer.from([0, 1, 0xff]),
      requestHeaders: [['Content-Type', 'application/octet-stream']],
    }),
  ]
}

test('each load step waits the idle time between the previous exchange’s end and its start, divided by the speed', () => {
  assert.deepEqual(
    loadSteps(session()).map((s) => s.pauseMs),
    [0, 250, 1000],
  )
  assert.deepEqual(
    loadSteps(session(), { speed: 2 }).map((s) => s.pauseMs),
    [0, 125, 500],
  )
  assert.deepEqual(
    loadSteps(session(), { speed: 3 }).map((s) => s.pauseMs),
    [0, 83, 333],
  )
  assert.deepEqual(
    loadSteps(session(), { speed: Infinity }).map((s) => s.pauseMs),
    [0, 0, 0],
  )
  // Overlapping exchanges (the next started before the previous ended) and a negative duration wait nothing.
  const overlapping = [
    exchange({ startedAt: t0, durationMs: 500 }),
    exchange({ startedAt: t0 + 100, durationMs: -50 }),
    exchange({ startedAt: t0 + 130 }),
  ]
  assert.deepEqual(
    loadSteps(overlapping).map((s) => s.pauseMs),
    [0, 0, 30],
  )
})

test('a speed of zero, a negative one or NaN is refused with what to write instead', () => {
  for (const speed of [0, -1, Number.NaN])
    assert.throws(
      () => loadSteps(session(), { speed }),
      (e: Error) => e.message === `speed must be above 0 (Infinity for no pauses), got ${speed}`,
    )
})

test('a load step leaves out hop-by-hop fields, those Connection names, Host and Content-Length, and keeps the rest in order', () => {
  const [get, post, put] = loadSteps(session())
  assert.deepEqual(get!.headers, [
    ['Accept', 'text/html'],
    ['Cookie', 'a=1'],
    ['cookie', 'b=2'],
    ['Accept', 'application/json'],
  ])
  assert.deepEqual(post!.headers, [['Content-Type', 'application/json']])
  assert.deepEqual(put!.headers, [['Content-Type', 'application/octet-stream']])
  assert.deepEqual([get!.index, post!.index, put!.index], [0, 1, 2])
  assert.deepEqual([get!.method, post!.method, put!.method], ['GET', 'POST', 'PUT'])
})

test('a load step’s URL drops its fragment, and goes under the target when one is given', () => {
  assert.equal(loadSteps(session())[0]!.url, 'http://old.test/items?page=2')
  assert.deepEqual(
    loadSteps(session(), { target: 'https://new.test:8443/api/' }).map((s) => s.url),
    ['https://new.test:8443/api/items?page=2', 'https://new.test:8443/api/cart', 'https://new.test:8443/api/blob'],
  )
})

test('a load step carries its body as text only when it is UTF-8 without control characters, and says where a truncated body was cut', () => {
  const [get, post, put] = loadSteps(session())
  assert.equal(get!.text, '')
  assert.equal(post!.text, '{"sku":"A-1"}')
  assert.equal('text' in put!, false)
  assert.equal('truncatedFrom' in post!, false)
  const cut: RecordedExchange = { ...exchange({ requestBody: 'abc' }), truncated: { request: 9000 } }
  assert.equal(loadSteps([cut])[0]!.truncatedFrom, 9000)
  assert.equal(textOf(Buffer.from('tab\there\r\nnext line é')), 'tab\there\r\nnext line é')
  for (const bad of ['\u0000', '\u0008', '\u000b', '\u000c', '\u000e', '\u001f', '\u007f', '\ufffd'])
    assert.equal(textOf(Buffer.from(`a${bad}b`)), undefined, JSON.stringify(bad))
  assert.equal(textOf(Buffer.from([0x61, 0xc3])), undefined, 'a UTF-8 sequence cut short')
  assert.equal(textOf(Buffer.from(' ~')), ' ~')
})

test('repeated headers are sent once with their values joined, cookies by "; " and others by ", ", under the first spelling', () => {
  assert.deepEqual(
    joinedHeaders([
      ['Accept', 'text/html'],
      ['Cookie', 'a=1'],
      ['cookie', 'b=2'],
      ['ACCEPT', 'application/json'],
      ['X-One', 'v'],
    ]),
    [
      ['Accept', 'text/html, application/json'],
      ['Cookie', 'a=1; b=2'],
      ['X-One', 'v'],
    ],
  )
})

test('the bodies folder sits beside the script, named after it without its extension', () => {
  assert.equal(bodiesDirFor('/a/b.yml'), '/a/b.bodies')
  assert.equal(bodiesDirFor('/a.d/load'), '/a.d/load.bodies')
  assert.equal(bodiesDirFor('C:\\x.y\\load.js'), 'C:\\x.y\\load.bodies')
  assert.equal(bodiesDirFor('load.test.yml'), 'load.test.bodies')
})

test('an Artillery script sends each recorded request in order under the recorded origin, with pauses, headers and bodies', () => {
  const out = toArtillery(session(), { name: 'shop', bodiesDir: 'load.bodies' })
  assert.equal(out.requests, 3)
  assert.equal(
    out.script,
    [
      '# Artillery 2.x script written by "nanoscope export artillery" from the Nanoscope session "shop":',
      '# 3 recorded requests in order, with the recorded pauses.',
      '# Run it: artillery run THIS_FILE  (one virtual user, once; raise arrivalCount or add phases for load)',
      'config:',
      '  target: "http://old.test"',
      '  phases:',
      '    - name: "replay the recording once"',
      '      duration: 1',
      '      arrivalCount: 1',
      '  processor: "./load.bodies/processor.cjs"',
      'scenarios:',
      '  - name: "replay of shop"',
      '    flow:',
      '      - get:',
      '          name: "#1 GET /items?page=2"',
      '          url: "/items?page=2"',
      '          followRedirect: false',
      '          headers:',
      '            "Accept": "text/html, application/json"',
      '            "Cookie": "a=1; b=2"',
      '      - think: "250ms"',
      '      - post:',
      '          name: "#2 POST /cart"',
      '          url: "/cart"',
      '          followRedirect: false',
      '          headers:',
      '            "Content-Type": "application/json"',
      '          body: "{\\"sku\\":\\"A-1\\"}"',
      '      - think: "1000ms"',
      '      - put:',
      '          name: "#3 PUT /blob"',
      '          url: "/blob"',
      '          followRedirect: false',
      '          headers:',
      '            "Content-Type": "application/octet-stream"',
      '          beforeRequest: "nanoscopeBody3"',
      '',
    ].join('\n'),
  )
  assert.deepEqual(
    out.files.map((f) => f.path),
    ['load.bodies/3.bin', 'load.bodies/processor.cjs'],
  )
  assert.deepEqual([...out.files[0]!.bytes], [0, 1, 0xff])
  const processor = Buffer.from(out.files[1]!.bytes).toString()
  assert.match(processor, /^module\.exports = \{\n {2}nanoscopeBody3: body\("3\.bin"\),\n\}$/m)
  assert.match(processor, /requestParams\.body = bytes/)
})

test('an Artillery script with a target keeps the URLs outside it whole, names speed and emptiness, and writes a templated body to a file', () => {
  const templated = exchange({ method: 'POST', url: 'http://other.test/x', requestBody: 'hi {{ name }}' })
  const out = toArtillery([templated, exchange({ url: 'http://old.test/y', startedAt: t0 + 10 })], {
    bodiesDir: 'b',
    target: 'http://old.test/',
    speed: 2,
  })
  assert.match(out.script, /^ {2}target: "http:\/\/old\.test"$/m)
  assert.match(out.script, /^# 2 recorded requests in order, with the recorded pauses divided by 2\.$/m)
  assert.match(out.script, /^ {2}- name: "replay of session"$/m)
  // The target rebases every URL: both are under it, so both are written relative.
  assert.match(out.script, /^ {10}url: "\/x"$/m)
  assert.match(out.script, /^ {10}url: "\/y"$/m)
  assert.match(out.script, /^ {10}beforeRequest: "nanoscopeBody1"$/m)
  assert.deepEqual(
    out.files.map((f) => f.path),
    ['b/1.bin', 'b/processor.cjs'],
  )
  const untargeted = toArtillery(
    [
      exchange({ url: 'http://old.test/a' }),
      exchange({ url: 'http://elsewhere.test/b' }),
      exchange({ url: 'http://old.test?q=1' }),
    ],
    { bodiesDir: 'b', speed: Infinity },
  )
  assert.match(untargeted.script, /^# 3 recorded requests in order, back to back\.$/m)
  assert.match(untargeted.script, /^ {10}url: "\/a"$/m)
  assert.match(untargeted.script, /^ {10}url: "http:\/\/elsewhere\.test\/b"$/m)
  assert.match(untargeted.script, /^ {10}url: "\?q=1"$/m)
  assert.doesNotMatch(untargeted.script, /think/)
  assert.doesNotMatch(untargeted.script, /processor/)
  assert.deepEqual(untargeted.files, [])
  const empty = toArtillery([], { bodiesDir: 'b', speed: 1 })
  assert.match(empty.script, /^ {2}target: "http:\/\/localhost"$/m)
  assert.match(empty.script, /^ {4}flow: \[\]$/m)
  assert.match(empty.script, /^# 0 recorded requests in order, with the recorded pauses\.$/m)
  assert.equal(empty.requests, 0)
})

test('a k6 script sends each request in order, sleeps the recorded pauses, and reads a binary body from a file', async () => {
  const out = await toK6(session(), { name: 'shop', bodiesDir: 'load.bodies' })
  assert.equal(out.requests, 3)
  const lines = out.script.split('\n')
  assert.equal(
    lines[0],
    '// k6 script written by "nanoscope export k6" (with har-to-k6) from the Nanoscope session "shop":',
  )
  assert.equal(lines[1], '// 3 recorded requests in order, with the recorded pauses. Run it: k6 run THIS_FILE')
  assert.match(out.script, /const nanoscopeBody3 = open\("\.\/load\.bodies\/3\.bin", 'b'\)/)
  assert.match(out.script, /nanoscopeBody3[^=]/)
  assert.doesNotMatch(out.script, /NANOSCOPE_BODY_FILE_/)
  assert.doesNotMatch(out.script, /nanoscope\/no-content-type/)
  assert.match(out.script, /sleep\(0\.25\)/)
  assert.match(out.script, /sleep\(1\)/)
  assert.ok(out.script.indexOf('/items?page=2') < out.script.indexOf('/cart'))
  assert.ok(out.script.indexOf('/cart') < out.script.indexOf('/blob'))
  assert.ok(out.script.endsWith('\n') && !out.script.endsWith('\n\n'))
  assert.deepEqual(
    out.files.map((f) => f.path),
    ['load.bodies/3.bin'],
  )
  const fast = await toK6([exchange({ method: 'POST', requestBody: 'x', requestHeaders: [] })], {
    bodiesDir: 'b',
    speed: Infinity,
  })
  assert.match(fast.script, /^\/\/ 1 recorded requests in order, back to back\. Run it: k6 run THIS_FILE$/m)
  assert.match(fast.script, /^\/\/ .* the Nanoscope session "session":$/m)
  assert.doesNotMatch(fast.script, /content-type/i, 'no content type the recording did not send')
  assert.doesNotMatch(
    fast.script,
    /sleep/,
    'back to back: not even the sleep(1) har-to-k6 adds at the end of an iteration',
  )
})
