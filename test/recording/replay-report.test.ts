import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fixedClock } from '../../electron/core/clock.ts'
import { bodyBytes, generatedResponse, type Request, response } from '../../electron/core/message.ts'
import type { RecordedExchange } from '../../electron/recording/recorded-exchange.ts'
import { formatReport, rebaser, replay } from '../../electron/recording/replay.ts'
import { exchange } from './support.ts'

/** A server in memory: answers from `answer`, keeping each request it saw with its body bytes. */
function server(answer: (req: Request, index: number) => ReturnType<typeof response>) {
  const seen: Array<{ req: Request; body: string; trailers?: unknown }> = []
  return {
    seen,
    send: async (req: Request) => {
      const body = Buffer.from(await bodyBytes(req.body)).toString('latin1')
      seen.push({ req, body, ...(req.trailers ? { trailers: await req.trailers } : {}) })
      return answer(req, seen.length - 1)
    },
  }
}

const ok = (body = 'hello', headers: Array<[string, string]> = [['Content-Type', 'text/plain']]) =>
  response(200, { headers, body })

test('a replay report counts each outcome, gives latencies, and reads as one line per request and the totals', async () => {
  const records = [
    exchange({ url: 'http://old.test/same', durationMs: 4 }),
    exchange({ url: 'http://old.test/status', durationMs: 6 }),
    exchange({ url: 'http://old.test/body', durationMs: 8 }),
    exchange({ url: 'http://old.test/header', durationMs: 10 }),
    exchange({ url: 'http://old.test/refused', durationMs: 12 }),
    exchange({ url: 'http://old.test/throws', durationMs: 14 }),
  ]
  const clock = fixedClock(1000)
  const s = server((req) => {
    clock.advance(2)
    if (req.target.endsWith('/status'))
      return response(503, { headers: [['Content-Type', 'text/plain']], body: 'hello' })
    if (req.target.endsWith('/body')) return ok('help!')
    if (req.target.endsWith('/header')) return ok('hello', [['Content-Type', 'text/html']])
    if (req.target.endsWith('/refused')) return generatedResponse(502, 'refused', 'upstream refused the connection')
    if (req.target.endsWith('/throws')) throw new Error('socket hang up')
    return ok()
  })
  const report = await replay(records, { send: s.send, clock, speed: Infinity })
  assert.deepEqual(report.counts, { same: 1, changed: 3, failed: 2, 'not-sent': 0 })
  assert.equal(report.total, 6)
  assert.equal(report.speed, 'max')
  assert.equal(report.elapsedMs, 12)
  assert.equal('target' in report, false)
  assert.deepEqual(report.latency, {
    recorded: { count: 6, p50: 8, p95: 14, max: 14 },
    replayed: { count: 4, p50: 2, p95: 2, max: 2 },
  })
  assert.deepEqual(
    report.results.map((r) => [r.index, r.outcome, r.status, r.statusChanged]),
    [
      [0, 'same', 200, false],
      [1, 'changed', 503, true],
      [2, 'changed', 200, false],
      [3, 'changed', 200, false],
      [4, 'failed', 502, true],
      [5, 'failed', undefined, true],
    ],
  )
  assert.equal(
    formatReport(report),
    [
      '#1 GET http://old.test/same → 200 2 ms (recorded 4 ms): same',
      '#2 GET http://old.test/status → 503 2 ms (recorded 6 ms): status 200 → 503',
      '#3 GET http://old.test/body → 200 2 ms (recorded 8 ms): body differs (5 → 5 bytes, first at byte 3)',
      '#4 GET http://old.test/header → 200 2 ms (recorded 10 ms): content-type: ["text/plain"] → ["text/html"]',
      '#5 GET http://old.test/refused → 502 2 ms (recorded 12 ms): failed: upstream refused the connection',
      '#6 GET http://old.test/throws → --- 2 ms (recorded 14 ms): failed: socket hang up',
      '6 requests: 1 same, 3 changed, 2 failed, 0 not sent (12 ms, speed max)',
      'latency p50/p95/max: recorded 8/14/14 ms, replayed 2/2/2 ms (the 4 answered)',
      `not compared: ${report.ignoredHeaders.join(', ')}`,
      '',
    ].join('\n'),
  )
  assert.ok(report.ignoredHeaders.includes('date'))
  assert.equal(report.ignoredHeaders.at(-1), 'content-length (when the body differs or only one side has it)')
})

