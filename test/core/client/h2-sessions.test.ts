import { test } from 'node:test'
import assert from 'node:assert/strict'
import http2 from 'node:http2'
import type net from 'node:net'
import tls from 'node:tls'
import { h2Client, MAX_SESSIONS_PER_ORIGIN } from '../../../electron/core/client/h2-client.ts'
import { parseTarget } from '../../../electron/core/client/node-client.ts'
import { bodyText, emptyBody, type Request } from '../../../electron/core/message.ts'
import { closedPort, within } from '../server/net-fixtures.ts'
import { cert, key, loopback } from './tls-fixture.ts'

function get(url: string): Request {
  return Object.freeze({ method: 'GET', target: url, version: '2', headers: Object.freeze([]), body: emptyBody })
}

/** An h2c upstream: `/hang` never answers, anything else answers 200 "hello". Keeps its sessions and hung streams. */
async function h2cUpstream(settings: http2.Settings = {}) {
  const sessions: http2.ServerHttp2Session[] = []
  const hung: http2.ServerHttp2Stream[] = []
  const server = http2.createServer({ settings })
  server.on('session', (session) => {
    session.on('error', () => {})
    sessions.push(session)
  })
  server.on('stream', (stream, headers) => {
    stream.on('error', () => {})
    if (headers[':path'] === '/hang') {
      hung.push(stream)
      return
    }
    if (headers[':path'] === '/broken') {
      stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR)
      return
    }
    if (headers[':path'] === '/refused') {
      stream.close(http2.constants.NGHTTP2_REFUSED_STREAM)
      return
    }
    stream.respond({ ':status': 200 })
    stream.end(headers[':path'] === '/authority' ? String(headers[':authority']) : 'hello')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`
  return {
    base,
    sessions,
    hung,
    close: async () => {
      for (const session of sessions) session.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

function until(check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const poll = (): void => (check() ? resolve() : void setTimeout(poll, 5))
    poll()
  })
}

test('a stream whose head does not come in time is cancelled at the upstream (RST_STREAM CANCEL), not left open', async () => {
  const upstream = await h2cUpstream()
  const client = h2Client({ timeoutMs: 100 })
  try {
    const res = await within(
      3000,
      client.send(get(`${upstream.base}/hang`), parseTarget(`${upstream.base}/hang`)!),
      'the 504',
    )
    assert.equal(res.status, 504)
    const stream = upstream.hung[0]!
    if (!stream.closed)
      await within(2000, new Promise((resolve) => stream.once('close', resolve)), 'the stream to close')
    assert.equal(stream.rstCode, http2.constants.NGHTTP2_CANCEL)
  } finally {
    client.close()
    await upstream.close()
  }
})

test('a session the upstream sends away (GOAWAY, then closed) leaves the pool alone: the other session to the origin is still used', async () => {
  const upstream = await h2cUpstream({ maxConcurrentStreams: 1 })
  const client = h2Client({ timeoutMs: 5000 })
  const to = (path: string) => client.send(get(`${upstream.base}${path}`), parseTarget(`${upstream.base}${path}`)!)
  try {
    const held = to('/hang')
    await within(
      2000,
      until(() => upstream.hung.length === 1),
      'the first stream',
    )
    // The first session is full (one stream at most): the next request opens a second session.
    const second = await within(2000, to('/hello'), 'an answer on a second session')
    assert.equal(await bodyText(second.body), 'hello')
    assert.equal(upstream.sessions.length, 2)

    const first = upstream.sessions[0]!
    first.goaway(http2.constants.NGHTTP2_NO_ERROR)
    await new Promise((resolve) => setTimeout(resolve, 20))
    first.destroy()
    assert.equal((await within(2000, held, 'the held request to end')).status, 502)

    const third = await within(2000, to('/hello'), 'an answer after the first session went')
    assert.equal(await bodyText(third.body), 'hello')
    assert.equal(upstream.sessions.length, 2, 'the remaining session carried it; no third was opened')
  } finally {
    client.close()
    await upstream.close()
  }
})

test('TLS to an h2 upstream named by a host name sends that name (SNI), so a server with many names picks the right certificate', async () => {
  const names: string[] = []
  const context = tls.createSecureContext({ key, cert })
  const server = http2.createSecureServer({
    key,
    cert,
    SNICallback: (name, callback) => {
      names.push(name)
      callback(null, context)
    },
  })
  server.on('stream', (stream) => {
    stream.respond({ ':status': 200 })
    stream.end('secure')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as net.AddressInfo).port
  const client = h2Client({ ca: cert, lookup: loopback, timeoutMs: 3000 })
  try {
    const byName = await within(
      3000,
      client.send(get(`https://localhost:${port}/`), parseTarget(`https://localhost:${port}/`)!),
      'the answer',
    )
    assert.equal(byName.status, 200)
    assert.equal(await bodyText(byName.body), 'secure')
    assert.deepEqual(names, ['localhost'])
  } finally {
    client.close()
    server.close()
  }
})

