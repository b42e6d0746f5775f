import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Duplex, Readable } from 'node:stream'
import { randomBytes } from 'node:crypto'
import { captureTo, type CaptureOptions } from '../../electron/capture/capture-filter.ts'
import type { CapturedExchange } from '../../electron/capture/captured-exchange.ts'
import { CaptureHub } from '../../electron/capture/capture-hub.ts'
import { ExchangeStore } from '../../electron/capture/exchange-store.ts'
import { fixedClock } from '../../electron/core/clock.ts'
import type { HttpHandler } from '../../electron/core/http.ts'
import {
  bodyBytes,
  bodyText,
  generatedResponse,
  request,
  response,
  streamBody,
  type Response,
} from '../../electron/core/message.ts'
import { until } from './fixtures.ts'

function recorder(overrides: Partial<CaptureOptions> = {}) {
  const records: CapturedExchange[] = []
  const clock = fixedClock(1_700_000_000_000)
  const options: CaptureOptions = { listenerId: 'l1', clock, bodyCap: () => 1024, enabled: () => true, ...overrides }
  return {
    records,
    clock,
    capture: (h: HttpHandler) => captureTo({ exchangeCompleted: (r) => records.push(r) }, options)(h),
  }
}

test('a completed exchange is recorded once with its URL, headers, bodies, sizes and timings', async () => {
  const { records, clock, capture } = recorder()
  const handler = capture(async (req) => {
    clock.advance(7)
    return response(201, {
      headers: [
        ['Content-Type', 'text/plain'],
        ['X-A', '1'],
        ['x-a', '2'],
      ],
      body: `got ${await bodyText(req.body)}`,
    })
  })
  const res = await handler(
    request({ method: 'POST', target: '/a/../b?q=1', headers: [['host', 'example.com:8080']], body: 'ping' }),
  )
  assert.equal(await bodyText(res.body), 'got ping')
  assert.equal(records.length, 1)
  const r = records[0]!
  assert.equal(r.listenerId, 'l1')
  assert.equal(r.startedAt, 1_700_000_000_000)
  assert.deepEqual(
    [r.method, r.target, r.url, r.host, r.path, r.httpVersion],
    ['POST', '/a/../b?q=1', 'http://example.com:8080/a/../b?q=1', 'example.com:8080', '/a/../b?q=1', '1.1'],
  )
  assert.deepEqual([r.status, r.reason, r.contentType], [201, 'Created', 'text/plain'])
  assert.deepEqual(r.requestHeaders, [['host', 'example.com:8080']])
  assert.deepEqual(r.responseHeaders, [
    ['Content-Type', 'text/plain'],
    ['X-A', '1'],
    ['x-a', '2'],
  ])
  assert.deepEqual([r.requestSize, r.responseSize], [4, 8])
  assert.equal(Buffer.from(r.requestBody!.bytes).toString(), 'ping')
  assert.equal(Buffer.from(r.responseBody!.bytes).toString(), 'got ping')
  assert.deepEqual(r.timings, { requestBodyDone: 0, responseHeaders: 7, responseDone: 7 })
  assert.equal(r.durationMs, 7)
  assert.deepEqual(r.outcome, { kind: 'completed' })
  assert.deepEqual(r.tags, [])
})

test('absolute-form targets are used as the URL and CONNECT targets as host:port', async () => {
  const { records, capture } = recorder()
  const handler = capture(async () => response(200))
  await handler(request({ target: 'http://api.test/v1?x', headers: [['Host', 'other']] }))
  await handler(request({ method: 'CONNECT', target: 'secure.test:443' }))
  assert.deepEqual(
    records.map((r) => [r.url, r.host, r.path]),
    [
      ['http://api.test/v1?x', 'api.test', '/v1?x'],
      ['secure.test:443', 'secure.test:443', ''],
    ],
  )
})

test('with capture disabled the request passes through untouched and nothing is recorded', async () => {
  const { records, capture } = recorder({ enabled: () => false })
  const req = request({ target: '/', body: streamBody(Readable.from([Buffer.from('x')])) })
  let seen: unknown
  await capture(async (r) => {
    seen = r
    return response(204)
  })(req)
  assert.equal(seen, req)
  assert.equal(records.length, 0)
})