test('a replay that nothing answered says so, and one of an empty session says nothing was sent', async () => {
  const clock = fixedClock()
  const failing = await replay([exchange(), exchange()], {
    clock,
    speed: 2,
    send: async () => generatedResponse(504, 'timeout', 'the upstream timed out'),
  })
  assert.equal(failing.speed, 2)
  assert.deepEqual(failing.latency.replayed, { count: 0, p50: 0, p95: 0, max: 0 })
  assert.deepEqual(failing.latency.recorded, { count: 2, p50: 5, p95: 5, max: 5 })
  const text = formatReport(failing)
  assert.match(text, /^2 requests: 0 same, 0 changed, 2 failed, 0 not sent \(0 ms, speed 2x\)$/m)
  assert.match(text, /^every request failed, so there is no latency to compare; the first: the upstream timed out$/m)
  const empty = await replay([], { clock, send: async () => ok() })
  assert.deepEqual(empty.counts, { same: 0, changed: 0, failed: 0, 'not-sent': 0 })
  assert.match(formatReport(empty), /^the session holds no requests: nothing was sent$/m)
  assert.match(formatReport(empty), /^0 requests: .* speed 1x\)$/m)
})

test('a rebased replay sends the recorded path and query under the target, with Host following it', async () => {
  const s = server(() => ok())
  const report = await replay(
    [
      exchange({
        url: 'http://old.test:8080/a/b?x=1#frag',
        requestHeaders: [
          ['host', 'old.test:8080'],
          ['X-A', '1'],
        ],
      }),
    ],
    { send: s.send, clock: fixedClock(), speed: Infinity, target: 'https://new.test:8443/base/' },
  )
  assert.equal(report.target, 'https://new.test:8443/base/')
  assert.equal(s.seen[0]!.req.target, 'https://new.test:8443/base/a/b?x=1')
  assert.deepEqual(s.seen[0]!.req.headers, [
    ['host', 'new.test:8443'],
    ['X-A', '1'],
  ])
  assert.equal(report.results[0]!.url, 'https://new.test:8443/base/a/b?x=1')
  assert.equal(rebaser('http://new.test')('http://old.test'), 'http://new.test/')
  assert.equal(rebaser('http://new.test/')('http://old.test?q'), 'http://new.test/?q')
  assert.equal(rebaser('http://new.test:80/p')('http://old.test/x'), 'http://new.test/p/x')
  assert.throws(
    () => rebaser('ftp://new.test'),
    (e: Error) => e.message === 'the replay target must be an http(s) URL, got ftp://new.test',
  )
  const plain = server(() => ok())
  await replay([exchange({ requestHeaders: [['Host', 'example.com']] })], {
    send: plain.send,
    clock: fixedClock(),
    speed: Infinity,
  })
  assert.equal(plain.seen[0]!.req.target, 'http://example.com/a')
  assert.deepEqual(plain.seen[0]!.req.headers, [['Host', 'example.com']], 'not rebased: Host as recorded')
})

test('a request whose body was cut sends what was kept, its Content-Length saying so; a whole one is sent as recorded', async () => {
  const s = server(() => ok())
  const cut = (over: Partial<RecordedExchange>): RecordedExchange => ({
    ...exchange({
      method: 'POST',
      requestBody: 'abc',
      requestHeaders: [
        ['Host', 'example.com'],
        ['Content-Length', '1000'],
      ],
    }),
    ...over,
  })
  await replay(
    [
      cut({ truncated: { request: 1000 } }),
      cut({ incomplete: { request: 997 } }),
      cut({ incomplete: { request: null } }),
      cut({}),
      cut({ incomplete: { response: 5 } }),
    ],
    { send: s.send, clock: fixedClock(), speed: Infinity },
  )
  assert.deepEqual(
    s.seen.map(({ req, body }) => [req.headers[1]![1], body, req.method, req.version]),
    [
      ['3', 'abc', 'POST', '1.1'],
      ['3', 'abc', 'POST', '1.1'],
      ['3', 'abc', 'POST', '1.1'],
      ['1000', 'abc', 'POST', '1.1'],
      ['1000', 'abc', 'POST', '1.1'],
    ],
  )
})

test('a request with trailers is sent chunked (no Content-Length) and ends with them; one without has none', async () => {
  const s = server(() => ok())
  const withTrailers: RecordedExchange = {
    ...exchange({
      method: 'POST',
      requestBody: 'data',
      requestHeaders: [
        ['Host', 'example.com'],
        ['Content-Length', '4'],
        ['TE', 'trailers'],
      ],
    }),
  }
  const x = { ...withTrailers, request: { ...withTrailers.request, trailers: [['X-Sum', '42']] as const } }
  const empty = { ...withTrailers, request: { ...withTrailers.request, trailers: [] } }
  await replay([x, empty], { send: s.send, clock: fixedClock(), speed: Infinity })
  const [first, second] = s.seen
  assert.deepEqual(first!.req.headers, [
    ['Host', 'example.com'],
    ['TE', 'trailers'],
  ])
  assert.equal(first!.req.body.kind, 'stream')
  assert.equal(first!.body, 'data')
  assert.deepEqual(first!.trailers, [['X-Sum', '42']])
  assert.deepEqual(second!.req.headers, withTrailers.request.headers)
  assert.equal(second!.req.body.kind, 'bytes')
  assert.equal(second!.req.trailers, undefined)
  assert.ok(Object.isFrozen(first!.req) && Object.isFrozen(first!.req.headers))
  assert.ok(Object.isFrozen(second!.req) && Object.isFrozen(second!.req.headers[0]))
})

