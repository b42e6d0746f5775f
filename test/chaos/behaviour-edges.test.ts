/** What each chaos behaviour does at its edges, in memory: the range of a latency, a client that leaves, cut streams. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Readable } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import type { HttpHandler } from '../../electron/core/http.ts'
import { fixedClock } from '../../electron/core/clock.ts'
import { bodyText, header, request, response, streamBody, type Request } from '../../electron/core/message.ts'
import * as b from '../../electron/chaos/behaviours.ts'
import type { ChaosEnv } from '../../electron/chaos/chaos-env.ts'
import { seededRandom } from '../../electron/chaos/random.ts'

const calls: Request[] = []
const upstream: HttpHandler = async (req) => {
  calls.push(req)
  return response(200, { headers: [['Content-Length', '11']], body: 'hello world' })
}
const get = request({ target: 'http://h/' })

/** A random source that always draws the largest number below its bound, and notes each bound it was given. */
function highest(bounds: number[]): ChaosEnv {
  return {
    clock: fixedClock(0),
    random: {
      nextInt: (bound) => {
        bounds.push(bound)
        return bound - 1
      },
    },
    sleep: async () => {},
  }
}

/** A stream that never ends by itself: whatever stops it must be the code under test. */
const endless = () =>
  new Readable({
    read() {
      this.push(Buffer.from('xxxx'))
    },
  })

/** The promise's value, or 'still waiting' after `ms`. */
async function within<T>(promise: Promise<T>, ms = 1000): Promise<T | 'still waiting'> {
  const stop = new AbortController()
  const waiting = sleep(ms, 'still waiting' as const, { signal: stop.signal }).catch(() => 'still waiting' as const)
  try {
    return await Promise.race([promise, waiting])
  } finally {
    stop.abort() // no timer outlives its test: the dribble test counts them
  }
}

test('a latency range draws its wait from exactly the width of the range, added to its low end', async () => {
  const bounds: number[] = []
  const slept: number[] = []
  const env = { ...highest(bounds), sleep: async (ms: number) => void slept.push(ms) }
  const res = await b.latency(100, 300, env).apply(get, upstream)
  assert.deepEqual(bounds, [200])
  assert.deepEqual(slept, [299])
  assert.equal(header(res, 'X-Nanoscope-Chaos'), 'Latency (299ms)')
  await b.latency(250, 250, env).apply(get, upstream)
  assert.deepEqual(bounds, [200], 'a fixed latency draws nothing')
  assert.deepEqual(slept, [299, 250])
  assert.equal(b.latency(100, 500, env).describe(), 'Latency (range = PT0.1S to PT0.5S)')
})

test('a client that leaves during a latency is answered with a reset and never reaches the upstream', async () => {
  const aborter = new AbortController()
  const env: ChaosEnv = { ...highest([]), sleep: async () => aborter.abort() }
  const before = calls.length
  const res = await b.latency(50, 50, env).apply({ ...get, signal: aborter.signal }, upstream)
  assert.equal(calls.length, before)
  assert.equal(header(res, 'x-http4k-chaos'), 'Latency (50ms, client left)')
  await assert.rejects(bodyText(res.body), /connection reset by chaos/)
})

test('a response behaviour without headers or body answers with nothing but its marks', async () => {
  const res = await b.returnResponse(503).apply(get, upstream)
  assert.equal(res.status, 503)
  assert.equal(await bodyText(res.body), '')
  assert.deepEqual(
    res.headers.map(([name]) => name.toLowerCase()),
    ['x-nanoscope-chaos', 'x-http4k-chaos'],
  )
  assert.equal(header(res, 'X-Nanoscope-Chaos'), 'Response 503')
})

test('a reset never reaches the upstream, and is marked as one', async () => {
  const before = calls.length
  const res = await b.resetConnection().apply(get, upstream)
  assert.equal(calls.length, before)
  assert.equal(header(res, 'X-Nanoscope-Chaos'), 'Reset connection')
  await assert.rejects(bodyText(res.body), /connection reset by chaos/)
})

test('every behaviour describes itself in one line, as http4k names it', () => {
  const env = highest([])
  assert.deepEqual(
    [
      b.returnStatus(404),
      b.returnResponse(503),
      b.noBody(),
      b.snipBody(env),
      b.snipRequestBody(env),
      b.truncateBody(8),
      b.truncateRequestBody(4),
      b.resetConnection(),
      b.hang(env),
      b.hang(env, 1000),
      b.dribble(2000),
      b.none(),
    ].map((x) => x.describe()),
    [
      'ReturnStatus (404)',
      'ReturnResponse (503)',
      'NoBody',
      'SnipBody',
      'SnipRequestBody',
      'TruncateBody (8b)',
      'TruncateRequestBody (4b)',
      'ResetConnection',
      'Hang',
      'Hang (close after PT1S)',
      'Dribble (over PT2S)',
      'None',
    ],
  )
})

test('a hang with closeAfter waits that long even for a request no client can abort, then resets', async () => {
  const slept: number[] = []
  const env = { ...highest([]), sleep: async (ms: number) => void slept.push(ms) }
  const res = await within(b.hang(env, 1000).apply(get, upstream))
  assert.notEqual(res, 'still waiting')
  if (res === 'still waiting') return
  assert.deepEqual(slept, [1000])
  assert.equal(header(res, 'X-Nanoscope-Chaos'), 'Hang (closed after 1000ms)')
  await assert.rejects(bodyText(res.body), /connection reset by chaos/)
})

