import { test } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import http2 from 'node:http2'
import { PassThrough } from 'node:stream'
import { MAX_MULTIPLEXED_PER_ORIGIN, OriginSlots } from '../../../electron/core/client/origin-slots.ts'
import { response, streamBody, type Response } from '../../../electron/core/message.ts'
import { simpleProxy } from '../../../electron/apps/simple-proxy.ts'
import { mountApp } from '../../../electron/proxy/mount-app.ts'
import { systemClock } from '../../../electron/core/clock.ts'
import { httpUpstream, within } from '../server/net-fixtures.ts'

const streamed = (): { res: Response; body: PassThrough } => {
  const body = new PassThrough()
  return { res: response(200, { body: streamBody(body, undefined) }), body }
}

test('past the cap a client waits for one of its exchanges to that origin to finish its body, first come first served', async () => {
  const slots = new OriginSlots(2)
  const client = {}
  const bodies: PassThrough[] = []
  const started: number[] = []
  const send = (n: number) => () => {
    started.push(n)
    const s = streamed()
    bodies.push(s.body)
    return Promise.resolve(s.res)
  }
  const answers = [1, 2, 3, 4].map((n) => slots.run(client, 'http://a:80', send(n)))
  await Promise.all(answers.slice(0, 2))
  assert.deepEqual(started, [1, 2])
  assert.deepEqual(slots.load(client, 'http://a:80'), { busy: 2, waiting: 2 })
  // Another origin and another client are not held up.
  await slots.run(client, 'http://b:80', () => Promise.resolve(response(204)))
  await slots.run({}, 'http://a:80', () => Promise.resolve(response(204)))
  assert.deepEqual(started, [1, 2])

  bodies[0]!.resume()
  bodies[0]!.end() // read to its end: the slot passes on
  await answers[2]
  assert.deepEqual(started, [1, 2, 3])
  bodies[1]!.destroy() // dropped: the slot passes on too
  await answers[3]
  assert.deepEqual(started, [1, 2, 3, 4])
  bodies[2]!.destroy()
  bodies[3]!.destroy()
  await new Promise((resolve) => setImmediate(resolve))
  assert.deepEqual(slots.load(client, 'http://a:80'), { busy: 0, waiting: 0 })
})

test('a send that fails gives its slot back', async () => {
  const slots = new OriginSlots(1)
  const client = {}
  await assert.rejects(
    slots.run(client, 'o', () => Promise.reject(new Error('boom'))),
    /boom/,
  )
  const r = await within(
    1000,
    slots.run(client, 'o', () => Promise.resolve(response(200, { body: 'x' }))),
    'a slot',
  )
  assert.equal(r.status, 200)
  assert.deepEqual(slots.load(client, 'o'), { busy: 0, waiting: 0 })
})

/**
 * An upstream that holds each request until `batch` are held (or `waitMs` after the first of them), then answers them
 * all; it counts its connections and the most requests it held at once.
 */
/** A page's assets, requested at once: more than the cap, so the cap is what bounds the connections. */
const PAGE = 80
assert.ok(PAGE > MAX_MULTIPLEXED_PER_ORIGIN)

async function holdingUpstream(batch: number, waitMs: number) {
  const seen = { most: 0 }
  let held: http.ServerResponse[] = []
  let timer: NodeJS.Timeout | undefined
  const release = (): void => {
    clearTimeout(timer)
    timer = undefined
    for (const res of held.splice(0)) res.writeHead(200, { 'content-type': 'text/plain' }).end('asset')
  }
  const upstream = await httpUpstream((_req, res) => {
    held.push(res)
    seen.most = Math.max(seen.most, held.length)
    if (held.length >= batch) release()
    else timer ??= setTimeout(release, waitMs)
  })
  return {
    upstream,
    seen,
    close: async () => {
      release()
      held = []
      await upstream.close()
    },
  }
}

