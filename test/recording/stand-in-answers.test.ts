import { test } from 'node:test'
import assert from 'node:assert/strict'
import { recordedResponse, standIn } from '../../electron/recording/stand-in.ts'
import { standInSwitch } from '../../electron/recording/switches.ts'
import { bodyText, request, response } from '../../electron/core/message.ts'
import type { RecordedExchange } from '../../electron/recording/recorded-exchange.ts'
import { exchange } from './support.ts'

const get = (target: string, headers: Array<[string, string]> = []) => request({ target, headers })
const text = async (res: Awaited<ReturnType<ReturnType<typeof standIn>>>) => bodyText(res.body)

/** A stream of records the test lets through one at a time, or fails. */
function trickle() {
  const queue: RecordedExchange[] = []
  let wake: (() => void) | undefined
  let ended = false
  let failure: Error | undefined
  const poke = () => {
    const w = wake
    wake = undefined
    w?.()
  }
  return {
    push(x: RecordedExchange) {
      queue.push(x)
      poke()
    },
    end() {
      ended = true
      poke()
    },
    fail(error: Error) {
      failure = error
      poke()
    },
    async *[Symbol.asyncIterator]() {
      for (;;) {
        if (queue.length > 0) yield queue.shift()!
        else if (failure) throw failure
        else if (ended) return
        else await new Promise<void>((r) => (wake = r))
      }
    },
  }
}

const turn = () => new Promise((r) => setImmediate(r))

test('a request the stand-in cannot answer in its form (CONNECT authority, asterisk) is a 404 saying why', async () => {
  const handler = standIn([exchange()])
  const res = await handler(
    request({ method: 'CONNECT', target: 'example.com:443', headers: [['Host', 'example.com:443']] }),
  )
  assert.equal(res.status, 404)
  assert.deepEqual(res.headers, [
    ['Content-Type', 'application/json; charset=utf-8'],
    ['X-Nanoscope-Generated', 'stand-in-miss'],
  ])
  assert.deepEqual(res.tags, ['stand-in', 'stand-in-miss'])
  assert.equal(
    await text(res),
    `${JSON.stringify(
      {
        error:
          'the stand-in answers only origin-form and absolute-form requests, not "example.com:443" (HTTPS through CONNECT is answered only with interception on)',
        request: { method: 'CONNECT', target: 'example.com:443', host: 'example.com:443' },
        nearest: [],
      },
      null,
      2,
    )}\n`,
  )
  const star = JSON.parse(await text(await handler(request({ method: 'OPTIONS', target: '*' })))) as {
    error: string
    request: { host: unknown }
  }
  assert.match(star.error, /not "\*"/)
  assert.equal(star.request.host, null)
})

test('an empty recording misses everything, saying it is empty', async () => {
  const res = await standIn([])(get('/a', [['Host', 'x.test']]))
  assert.equal(res.status, 404)
  assert.deepEqual(JSON.parse(await text(res)), {
    error: 'the recording is empty',
    request: { method: 'GET', target: '/a', host: 'x.test' },
    nearest: [],
  })
})

test('a miss lists at most three nearest recordings, nearest first, with what differs from each', async () => {
  const handler = standIn([
    exchange({ url: 'http://h.test/' }),
    exchange({ url: 'http://h.test/items/12' }),
    exchange({ method: 'POST', url: 'http://h.test/items/1' }),
    exchange({ url: 'http://h.test/items/1?x=1' }),
    exchange({ url: 'http://h.test/zzzzzzzzzzzz' }),
  ])
  const body = JSON.parse(await text(await handler(get('http://h.test/items/1')))) as {
    nearest: Array<{ method: string; url: string; differences: string[] }>
  }
  assert.deepEqual(body.nearest, [
    { method: 'GET', url: 'http://h.test/items/1?x=1', differences: ['query lacks recorded x=1'] },
    { method: 'POST', url: 'http://h.test/items/1', differences: ['method GET is not POST'] },
    { method: 'GET', url: 'http://h.test/items/12', differences: ['path /items/1 is not /items/12'] },
  ])
})

test('origin-form requests match the recorded host their Host names, and any recorded host when it names none', async () => {
  const handler = standIn([
    exchange({ url: 'http://a.test/x', responseBody: 'from a' }),
    exchange({ url: 'http://b.test:8080/x', responseBody: 'from b' }),
    exchange({ url: 'http://b.test:8080/only-b', responseBody: 'only b' }),
  ])
  assert.equal(await text(await handler(get('/x', [['Host', 'B.test:8080 ']]))), 'from b')
  assert.equal(await text(await handler(get('/x', [['Host', 'a.test:80']]))), 'from a')
  assert.equal(await text(await handler(get('/x', [['Host', 'elsewhere.test']]))), 'from a')
  assert.equal(await text(await handler(get('/x'))), 'from a')
  assert.equal(await text(await handler(get('/only-b', [['Host', 'elsewhere.test']]))), 'only b')
  // With more than one recorded host, a miss compares hosts too.
  const miss = JSON.parse(await text(await handler(get('/only-b', [['Host', 'a.test']])))) as {
    nearest: Array<{ differences: string[] }>
  }
  assert.deepEqual(miss.nearest[0]!.differences, ['host a.test is not b.test:8080'])
  const single = standIn([exchange({ url: 'http://a.test/x' })])
  const one = JSON.parse(await text(await single(get('/y', [['Host', 'other.test']])))) as {
    nearest: Array<{ differences: string[] }>
  }
  assert.deepEqual(
    one.nearest[0]!.differences,
    ['path /y is not /x'],
    'one recorded host: the host is not a difference',
  )
})

