/** Behaviours in memory: the fake upstream is just another handler. Socket-level effects are in behaviours-sockets.test.ts. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Readable } from 'node:stream'
import type { HttpHandler } from '../../electron/core/http.ts'
import { fixedClock } from '../../electron/core/clock.ts'
import {
  bodyText,
  header,
  headerValues,
  request,
  response,
  streamBody,
  type Request,
} from '../../electron/core/message.ts'
import * as b from '../../electron/chaos/behaviours.ts'
import type { ChaosEnv } from '../../electron/chaos/chaos-env.ts'
import { seededRandom } from '../../electron/chaos/random.ts'

function testEnv(seed = 1): ChaosEnv & { slept: number[] } {
  const slept: number[] = []
  return {
    clock: fixedClock(0),
    random: seededRandom(seed),
    slept,
    sleep: async (ms) => {
      slept.push(ms)
    },
  }
}
const seen: Request[] = []
const upstream: HttpHandler = async (req) => {
  seen.push(req)
  return response(200, {
    headers: [
      ['Content-Length', '11'],
      ['X-Up', '1'],
    ],
    body: 'hello world',
  })
}
const get = request({ target: 'http://h/' })

test('latency waits a random time in the range, then names it in both chaos headers', async () => {
  const env = testEnv()
  const res = await b.latency(100, 500, env).apply(get, upstream)
  const ms = env.slept[0]!
  assert.ok(ms >= 100 && ms < 500, String(ms))
  assert.equal(header(res, 'X-Nanoscope-Chaos'), `Latency (${ms}ms)`)
  assert.equal(header(res, 'x-http4k-chaos'), `Latency (${ms}ms)`)
  assert.deepEqual(res.tags, ['chaos'])
  assert.equal(await bodyText(res.body), 'hello world')
})

test('a fixed latency waits exactly that long', async () => {
  const env = testEnv()
  const behaviour = b.latency(250, 250, env)
  await behaviour.apply(get, upstream)
  assert.deepEqual(env.slept, [250])
  assert.equal(behaviour.describe(), 'Latency (PT0.25S)')
})

test('status answers with an empty body and never calls the upstream', async () => {
  const before = seen.length
  const res = await b.returnStatus(404).apply(get, upstream)
  assert.equal(res.status, 404)
  assert.equal(await bodyText(res.body), '')
  assert.equal(header(res, 'x-http4k-chaos'), 'Status 404')
  assert.equal(seen.length, before)
})

test('response answers with the given status, headers and body', async () => {
  const res = await b.returnResponse(500, [['x-name', 'value']], 'a-body').apply(get, upstream)
  assert.equal(res.status, 500)
  assert.equal(header(res, 'x-name'), 'value')
  assert.equal(await bodyText(res.body), 'a-body')
  assert.deepEqual(res.tags, ['chaos'])
})

test('no body removes the response body and fixes its Content-Length', async () => {
  const res = await b.noBody().apply(get, upstream)
  assert.equal(await bodyText(res.body), '')
  assert.deepEqual(headerValues(res, 'content-length'), ['0'])
  assert.equal(header(res, 'X-Nanoscope-Chaos'), 'Snip body (0b)')
})

test('snip cuts the response body to a random shorter length, reproducibly with a seed', async () => {
  const cut = async (seed: number) => {
    const res = await b.snipBody(testEnv(seed)).apply(get, upstream)
    return [await bodyText(res.body), header(res, 'x-http4k-chaos')]
  }
  const [body, note] = await cut(5)
  assert.ok(body!.length < 11 && 'hello world'.startsWith(body!))
  assert.equal(note, `Snip body (${body!.length}b)`)
  assert.deepEqual(await cut(5), [body, note])
})

test('truncate cuts a streamed response body to N bytes and lets go of the rest', async () => {
  const source = Readable.from([Buffer.from('abcdef'), Buffer.from('ghijkl')])
  const streaming: HttpHandler = async () =>
    response(200, { headers: [['Content-Length', '12']], body: streamBody(source, 12) })
  const res = await b.truncateBody(8).apply(get, streaming)
  assert.equal(await bodyText(res.body), 'abcdefgh')
  assert.equal(header(res, 'content-length'), '8')
  assert.equal(header(res, 'X-Nanoscope-Chaos'), 'Truncate body (8b)')
  assert.ok(source.destroyed, 'the upstream body is let go')
})

test('truncating and snipping the request body send the upstream fewer bytes with a matching Content-Length', async () => {
  const post = request({ method: 'POST', target: 'http://h/', headers: [['Content-Length', '10']], body: '0123456789' })
  let got = ''
  let length: string | undefined
  const echo: HttpHandler = async (req) => {
    got = await bodyText(req.body)
    length = header(req, 'content-length')
    return response(200)
  }
  const res = await b.truncateRequestBody(4).apply(post, echo)
  assert.equal(got, '0123')
  assert.equal(length, '4')
  assert.equal(header(res, 'X-Nanoscope-Chaos'), 'Truncate request body (4b)')
  const snipped = await b.snipRequestBody(testEnv(3)).apply(post, echo)
  assert.ok(got.length < 10 && length === String(got.length))
  assert.equal(header(snipped, 'x-http4k-chaos'), `Snip request body (${got.length}b)`)
})

test('none passes the exchange through untouched and unmarked', async () => {
  const res = await b.none().apply(get, upstream)
  assert.equal(res.tags, undefined)
  assert.equal(header(res, 'X-Nanoscope-Chaos'), undefined)
})

test('hang answers only once the client has gone away', async () => {
  const aborter = new AbortController()
  let answered = false
  const pending = b
    .hang(testEnv())
    .apply({ ...get, signal: aborter.signal }, upstream)
    .then((r) => {
      answered = true
      return r
    })
  await new Promise((resolve) => setTimeout(resolve, 30))
  assert.equal(answered, false)
  aborter.abort()
  const res = await pending
  assert.equal(header(res, 'X-Nanoscope-Chaos'), 'Hang')
})