test('a streamed 1 MiB body passes byte-identical and is stored truncated at the cap with its real size', async () => {
  const { records, capture } = recorder({ bodyCap: () => 100 })
  const payload = randomBytes(1024 * 1024)
  const chunks = Array.from({ length: 64 }, (_, i) => payload.subarray(i * 16384, (i + 1) * 16384))
  const handler = capture(async (req) => {
    const echoed = await bodyBytes(req.body)
    return response(200, { body: streamBody(Readable.from(chunks.map((c) => Buffer.from(c))), echoed.length) })
  })
  const res = await handler(
    request({ method: 'PUT', target: '/up', body: streamBody(Readable.from(chunks), payload.length) }),
  )
  assert.equal(records.length, 0, 'nothing is delivered before the response body has been read')
  const received = await bodyBytes(res.body)
  assert.ok(received.equals(payload))
  await until(() => records.length === 1)
  const r = records[0]!
  for (const body of [r.requestBody!, r.responseBody!]) {
    assert.equal(body.bytes.byteLength, 100)
    assert.ok(Buffer.from(body.bytes).equals(payload.subarray(0, 100)))
    assert.equal(body.size, payload.length)
    assert.equal(body.truncated, true)
  }
  assert.deepEqual([r.requestSize, r.responseSize], [payload.length, payload.length])
})

test('a streamed body is not read ahead of its consumer, so backpressure reaches the source', async () => {
  const { capture } = recorder({ bodyCap: () => 100 })
  let produced = 0
  const source = new Readable({
    read() {
      if (produced >= 1024 * 1024) return void this.push(null)
      produced += 16384
      this.push(Buffer.alloc(16384))
    },
  })
  const res = await capture(async () => response(200, { body: streamBody(source) }))(request({ target: '/' }))
  await new Promise((r) => setTimeout(r, 30))
  assert.ok(produced <= 256 * 1024, `the source produced ${produced} bytes with nobody reading`)
  assert.equal((await bodyBytes(res.body)).length, 1024 * 1024)
})

test('a generated failure is recorded as failed with its cause and tagged generated', async () => {
  const { records, capture } = recorder()
  const res = await capture(async () => generatedResponse(502, 'refused', 'upstream refused the connection'))(
    request({ target: '/' }),
  )
  assert.equal(res.status, 502)
  assert.deepEqual(records[0]!.outcome, {
    kind: 'failed',
    cause: 'refused',
    message: 'upstream refused the connection',
  })
  assert.deepEqual(records[0]!.tags, ['generated'])
})

test('a client that goes away before the response body ends is recorded as aborted', async () => {
  const { records, capture } = recorder()
  const controller = new AbortController()
  const endless = new Readable({ read() {} })
  endless.push('first chunk')
  const req = { ...request({ target: '/slow' }), signal: controller.signal }
  const res = await capture(async () => response(200, { body: streamBody(endless) }))(req)
  const reader = res.body.kind === 'stream' ? res.body.stream : assert.fail('expected a stream body')
  await new Promise<void>((resolve) => reader.once('data', () => resolve()))
  assert.equal(records.length, 0)
  controller.abort()
  assert.equal(records.length, 1)
  assert.equal(records[0]!.outcome.kind, 'aborted')
  reader.destroy()
  await new Promise((r) => setTimeout(r, 10))
  assert.equal(records.length, 1, 'the record is delivered once')
})

test('a response body stream that errors mid-way is recorded as failed with cause reset', async () => {
  const { records, capture } = recorder()
  const broken = new Readable({ read() {} })
  broken.push('partial')
  setTimeout(() => broken.destroy(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })), 5)
  const res = await capture(async () => response(200, { body: streamBody(broken, 100) }))(request({ target: '/' }))
  await assert.rejects(bodyBytes(res.body), /socket hang up/)
  await until(() => records.length === 1)
  const r = records[0]!
  assert.deepEqual(r.outcome, { kind: 'failed', cause: 'reset', message: 'socket hang up' })
  assert.equal(Buffer.from(r.responseBody!.bytes).toString(), 'partial')
  assert.equal(r.responseBody!.truncated, true)
})

test('a handler that throws is recorded as an internal failure and the error still reaches the caller', async () => {
  const { records, capture } = recorder()
  await assert.rejects(
    capture(async () => {
      throw new Error('boom')
    })(request({ target: '/' })),
    /boom/,
  )
  assert.deepEqual(records[0]!.outcome, { kind: 'failed', cause: 'internal', message: 'boom' })
  assert.equal(records[0]!.status, undefined)
})

test('a sink that throws never breaks the exchange', async () => {
  const clock = fixedClock()
  const filter = captureTo(
    {
      exchangeCompleted: () => {
        throw new Error('sink broke')
      },
    },
    { listenerId: 'l1', clock, bodyCap: () => 10, enabled: () => true },
  )
  const res = await filter(async () => response(200, { body: 'fine' }))(request({ target: '/' }))
  assert.equal(await bodyText(res.body), 'fine')
})

