import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Duplex, Readable } from 'node:stream'
import { captureTo, type CaptureOptions } from '../../electron/capture/capture-filter.ts'
import type { CapturedExchange, CaptureSink } from '../../electron/capture/captured-exchange.ts'
import type { Clock } from '../../electron/core/clock.ts'
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

function recorder(overrides: Partial<CaptureOptions> = {}, sink: Partial<CaptureSink> = {}) {
  const records: CapturedExchange[] = []
  const updates: boolean[] = []
  const options: CaptureOptions = {
    listenerId: 'l1',
    clock: fixedClock(1000),
    bodyCap: () => 1024,
    enabled: () => true,
    ...overrides,
  }
  const filter = captureTo(
    {
      exchangeCompleted: (r, started) => {
        records.push(r)
        updates.push(started === true)
      },
      ...sink,
    },
    options,
  )
  return { records, updates, filter, capture: (h: HttpHandler) => filter(h) }
}

const socket = () =>
  new Duplex({
    read() {},
    write(_c, _e, cb) {
      cb()
    },
  })

test('the capture filter says what it does, naming its listener', () => {
  assert.equal(
    recorder({ listenerId: 'proxy-7' }).filter.description,
    'records each exchange for the inspector (listener proxy-7)',
  )
})

test('the request passed on carries the exchange id the record gets, from newId when it is given', async () => {
  let n = 0
  const { records, capture } = recorder({ newId: () => `id-${++n}` })
  const seen: (string | undefined)[] = []
  const handler = capture(async (req) => {
    seen.push(req.exchangeId)
    return response(204)
  })
  await handler(request({ target: '/' }))
  await handler(request({ target: '/', body: streamBody(Readable.from([Buffer.from('x')])) }))
  assert.deepEqual(seen, ['id-1', 'id-2'])
  assert.deepEqual(
    records.map((r) => r.id),
    ['id-1', 'id-2'],
  )
})

test('default exchange ids are a per-process prefix and a counter in base 36, each one new', async () => {
  const { records, capture } = recorder()
  const handler = capture(async () => response(204))
  for (let i = 0; i < 40; i++) await handler(request({ target: '/' }))
  const parsed = records.map((r) => /^([0-9a-f]{8})-([0-9a-z]+)$/.exec(r.id))
  assert.ok(parsed.every((m) => m !== null))
  assert.equal(new Set(parsed.map((m) => m![1])).size, 1)
  const counts = parsed.map((m) => Number.parseInt(m![2]!, 36))
  for (let i = 1; i < counts.length; i++) assert.equal(counts[i], counts[i - 1]! + 1)
})

test('the body cap is rounded down, and a negative cap keeps no bytes while sizes stay real', async () => {
  for (const [cap, kept] of [
    [2.9, 2],
    [-5, 0],
  ] as const) {
    const { records, capture } = recorder({ bodyCap: () => cap })
    const handler = capture(async (req) => {
      await bodyBytes(req.body)
      return response(200, { body: streamBody(Readable.from([Buffer.from('hello')]), 5) })
    })
    const res = await handler(request({ target: '/', body: streamBody(Readable.from([Buffer.from('abcd')]), 4) }))
    assert.equal(await bodyText(res.body), 'hello')
    const bytesRes = await capture(async () => response(200, { body: 'world' }))(request({ target: '/', body: 'xyz' }))
    assert.equal(await bodyText(bytesRes.body), 'world')
    await until(() => records.length === 2)
    const [streamed, bytes] = records
    assert.deepEqual(
      [streamed!.requestBody!.bytes.byteLength, streamed!.requestBody!.size, streamed!.requestBody!.truncated],
      [kept, 4, true],
    )
    assert.deepEqual([streamed!.responseBody!.bytes.byteLength, streamed!.responseBody!.size], [kept, 5])
    assert.deepEqual([bytes!.requestBody!.bytes.byteLength, bytes!.requestBody!.size], [kept, 3])
    assert.deepEqual([bytes!.responseBody!.bytes.byteLength, bytes!.responseBody!.size], [kept, 5])
  }
})

test('a capture that cannot start lets the exchange through untouched and records nothing', async () => {
  const { records, capture } = recorder({
    bodyCap: () => {
      throw new Error('settings unreadable')
    },
  })
  const req = request({ target: '/' })
  let seen: unknown
  const res = await capture(async (r) => {
    seen = r
    return response(200, { body: 'ok' })
  })(req)
  assert.equal(seen, req)
  assert.equal(await bodyText(res.body), 'ok')
  assert.equal(records.length, 0)
})