test('an HTTP/2 client sending a page of 80 requests at once through the proxy makes it open no more connections to the origin than the cap, and all are answered', async () => {
  const { upstream, seen, close } = await holdingUpstream(MAX_MULTIPLEXED_PER_ORIGIN, 300)
  const proxy = await mountApp(simpleProxy({ target: upstream.url, clock: systemClock }), {
    host: '127.0.0.1',
    port: 0,
  })
  const session = http2.connect(proxy.server.url)
  session.on('error', () => {})
  try {
    const one = (i: number) =>
      new Promise<string>((resolve, reject) => {
        const stream = session.request({ ':path': `/asset/${i}` })
        let body = ''
        stream.setEncoding('utf8')
        stream.on('data', (c: string) => {
          body += c
        })
        stream.on('end', () => resolve(body))
        stream.on('error', reject)
      })
    const bodies = await within(
      15_000,
      Promise.all(Array.from({ length: PAGE }, (_, i) => one(i))),
      `${PAGE} answers over one h2 session`,
    )
    assert.deepEqual(new Set(bodies), new Set(['asset']))
    assert.equal(bodies.length, PAGE)
    assert.ok(upstream.connections <= MAX_MULTIPLEXED_PER_ORIGIN, `${upstream.connections} upstream connections`)
    assert.ok(seen.most <= MAX_MULTIPLEXED_PER_ORIGIN, `the origin held ${seen.most} requests at once`)
  } finally {
    session.destroy()
    await proxy.stop()
    await close()
  }
})

test('every client connection has its own slots: 12 HTTP/1.1 connections at once get 12 upstream exchanges at once', async () => {
  const { upstream, seen, close } = await holdingUpstream(12, 10_000)
  const proxy = await mountApp(simpleProxy({ target: upstream.url, clock: systemClock }), {
    host: '127.0.0.1',
    port: 0,
  })
  const agent = new http.Agent({ keepAlive: false, maxSockets: 12 })
  try {
    const one = (i: number) =>
      new Promise<number>((resolve, reject) => {
        http
          .get(`${proxy.server.url}/asset/${i}`, { agent }, (res) => {
            res.resume()
            res.on('end', () => resolve(res.statusCode ?? 0))
          })
          .on('error', reject)
      })
    const statuses = await within(15_000, Promise.all(Array.from({ length: 12 }, (_, i) => one(i))), '12 answers')
    assert.deepEqual(new Set(statuses), new Set([200]))
    assert.equal(seen.most, 12, 'the origin held all twelve at once')
  } finally {
    agent.destroy()
    await proxy.stop()
    await close()
  }
})

test('a request waits for a slot no longer than the wait limit, then goes past the cap', async () => {
  const slots = new OriginSlots(1, 50)
  const client = {}
  const held = streamed() // a long-lived response: its body never ends while the test waits
  await slots.run(client, 'o', () => Promise.resolve(held.res))
  const started = Date.now()
  const r = await within(
    2000,
    slots.run(client, 'o', () => Promise.resolve(response(204))),
    'the second request',
  )
  assert.equal(r.status, 204)
  assert.ok(Date.now() - started >= 45, 'it waited first')
  assert.deepEqual(slots.load(client, 'o'), { busy: 1, waiting: 0 })
  held.body.destroy()
  await new Promise((resolve) => setImmediate(resolve))
  assert.deepEqual(slots.load(client, 'o'), { busy: 0, waiting: 0 })
})

test('a request whose client goes away while it waits for a slot leaves the queue at once', async () => {
  const slots = new OriginSlots(1, 60_000)
  const client = {}
  const held = streamed()
  await slots.run(client, 'o', () => Promise.resolve(held.res))
  const aborter = new AbortController()
  let sent = 0
  const waiting = slots.run(
    client,
    'o',
    () => {
      sent += 1
      return Promise.resolve(response(502, { body: 'gone' }))
    },
    aborter.signal,
  )
  assert.deepEqual(slots.load(client, 'o'), { busy: 1, waiting: 1 })
  aborter.abort()
  assert.equal((await within(1000, waiting, 'the aborted request')).status, 502)
  assert.equal(sent, 1, 'its send answered it (the client adapter answers an aborted request without a connection)')
  assert.deepEqual(slots.load(client, 'o'), { busy: 1, waiting: 0 })
  held.body.destroy()
})