test('a tunnel is recorded when it opens and updated with the same id and seq when it closes', async () => {
  const hub = new CaptureHub()
  const clock = fixedClock(5000)
  let closeTunnel: () => void = () => {}
  const upstream: HttpHandler = async () =>
    ({
      ...response(200, { reason: 'Connection Established', tags: ['websocket'] }),
      tunnel: () =>
        new Promise((resolve) => {
          closeTunnel = () => resolve({ bytesUp: 12, bytesDown: 34 })
        }),
    }) satisfies Response
  const res = await hub.captureFilter('l1', clock)(upstream)(request({ method: 'CONNECT', target: 'secure.test:443' }))
  const opened = hub.summaries()
  assert.equal(opened.length, 1)
  assert.deepEqual(opened[0]!.outcome, { kind: 'pending' })
  assert.deepEqual(opened[0]!.tags, ['websocket', 'tunnel'])
  const running = res.tunnel!(
    new Duplex({
      read() {},
      write(_c, _e, cb) {
        cb()
      },
    }),
    Buffer.alloc(0),
  )
  clock.advance(250)
  closeTunnel()
  assert.deepEqual(await running, { bytesUp: 12, bytesDown: 34 })
  const closed = hub.summaries()
  assert.equal(closed.length, 1)
  assert.equal(closed[0]!.id, opened[0]!.id)
  assert.equal(closed[0]!.seq, opened[0]!.seq)
  assert.deepEqual(closed[0]!.outcome, { kind: 'completed' })
  assert.equal(closed[0]!.durationMs, 250)
  assert.deepEqual(hub.detail(closed[0]!.id)!.tunnel, { bytesUp: 12, bytesDown: 34 })
  hub.close()
})

test('a client that goes away before the response head is recorded as aborted, once', async () => {
  const { records, capture } = recorder()
  const controller = new AbortController()
  let answer: (res: Response) => void = () => {}
  const pending = capture(
    () =>
      new Promise<Response>((resolve) => {
        answer = resolve
      }),
  )({ ...request({ target: '/' }), signal: controller.signal })
  controller.abort()
  answer(response(200, { body: 'too late' }))
  await pending
  assert.equal(records.length, 1)
  assert.equal(records[0]!.outcome.kind, 'aborted')
  assert.equal(records[0]!.status, undefined)
})

test('every exchange gets its own id', async () => {
  const { records, capture } = recorder()
  const handler = capture(async () => response(204))
  for (let i = 0; i < 100; i++) await handler(request({ target: '/' }))
  assert.equal(new Set(records.map((r) => r.id)).size, 100)
})

test("an exchange's trailers are captured once its bodies end, and the store's detail carries them", async () => {
  const { records, capture } = recorder()
  const trailers = Object.freeze([Object.freeze(['grpc-status', '0'] as const)])
  const handler = capture(async () =>
    Object.freeze({
      ...response(200, { version: '2', body: streamBody(Readable.from([Buffer.from('reply')])) }),
      trailers: Promise.resolve(trailers),
    }),
  )
  const res = await handler(request({ method: 'POST', target: '/rpc', version: '2', headers: [['host', 'h']] }))
  assert.equal(await bodyText(res.body), 'reply')
  await until(() => records.length === 1)
  assert.deepEqual(records[0]!.responseTrailers, [['grpc-status', '0']])
  assert.equal(records[0]!.requestTrailers, undefined)
  const store = new ExchangeStore()
  store.upsert(records[0]!)
  assert.deepEqual(store.detail(records[0]!.id)!.responseTrailers, [['grpc-status', '0']])
  assert.equal('requestTrailers' in store.detail(records[0]!.id)!, false)
})

test('a response whose trailers turned out empty is captured without any', async () => {
  const { records, capture } = recorder()
  const handler = capture(async () =>
    Object.freeze({
      ...response(200, { body: streamBody(Readable.from([Buffer.from('x')])) }),
      trailers: Promise.resolve(Object.freeze([])),
    }),
  )
  await bodyText((await handler(request({ target: '/t', headers: [['Host', 'h']] }))).body)
  await until(() => records.length === 1)
  assert.equal(records[0]!.responseTrailers, undefined)
})

test('an exchange whose body was replaced is captured when that body ends, without the old body’s trailers that never come', async () => {
  const { records, capture } = recorder()
  const handler = capture(async () =>
    Object.freeze({
      ...response(200, { body: streamBody(Readable.from([Buffer.from('new')])) }),
      trailers: new Promise<never>(() => {}),
    }),
  )
  assert.equal(await bodyText((await handler(request({ target: '/r', headers: [['Host', 'h']] }))).body), 'new')
  await until(() => records.length === 1)
  assert.equal(records[0]!.responseTrailers, undefined)
})

test('an exchange whose trailers fail is captured without them', async () => {
  const { records, capture } = recorder()
  const handler = capture(async () =>
    Object.freeze({
      ...response(200, { body: streamBody(Readable.from([Buffer.from('x')])) }),
      trailers: Promise.reject(new Error('a script’s trailers failed')),
    }),
  )
  await bodyText((await handler(request({ target: '/f', headers: [['Host', 'h']] }))).body)
  await until(() => records.length === 1)
  assert.equal(records[0]!.responseTrailers, undefined)
})