test('an absolute-form request names its host: default ports and case do not matter, another port does', async () => {
  const handler = standIn([exchange({ url: 'http://h.test/x', responseBody: 'found' })])
  assert.equal(await text(await handler(get('http://H.TEST:80/x'))), 'found')
  assert.equal((await handler(get('http://h.test:81/x'))).status, 404)
  assert.equal((await handler(get('http://other.test/x'))).status, 404)
})

test('reset makes repeats start again from the first recording', async () => {
  const handler = standIn([
    exchange({ url: 'http://h.test/n', responseBody: 'one' }),
    exchange({ url: 'http://h.test/n', responseBody: 'two' }),
  ])
  assert.equal(await text(await handler(get('http://h.test/n'))), 'one')
  assert.equal(await text(await handler(get('http://h.test/n'))), 'two')
  assert.equal(await text(await handler(get('http://h.test/n'))), 'two')
  handler.reset()
  assert.equal(await text(await handler(get('http://h.test/n'))), 'one')
})

test('a recorded response comes back without hop-by-hop fields, its length fixed when the body was cut, with its trailers', async () => {
  const base = exchange({
    responseBody: 'abc',
    responseHeaders: [
      ['Content-Length', '100'],
      ['Connection', 'close'],
      ['Transfer-Encoding', 'chunked'],
      ['X-Kept', '1'],
    ],
  })
  const whole = recordedResponse(base)
  assert.deepEqual(whole.headers, [
    ['Content-Length', '100'],
    ['X-Kept', '1'],
  ])
  assert.equal(whole.reason, 'OK')
  assert.equal(whole.trailers, undefined)
  assert.deepEqual(whole.tags, ['replayed', 'stand-in'])
  for (const cut of [
    { truncated: { response: 100 } },
    { incomplete: { response: 97 } },
    { incomplete: { response: null } },
  ])
    assert.deepEqual(
      recordedResponse({ ...base, ...cut }).headers,
      [
        ['Content-Length', '3'],
        ['X-Kept', '1'],
      ],
      JSON.stringify(cut),
    )
  assert.deepEqual(recordedResponse({ ...base, truncated: { request: 5 } }).headers[0], ['Content-Length', '100'])
  const trailed = recordedResponse({ ...base, response: { ...base.response, trailers: [['grpc-status', '0']] } })
  assert.deepEqual(await trailed.trailers, [['grpc-status', '0']])
  assert.ok(Object.isFrozen(trailed))
})

test('a stand-in on a stream answers a forward request as soon as its recording arrives, and a miss only at the end', async () => {
  const records = trickle()
  const handler = standIn(records)
  assert.equal(
    handler.description,
    'answers from a recording still arriving (0 exchanges so far; never contacts the server)',
  )
  let answered: string | undefined
  void handler(get('http://h.test/2')).then(async (r) => {
    answered = await text(r)
  })
  let missed: number | undefined
  void handler(get('http://h.test/none')).then((r) => {
    missed = r.status
  })
  let origin: string | undefined
  void handler(get('/1', [['Host', 'h.test']])).then(async (r) => {
    origin = await text(r)
  })
  records.push(exchange({ url: 'http://h.test/1', responseBody: 'one' }))
  await turn()
  await turn()
  assert.equal(answered, undefined)
  assert.equal(origin, undefined, 'an origin-form request waits for the end')
  records.push(exchange({ url: 'http://h.test/2', responseBody: 'two' }))
  await turn()
  await turn()
  assert.equal(answered, 'two')
  assert.equal(missed, undefined, 'a miss waits for the end')
  assert.equal(
    handler.description,
    'answers from a recording still arriving (2 exchanges so far; never contacts the server)',
  )
  records.end()
  assert.equal(await handler.loaded, 2)
  await turn()
  await turn()
  assert.equal(missed, 404)
  assert.equal(origin, 'one')
  assert.equal(handler.description, 'answers from a recording of 2 exchanges (never contacts the server)')
})

test('a stand-in whose stream fails answers waiting and later requests with a 502 saying why, and its loaded rejects', async () => {
  const records = trickle()
  const handler = standIn(records)
  const waiting = handler(get('http://h.test/none'))
  records.push(exchange({ url: 'http://h.test/1', responseBody: 'one' }))
  await turn()
  assert.equal(await text(await handler(get('http://h.test/1'))), 'one', 'what arrived is answered')
  records.fail(new Error('segment 00000002 is missing'))
  await assert.rejects(handler.loaded, /segment 00000002 is missing/)
  for (const res of [await waiting, await handler(get('/1'))]) {
    assert.equal(res.status, 502)
    assert.deepEqual(res.generated, {
      cause: 'bad-gateway',
      message: 'the stand-in could not read its recording: segment 00000002 is missing',
    })
  }
})

test('the stand-in switch answers from a recording while on, says what it holds, and forwards when off', async () => {
  const sw = standInSwitch()
  let forwarded = 0
  const handler = sw(async () => {
    forwarded++
    return response(200, { body: 'server' })
  })
  assert.equal(sw.active, undefined)
  sw.useRecords([exchange({ url: 'http://h.test/a', responseBody: 'recorded' })])
  assert.deepEqual(sw.active, { count: 1 })
  assert.equal(await text(await handler(get('http://h.test/a'))), 'recorded')
  sw.off()
  assert.equal(sw.active, undefined)
  assert.equal(await text(await handler(get('http://h.test/a'))), 'server')
  assert.equal(forwarded, 1)
  await assert.rejects(sw.use('/nonexistent/session/dir'))
  assert.equal(sw.active, undefined, 'a session that cannot be read leaves it off')
})