test('times are milliseconds since the exchange began, to the microsecond', async () => {
  let t = 10.0000004
  const clock: Clock = { now: () => 1_700_000_000_123, monotonic: () => t }
  const { records, capture } = recorder({ clock })
  const handler = capture(async () => {
    t = 11.2345678
    return response(200, { body: streamBody(Readable.from([Buffer.from('x')])) })
  })
  const res = await handler(request({ target: '/' }))
  t = 12.5001
  await bodyText(res.body)
  await until(() => records.length === 1)
  const r = records[0]!
  assert.equal(r.startedAt, 1_700_000_000_123)
  assert.deepEqual(r.timings, { requestBodyDone: 0, responseHeaders: 1.235, responseDone: 2.5 })
  assert.equal(r.durationMs, 2.5)
})

test('a request body that fails mid-way is recorded as cut short, with no body-done time and the bytes that never came', async () => {
  const { records, capture } = recorder()
  const source = new Readable({ read() {} })
  source.push('abc')
  setTimeout(() => source.destroy(new Error('client reset')), 5)
  const handler = capture(async (req) => {
    await assert.rejects(bodyBytes(req.body), /client reset/)
    return response(400, { body: 'bad' })
  })
  await handler(request({ method: 'POST', target: '/', body: streamBody(source, 10) }))
  await until(() => records.length === 1)
  const r = records[0]!
  assert.deepEqual(r.timings, { responseHeaders: 0, responseDone: 0 })
  assert.deepEqual(
    [Buffer.from(r.requestBody!.bytes).toString(), r.requestBody!.size, r.requestBody!.missing],
    ['abc', 10, 7],
  )
  assert.equal(r.requestSize, 10)
})

test('an upstream that closes mid-body is reported with how many bytes arrived, of how many when that was declared', async () => {
  for (const [declared, message] of [
    [100, 'the upstream connection closed before the response body ended (7 of 100 bytes arrived)'],
    [undefined, 'the upstream connection closed before the response body ended (7 bytes arrived)'],
  ] as const) {
    const { records, capture } = recorder()
    const broken = new Readable({ read() {} })
    broken.push('partial')
    setTimeout(() => broken.destroy(new Error('aborted')), 5)
    const res = await capture(async () => response(200, { body: streamBody(broken, declared) }))(
      request({ target: '/' }),
    )
    await assert.rejects(bodyBytes(res.body))
    await until(() => records.length === 1)
    assert.deepEqual(records[0]!.outcome, { kind: 'failed', cause: 'reset', message })
  }
})

test('a response body closed before its end with no error is recorded as the client going away', async () => {
  const { records, capture } = recorder()
  const body = new Readable({ read() {} })
  body.push('some')
  const res = await capture(async () => response(200, { body: streamBody(body) }))(request({ target: '/' }))
  const stream = res.body.kind === 'stream' ? res.body.stream : assert.fail('a stream body')
  await new Promise<void>((resolve) => stream.once('data', () => resolve()))
  stream.destroy()
  await until(() => records.length === 1)
  assert.deepEqual(records[0]!.outcome, {
    kind: 'aborted',
    message: 'the client went away before the response ended',
  })
  assert.equal(records[0]!.responseBody!.missing, null)
})

test('with a client already gone, a throw or a broken body is recorded as the client going away', async () => {
  const controller = new AbortController()
  controller.abort()
  const { records, capture } = recorder()
  await assert.rejects(
    capture(async () => {
      throw new Error('cancelled')
    })({ ...request({ target: '/' }), signal: controller.signal }),
    /cancelled/,
  )
  const broken = new Readable({ read() {} })
  setTimeout(() => broken.destroy(new Error('write after end')), 5)
  const res = await capture(async () => response(200, { body: streamBody(broken) }))({
    ...request({ target: '/' }),
    signal: controller.signal,
  })
  await assert.rejects(bodyBytes(res.body))
  await until(() => records.length === 2)
  assert.deepEqual(
    records.map((r) => r.outcome.kind),
    ['aborted', 'aborted'],
  )
})

test('a handler that throws something other than an Error is recorded with that thing as its message', async () => {
  const { records, capture } = recorder()
  await assert.rejects(
    capture(async () => {
      throw 'plain text'
    })(request({ target: '/' })),
  )
  assert.deepEqual(records[0]!.outcome, { kind: 'failed', cause: 'internal', message: 'plain text' })
  assert.equal(records[0]!.durationMs, 0)
})

test('a tunnel is recorded pending with no duration when it opens, and as failed with its error when it fails', async () => {
  const clock = fixedClock(0)
  const { records, updates, capture } = recorder({ clock })
  const res = await capture(
    async () =>
      ({
        ...response(200),
        tunnel: async () => {
          clock.advance(40)
          throw new Error('tunnel broke')
        },
      }) satisfies Response,
  )(request({ method: 'CONNECT', target: 'h:443' }))
  assert.equal(records.length, 1)
  assert.deepEqual(records[0]!.outcome, { kind: 'pending' })
  assert.equal(records[0]!.durationMs, undefined)
  assert.deepEqual(records[0]!.timings, { requestBodyDone: 0, responseHeaders: 0 })
  await assert.rejects(res.tunnel!(socket(), Buffer.alloc(0)), /tunnel broke/)
  assert.equal(records.length, 2)
  assert.equal(records[1]!.id, records[0]!.id)
  assert.deepEqual(records[1]!.outcome, { kind: 'failed', cause: 'reset', message: 'tunnel broke' })
  assert.deepEqual(records[1]!.tunnel, { bytesUp: 0, bytesDown: 0, error: 'tunnel broke' })
  assert.equal(records[1]!.durationMs, 40)
  assert.deepEqual(updates, [false, false])
})