test('a response recorded cut short is not compared by body; its status and headers still are', async () => {
  const s = server(() => ok('entirely different'))
  const recorded = (over: Partial<RecordedExchange>) => ({ ...exchange({ responseBody: 'hel' }), ...over })
  const report = await replay(
    [recorded({ truncated: { response: 5 } }), recorded({ incomplete: { response: 2 } }), recorded({})],
    { send: s.send, clock: fixedClock(), speed: Infinity },
  )
  assert.deepEqual(
    report.results.map((r) => [r.outcome, r.body]),
    [
      ['same', undefined],
      ['same', undefined],
      ['changed', { recordedSize: 3, size: 18, firstDifferenceAt: 0 }],
    ],
  )
})

test('replay refuses a speed of zero or less, sends only the first `limit`, and reports progress as each ends', async () => {
  for (const speed of [0, -1, Number.NaN])
    await assert.rejects(
      replay([exchange()], { speed, send: async () => ok() }),
      (e: Error) => e.message === `replay speed must be above 0 (Infinity for as fast as possible), got ${speed}`,
    )
  const s = server(() => ok())
  const progress: Array<[number, number, number]> = []
  const report = await replay(
    [exchange({ url: 'http://h.test/1' }), exchange({ url: 'http://h.test/2' }), exchange({ url: 'http://h.test/3' })],
    {
      send: s.send,
      clock: fixedClock(),
      speed: Infinity,
      limit: 2,
      onProgress: (p) => progress.push([p.done, p.total, p.result.index]),
    },
  )
  assert.equal(report.total, 2)
  assert.deepEqual(
    s.seen.map(({ req }) => req.target),
    ['http://h.test/1', 'http://h.test/2'],
  )
  assert.deepEqual(progress, [
    [1, 2, 0],
    [2, 2, 1],
  ])
})

test('a replay of a stream counts progress against the expected total, and a stopped one reports the rest as not sent', async () => {
  async function* stream() {
    yield exchange({ url: 'http://h.test/1' })
    yield exchange({ url: 'http://h.test/2' })
    yield exchange({ url: 'http://h.test/3' })
  }
  const stop = new AbortController()
  const progress: Array<[number, number]> = []
  const s = server(() => {
    stop.abort()
    return ok()
  })
  const report = await replay(stream(), {
    send: s.send,
    clock: fixedClock(),
    speed: Infinity,
    expectedTotal: 5,
    signal: stop.signal,
    onProgress: (p) => progress.push([p.done, p.total]),
  })
  assert.deepEqual(
    report.results.map((r) => [r.outcome, r.url, r.error]),
    [
      ['same', 'http://h.test/1', undefined],
      ['not-sent', 'http://h.test/2', 'the replay was stopped'],
      ['not-sent', 'http://h.test/3', 'the replay was stopped'],
    ],
  )
  assert.deepEqual(progress, [
    [1, 5],
    [2, 5],
    [3, 5],
  ])
  assert.deepEqual(report.counts, { same: 1, changed: 0, failed: 0, 'not-sent': 2 })
  assert.deepEqual(report.latency.recorded, { count: 1, p50: 5, p95: 5, max: 5 }, 'only what was sent')
  assert.match(formatReport(report), /^#2 GET http:\/\/h\.test\/2 → ---: not sent: the replay was stopped$/m)
  assert.match(formatReport(report), /\(the 1 answered\)$/m)
  const already = new AbortController()
  already.abort()
  const none = await replay([exchange()], { send: async () => ok(), signal: already.signal, clock: fixedClock() })
  assert.deepEqual(none.counts, { same: 0, changed: 0, failed: 0, 'not-sent': 1 })
})

test('a source that fails mid-way fails the replay with its error, after what was in flight ends', async () => {
  async function* broken() {
    yield exchange()
    throw new Error('segment 00000001 is missing')
  }
  const s = server(() => ok())
  await assert.rejects(
    replay(broken(), { send: s.send, clock: fixedClock(), speed: Infinity }),
    /segment 00000001 is missing/,
  )
  assert.equal(s.seen.length, 1)
})