test('a stream the upstream resets with an error before answering is a generated 502 reset naming the HTTP/2 error code', async () => {
  const upstream = await h2cUpstream()
  const client = h2Client({ timeoutMs: 3000 })
  try {
    const res = await within(
      3000,
      client.send(get(`${upstream.base}/broken`), parseTarget(`${upstream.base}/broken`)!),
      'the answer',
    )
    assert.equal(res.status, 502)
    assert.equal(res.generated?.cause, 'reset')
    assert.match(res.generated?.message ?? '', /HTTP\/2 error code 2\b/)
  } finally {
    client.close()
    await upstream.close()
  }
})

test('a stream the upstream refuses (REFUSED_STREAM: it did no work) is a generated 502 refused', async () => {
  const upstream = await h2cUpstream()
  const client = h2Client({ timeoutMs: 3000 })
  try {
    const res = await within(
      3000,
      client.send(get(`${upstream.base}/refused`), parseTarget(`${upstream.base}/refused`)!),
      'the answer',
    )
    assert.equal(res.status, 502)
    assert.equal(res.generated?.cause, 'refused')
  } finally {
    client.close()
    await upstream.close()
  }
})

test('an h2c upstream that refuses the connection is a generated 502 refused naming host and port', async () => {
  const port = await closedPort()
  const client = h2Client({ timeoutMs: 3000 })
  const target = `http://127.0.0.1:${port}/`
  try {
    const res = await within(3000, client.send(get(target), parseTarget(target)!), 'the answer')
    assert.equal(res.status, 502)
    assert.equal(res.generated?.cause, 'refused')
    assert.equal(res.generated?.message, `upstream refused the connection: 127.0.0.1:${port}`)
  } finally {
    client.close()
  }
})

test('a request Host header, in any case and wherever it stands, goes out as :authority; without one, the target authority does', async () => {
  const upstream = await h2cUpstream()
  const client = h2Client({ timeoutMs: 3000 })
  const target = `${upstream.base}/authority`
  try {
    const named = await within(
      3000,
      client.send(
        {
          ...get(target),
          headers: Object.freeze([
            Object.freeze(['Date', 'Mon, 07 Dec 2026 20:00:00 GMT'] as const),
            Object.freeze(['HOST', 'virtual.example'] as const),
          ]),
        },
        parseTarget(target)!,
      ),
      'the answer',
    )
    assert.equal(await bodyText(named.body), 'virtual.example')
    const plain = await within(3000, client.send(get(target), parseTarget(target)!), 'the answer')
    assert.equal(await bodyText(plain.body), upstream.base.slice('http://'.length))
  } finally {
    client.close()
    await upstream.close()
  }
})

test('at most four sessions go to one origin: past that, a stream shares the least busy session', async () => {
  const upstream = await h2cUpstream({ maxConcurrentStreams: 1 })
  const client = h2Client({ timeoutMs: 5000 })
  const hang = () => client.send(get(`${upstream.base}/hang`), parseTarget(`${upstream.base}/hang`)!)
  const pending = []
  try {
    for (let n = 1; n <= MAX_SESSIONS_PER_ORIGIN; n++) {
      pending.push(hang())
      await within(
        2000,
        until(() => upstream.hung.length === n),
        `stream ${n}`,
      )
    }
    assert.equal(upstream.sessions.length, MAX_SESSIONS_PER_ORIGIN)
    // Every session is full; the next stream waits in one of them rather than opening a fifth.
    pending.push(hang())
    await new Promise((resolve) => setTimeout(resolve, 50))
    assert.equal(upstream.sessions.length, MAX_SESSIONS_PER_ORIGIN)
  } finally {
    client.close()
    await Promise.all(pending)
    await upstream.close()
  }
})