test('a hang for a client that has already gone answers at once', async () => {
  const aborter = new AbortController()
  aborter.abort()
  const res = await within(b.hang(highest([])).apply({ ...get, signal: aborter.signal }, upstream))
  assert.notEqual(res, 'still waiting')
})

test('snipping a streamed body of unknown length reads it first, so the cut is as for the same bytes', async () => {
  const snip = async (body: string | Readable) => {
    const streamed: HttpHandler = async () =>
      response(200, { body: typeof body === 'string' ? body : streamBody(body, undefined) })
    return bodyText((await b.snipBody({ ...highest([]), random: seededRandom(2) }).apply(get, streamed)).body)
  }
  const fromBytes = await snip('hello world')
  assert.ok(fromBytes.length > 0 && fromBytes.length < 11, fromBytes)
  assert.equal(await snip(Readable.from([Buffer.from('hello '), Buffer.from('world')])), fromBytes)
})

test('truncating a streamed response ends its body at the limit and lets the upstream stream go', async () => {
  for (const limit of [0, 6]) {
    const source = endless()
    const upstreamOfStream: HttpHandler = async () => response(200, { body: streamBody(source, undefined) })
    const res = await b.truncateBody(limit).apply(get, upstreamOfStream)
    assert.equal(await within(bodyText(res.body)), 'x'.repeat(limit))
    assert.equal(source.destroyed, true, `limit ${limit}: the upstream's stream is destroyed`)
  }
})

test('truncating a streamed request reads the rest of the upload and drops it, rather than cutting the client off', async () => {
  const source = Readable.from([Buffer.from('0123'), Buffer.from('4567'), Buffer.from('89')])
  const post = request({ method: 'POST', target: 'http://h/', body: streamBody(source, 10) })
  let got = ''
  const echo: HttpHandler = async (req) => {
    got = await bodyText(req.body)
    return response(200)
  }
  await b.truncateRequestBody(5).apply(post, echo)
  assert.equal(got, '01234')
  await within(new Promise((resolve) => (source.readableEnded ? resolve(true) : source.once('end', resolve))))
  assert.equal(source.readableEnded, true, 'the whole upload was read')
})

test('truncating to nothing ends the body at once, even while the upstream stream sends nothing', async () => {
  const silent = new Readable({ read() {} })
  const res = await b.truncateBody(0).apply(get, async () => response(200, { body: streamBody(silent, undefined) }))
  assert.equal(await within(bodyText(res.body)), '')
  assert.equal(silent.destroyed, true)
})

test('a dribbled body that its reader drops stops its timer', async () => {
  const res = await b.dribble(60_000).apply(get, upstream)
  if (res.body.kind !== 'stream') throw new Error('a dribbled body streams')
  const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length
  const before = timers()
  res.body.stream.resume()
  await sleep(10)
  assert.equal(timers(), before + 1, 'a piece is scheduled')
  res.body.stream.destroy()
  await sleep(10)
  assert.equal(timers(), before)
})

test('a cut body gets a Content-Length only when its message had one', async () => {
  const unframed: HttpHandler = async () => response(200, { body: 'hello world' })
  const res = await b.truncateBody(4).apply(get, unframed)
  assert.equal(await bodyText(res.body), 'hell')
  assert.equal(header(res, 'content-length'), undefined)
  assert.equal(header(await b.truncateBody(4).apply(get, upstream), 'content-length'), '4')
})

test('a cut stream of unknown length loses the Content-Length its message carried, which would promise more than is sent', async () => {
  const unknownLength: HttpHandler = async () =>
    response(200, {
      headers: [['Content-Length', '11']],
      body: streamBody(Readable.from([Buffer.from('hello '), Buffer.from('world')]), undefined),
    })
  const res = await b.truncateBody(4).apply(get, unknownLength)
  assert.equal(header(res, 'content-length'), undefined)
  assert.equal(await bodyText(res.body), 'hell')
})

test('an upstream stream that fails before the limit fails the truncated body too', async () => {
  const source = new Readable({ read() {} })
  const failing: HttpHandler = async () => response(200, { body: streamBody(source, undefined) })
  const res = await b.truncateBody(100).apply(get, failing)
  source.push(Buffer.from('abc'))
  setImmediate(() => source.destroy(new Error('upstream went away')))
  await assert.rejects(bodyText(res.body), /upstream went away/)
})

test('dribble sends a body in one piece per 100 ms tick of its period, no more pieces than bytes', async () => {
  const pieces = async (body: string, periodMs: number) => {
    const handler: HttpHandler = async () => response(200, { body })
    const res = await b.dribble(periodMs).apply(get, handler)
    const seen: string[] = []
    if (res.body.kind !== 'stream') throw new Error('a dribbled body streams')
    for await (const chunk of res.body.stream) seen.push(String(chunk))
    return seen
  }
  assert.deepEqual(await pieces('hello world', 300), ['hell', 'o wo', 'rld'])
  assert.deepEqual(await pieces('abc', 1000), ['a', 'b', 'c'])
})
