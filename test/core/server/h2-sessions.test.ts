/**
 * The HTTP/2 server's sessions on real sockets (h2Sessions on a plain TCP listener, Node's http2 client): what the
 * handler is given (body length, trailers that never came, the peer), what a failing handler's client gets, how many
 * sessions are open, and how stop() says GOAWAY to each and closes them without waiting out its grace.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import http2 from 'node:http2'
import net from 'node:net'
import type { AddressInfo } from 'node:net'
import { bodyLength, bodyText, response, type Request } from '../../../electron/core/message.ts'
import type { HttpHandler } from '../../../electron/core/http.ts'
import { h2Sessions, type H2Sessions } from '../../../electron/core/server/h2-server.ts'
import { within } from './net-fixtures.ts'

interface H2Listener {
  readonly sessions: H2Sessions
  readonly url: string
  close(): Promise<void>
}

/** h2Sessions behind a plain TCP listener on 127.0.0.1:0, each connection handed over with nothing read from it. */
async function listen(handler: HttpHandler): Promise<H2Listener> {
  const sessions = h2Sessions(handler)
  const sockets = new Set<net.Socket>()
  const server = net.createServer((socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
    sessions.accept(socket)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    sessions,
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await within(3000, sessions.stop(100), 'the sessions to stop')
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

interface Answer {
  status: number
  headers: http2.IncomingHttpHeaders
  body: string
}

/** One request on an open client session; the answer within 3 s. */
function ask(client: http2.ClientHttp2Session, headers: http2.OutgoingHttpHeaders, body?: string): Promise<Answer> {
  return within(
    3000,
    new Promise<Answer>((resolve, reject) => {
      const stream = client.request(headers, { endStream: body === undefined })
      let head: http2.IncomingHttpHeaders = {}
      let text = ''
      stream.setEncoding('utf8')
      stream.on('response', (h) => {
        head = h
      })
      stream.on('data', (c: string) => {
        text += c
      })
      stream.on('error', reject)
      stream.on('end', () => resolve({ status: Number(head[':status']), headers: head, body: text }))
      if (body !== undefined) stream.end(body)
    }),
    `the answer to ${headers[':method'] ?? 'GET'} ${headers[':path']}`,
  )
}

function connect(url: string): http2.ClientHttp2Session {
  const client = http2.connect(url)
  client.on('error', () => {})
  return client
}

test('h2 server: a request body announces its Content-Length, and a body that ended without trailers settles them as none', async () => {
  const seen: Array<{ length: number | undefined; body: string; trailers: number }> = []
  const server = await listen(async (req: Request) => {
    const body = await bodyText(req.body)
    // Waiting for the trailers before answering: they must settle when the body ends, not when the stream closes.
    const trailers = await (req.trailers ?? Promise.resolve([]))
    seen.push({ length: bodyLength(req.body), body, trailers: trailers.length })
    return response(200, { body: `trailers: ${trailers.length}` })
  })
  const client = connect(server.url)
  try {
    const sized = await ask(client, { ':method': 'POST', ':path': '/a', 'content-length': '5' }, 'hello')
    assert.equal(sized.body, 'trailers: 0')
    const unsized = await ask(client, { ':method': 'POST', ':path': '/b' }, 'abc')
    assert.equal(unsized.body, 'trailers: 0')
    assert.deepEqual(seen, [
      { length: 5, body: 'hello', trailers: 0 },
      { length: undefined, body: 'abc', trailers: 0 },
    ])
  } finally {
    client.destroy()
    await server.close()
  }
})

test('h2 server: the handler sees the peer, method, target and the authority as a host header', async () => {
  let seen: Request | undefined
  const server = await listen(async (req) => {
    seen = req
    return response(204)
  })
  const client = connect(server.url)
  try {
    const answer = await ask(client, { ':method': 'DELETE', ':path': '/items/7?x=1', 'x-a': '1' })
    assert.equal(answer.status, 204)
    const local = (client.socket as net.Socket).localPort
    assert.deepEqual(seen?.peer, { address: '127.0.0.1', port: local })
    assert.equal(seen?.method, 'DELETE')
    assert.equal(seen?.target, '/items/7?x=1')
    assert.equal(seen?.version, '2')
    assert.deepEqual(seen?.headers[0], ['host', new URL(server.url).host])
    assert.equal(bodyLength(seen!.body), 0)
  } finally {
    client.destroy()
    await server.close()
  }
})

test('h2 server: a handler that throws or rejects gets its client a 500 saying why, and the session serves on', async () => {
  const server = await listen((req) => {
    if (req.target === '/throw') throw new Error('thrown at once')
    if (req.target === '/reject') return Promise.reject(new Error('rejected later'))
    if (req.target === '/string') return Promise.reject('not an error')
    return Promise.resolve(response(200, { body: 'fine' }))
  })
  const client = connect(server.url)
  try {
    const thrown = await ask(client, { ':path': '/throw' })
    assert.equal(thrown.status, 500)
    assert.equal(thrown.headers['x-nanoscope-generated'], 'internal')
    assert.equal(thrown.body, 'Nanoscope failed: thrown at once\n')
    assert.equal((await ask(client, { ':path': '/reject' })).body, 'Nanoscope failed: rejected later\n')
    assert.equal((await ask(client, { ':path': '/string' })).body, 'Nanoscope failed: not an error\n')
    assert.equal((await ask(client, { ':path': '/' })).body, 'fine')
  } finally {
    client.destroy()
    await server.close()
  }
})

test('h2 server: it counts its open sessions, and stop() sends each GOAWAY and closes it well before the grace', async () => {
  const server = await listen(async () => response(200, { body: 'ok' }))
  const first = connect(server.url)
  const second = connect(server.url)
  try {
    assert.equal(server.sessions.size, 0)
    await ask(first, { ':path': '/' })
    await ask(second, { ':path': '/' })
    assert.equal(server.sessions.size, 2)
    const goaways = [first, second].map(
      (client) => new Promise<number>((resolve) => client.once('goaway', (code: number) => resolve(code))),
    )
    const closed = [first, second].map(
      (client) => new Promise<void>((resolve) => client.once('close', () => resolve())),
    )
    const began = performance.now()
    await within(3000, server.sessions.stop(2500), 'stop()')
    assert.ok(performance.now() - began < 1500, 'idle sessions closed at once, not after the grace')
    assert.deepEqual(await within(1000, Promise.all(goaways), 'GOAWAY'), [0, 0], 'GOAWAY with NO_ERROR')
    await within(1000, Promise.all(closed), 'the client sessions to close')
    assert.equal(server.sessions.size, 0)
  } finally {
    first.destroy()
    second.destroy()
    await server.close()
  }
})

test('h2 server: stop() with no session open resolves at once', async () => {
  const sessions = h2Sessions(async () => response(200))
  await within(200, sessions.stop(5000), 'stop() with nothing open')
  assert.equal(sessions.size, 0)
})

test('h2 server: stop() destroys a session still busy when the grace runs out', async () => {
  let arrived!: () => void
  const arrival = new Promise<void>((resolve) => {
    arrived = resolve
  })
  const server = await listen(() => {
    arrived()
    return new Promise(() => {})
  })
  const client = connect(server.url)
  try {
    const stream = client.request({ ':path': '/never' })
    stream.on('error', () => {})
    await within(2000, arrival, 'the request to reach the handler')
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()))
    const began = performance.now()
    await within(3000, server.sessions.stop(300), 'stop() with a busy session')
    const took = performance.now() - began
    assert.ok(took >= 250, `waited for the grace (${took} ms)`)
    await within(1000, closed, 'the client session to close')
  } finally {
    client.destroy()
    await server.close()
  }
})