test('a tunnel that closes reporting an error is recorded as failed with that error and its byte counts', async () => {
  const { records, capture } = recorder()
  const res = await capture(
    async () =>
      ({
        ...response(101),
        tunnel: async () => ({ bytesUp: 5, bytesDown: 6, error: 'reset by peer' }),
      }) satisfies Response,
  )(request({ target: '/ws' }))
  assert.deepEqual(await res.tunnel!(socket(), Buffer.alloc(0)), { bytesUp: 5, bytesDown: 6, error: 'reset by peer' })
  assert.deepEqual(records[1]!.outcome, { kind: 'failed', cause: 'reset', message: 'reset by peer' })
  assert.deepEqual(records[1]!.tunnel, { bytesUp: 5, bytesDown: 6, error: 'reset by peer' })
})

test('a response that comes after the client went away is passed back as it is', async () => {
  const controller = new AbortController()
  const { records, capture } = recorder()
  const late: Response = { ...response(200), tunnel: async () => ({ bytesUp: 0, bytesDown: 0 }) }
  const answered = capture(async () => {
    controller.abort()
    return late
  })({ ...request({ target: '/' }), signal: controller.signal })
  assert.equal(await answered, late)
  assert.equal(records.length, 1)
  assert.equal(records[0]!.outcome.kind, 'aborted')
})

test('a sink told of the start gets the completion as an update; one whose start throws gets it as new', async () => {
  const started: CapturedExchange[] = []
  const told = recorder({}, { exchangeStarted: (r) => started.push(r) })
  await told.capture(async () => response(204))(request({ target: '/a' }))
  assert.equal(started.length, 1)
  assert.equal(started[0]!.id, told.records[0]!.id)
  assert.equal((started[0] as { superseded?: boolean }).superseded, true)
  assert.deepEqual(told.updates, [true])
  const broken = recorder(
    {},
    {
      exchangeStarted: () => {
        throw new Error('no')
      },
    },
  )
  await broken.capture(async () => response(204))(request({ target: '/b' }))
  assert.deepEqual(broken.updates, [false])
})

test("a request's trailers are captured when its body was read to the end, and not when it was cut short", async () => {
  const { records, capture } = recorder()
  const handler = capture(async (req) => {
    await bodyBytes(req.body).catch(() => undefined)
    return response(200)
  })
  await handler({
    ...request({ method: 'POST', target: '/', body: 'x' }),
    trailers: Promise.resolve([['x-checksum', 'abc']] as const),
  })
  const cut = new Readable({ read() {} })
  setTimeout(() => cut.destroy(new Error('gone')), 5)
  await handler({
    ...request({ method: 'POST', target: '/', body: streamBody(cut) }),
    trailers: Promise.resolve([['x-checksum', 'never']] as const),
  })
  await until(() => records.length === 2)
  assert.deepEqual(records[0]!.requestTrailers, [['x-checksum', 'abc']])
  assert.equal(records[1]!.requestTrailers, undefined)
})

test("a response's trailers are not captured when its body did not end", async () => {
  const { records, capture } = recorder()
  const broken = new Readable({ read() {} })
  setTimeout(() => broken.destroy(new Error('reset')), 5)
  const res = await capture(async () =>
    Object.freeze({
      ...response(200, { body: streamBody(broken) }),
      trailers: Promise.resolve([['grpc-status', '0']] as const),
    }),
  )(request({ target: '/' }))
  await assert.rejects(bodyBytes(res.body))
  await until(() => records.length === 1)
  assert.equal(records[0]!.responseTrailers, undefined)
})

test('an answer Nanoscope made because the client cut the exchange short is captured as the client aborting, others as failures', async () => {
  const { records, capture } = recorder()
  await capture(async () => generatedResponse(499, 'client-aborted', 'the client went away before u.test:80 answered'))(
    request({ target: '/' }),
  )
  await capture(async () =>
    generatedResponse(502, 'reset', 'upstream reset the connection before responding: u.test:80'),
  )(request({ target: '/' }))
  await until(() => records.length === 2)
  assert.deepEqual(
    records.map((r) => r.outcome),
    [
      { kind: 'aborted', message: 'the client went away before u.test:80 answered' },
      { kind: 'failed', cause: 'reset', message: 'upstream reset the connection before responding: u.test:80' },
    ],
  )
})
