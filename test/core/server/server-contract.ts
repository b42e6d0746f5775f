/**
 * What every server adapter must do (http4k's ServerContract). A server adapter file runs
 * `serverContract('name', start)`; each test starts its own server on 127.0.0.1:0 and stops it.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Readable } from 'node:stream'
import type { HttpHandler } from '../../../electron/core/http.ts'
import { bodyText, response, streamBody, type Request } from '../../../electron/core/message.ts'
import type { RunningServer, ServerOptions } from '../../../electron/core/server/node-server.ts'
import { rawExchange, splitResponse, within } from './net-fixtures.ts'
import { decodeChunked } from '../../support/chunked.ts'

export type StartServer = (handler: HttpHandler, options?: ServerOptions) => Promise<RunningServer>

export function serverContract(adapter: string, start: StartServer): void {
  async function withServer(handler: HttpHandler, use: (server: RunningServer) => Promise<void>): Promise<void> {
    const server = await start(handler)
    try {
      await use(server)
    } finally {
      await within(3000, server.stop(), 'the server to stop')
    }
  }
  const ok: HttpHandler = async () => response(200, { headers: [['Content-Length', '2']], body: 'ok' })
  const name = (sentence: string): string => `${adapter}: ${sentence}`

  test(name('port 0 binds a free port and reports it in port and url'), async () => {
    await withServer(ok, async (server) => {
      assert.ok(server.port > 0)
      assert.equal(server.host, '127.0.0.1')
      assert.equal(server.url, `http://127.0.0.1:${server.port}`)
      const { received } = await rawExchange(server.port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
      assert.match(received.toString(), /^HTTP\/1\.1 200 OK\r\n/)
    })
  })

  test(name('a port already in use rejects with EADDRINUSE and names host and port'), async () => {
    await withServer(ok, async (server) => {
      await assert.rejects(start(ok, { port: server.port }), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'EADDRINUSE')
        assert.equal(error.message, `port ${server.port} on 127.0.0.1 is already in use`)
        return true
      })
    })
  })

  test(name('the handler sees the target as sent and the headers in order, case and duplicates'), async () => {
    let seen: Request | undefined
    await withServer(
      async (req) => {
        seen = req
        return ok(req)
      },
      async (server) => {
        await rawExchange(
          server.port,
          'GET http://example.test/a/../b?q=%7e HTTP/1.1\r\nHost: example.test\r\nX-Dup: 1\r\nx-dup: 2\r\nX-DUP: 3\r\nConnection: close\r\n\r\n',
        )
        assert.equal(seen?.target, 'http://example.test/a/../b?q=%7e')
        assert.equal(seen?.version, '1.1')
        assert.deepEqual(seen?.headers, [
          ['Host', 'example.test'],
          ['X-Dup', '1'],
          ['x-dup', '2'],
          ['X-DUP', '3'],
          ['Connection', 'close'],
        ])
        assert.equal(seen?.peer?.address, '127.0.0.1')
        assert.equal(seen?.body.kind, 'bytes')
      },
    )
  })

  test(
    name('response headers reach the client in order, case and duplicates, with nothing added but framing'),
    async () => {
      const handler: HttpHandler = async () =>
        response(201, {
          reason: 'Made It',
          headers: [
            ['x-b', '1'],
            ['Set-Cookie', 'a=1'],
            ['set-cookie', 'b=2'],
            ['X-A', '2'],
            ['Content-Length', '4'],
          ],
          body: 'made',
        })
      await withServer(handler, async (server) => {
        const { received } = await rawExchange(server.port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
        const { lines, body } = splitResponse(received)
        assert.deepEqual(lines, [
          'HTTP/1.1 201 Made It',
          'x-b: 1',
          'Set-Cookie: a=1',
          'set-cookie: b=2',
          'X-A: 2',
          'Content-Length: 4',
          'Connection: close',
        ])
        assert.equal(body.toString(), 'made')
      })
    },
  )

  test(name('a request body streams to the handler'), async () => {
    await withServer(
      async (req) => response(200, { body: `got ${await bodyText(req.body)}` }),
      async (server) => {
        const { received } = await rawExchange(
          server.port,
          'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello',
        )
        assert.match(received.toString(), /\r\n\r\n(?:9\r\n)?got hello(?:\r\n0\r\n\r\n)?$/, 'the body, chunked or not')
      },
    )
  })

  for (const [method, status] of [
    ['HEAD', 200],
    ['GET', 204],
    ['GET', 304],
  ] as const) {
    test(name(`a ${method} answered ${status} carries no body even if the handler gives one`), async () => {
      const handler: HttpHandler = async () => response(status, { headers: [['Content-Length', '5']], body: 'hello' })
      await withServer(handler, async (server) => {
        const { received, closed } = await rawExchange(
          server.port,
          `${method} / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
        )
        assert.ok(closed)
        assert.equal(splitResponse(received).body.length, 0)
      })
    })
  }

  test(name('a body of unknown length is sent chunked'), async () => {
    const handler: HttpHandler = async () =>
      response(200, { body: streamBody(Readable.from([Buffer.from('ab'), Buffer.from('cd')])) })
    await withServer(handler, async (server) => {
      const { received } = await rawExchange(server.port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
      const { lines, body } = splitResponse(received)
      assert.ok(lines.includes('Transfer-Encoding: chunked'))
      assert.ok(!lines.some((l) => /^content-length:/i.test(l)), 'no Content-Length beside chunked (RFC 9112 §6.2)')
      // Where the chunks are cut is the sender's choice (Node 24 joins the two writes into one): only the bytes count.
      assert.equal(decodeChunked(body).body.toString(), 'abcd')
    })
  })

  test(name('a client that sends Expect: 100-continue hears 100 Continue, then the answer'), async () => {
    await withServer(
      async (req) => response(200, { body: `got ${await bodyText(req.body)}` }),
      async (server) => {
        const { received } = await rawExchange(
          server.port,
          'POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi',
        )
        assert.match(received.toString(), /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK\r\n[^]*got hi/)
      },
    )
  })

  test(name('an HTTP/1.0 client gets a body of unknown length delimited by the connection closing'), async () => {
    const handler: HttpHandler = async () =>
      response(200, { body: streamBody(Readable.from([Buffer.from('ab'), Buffer.from('cd')])) })
    await withServer(handler, async (server) => {
      const { received, closed } = await rawExchange(server.port, 'GET / HTTP/1.0\r\nHost: x\r\n\r\n')
      assert.ok(closed)
      const { lines, body } = splitResponse(received)
      assert.ok(!lines.some((l) => /^transfer-encoding/i.test(l)), 'no chunked framing for HTTP/1.0')
      assert.equal(body.toString(), 'abcd')
    })
  })

  test(
    name('a request body the handler never reads is skipped, and the next request on the connection is answered'),
    async () => {
      await withServer(
        async (req) =>
          response(200, { headers: [['Content-Length', '2']], body: req.target === '/second' ? 'ok' : 'no' }),
        async (server) => {
          const { received } = await rawExchange(
            server.port,
            `POST /first HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n${'x'.repeat(5000)}GET /second HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
          )
          const text = received.toString()
          assert.match(text, /^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\nnoHTTP\/1\.1 200 OK\r\n[^]*\r\n\r\nok$/)
        },
      )
    },
  )

  test(name('a client that leaves mid-body, with the body unread, costs only that exchange'), async () => {
    let arrived!: () => void
    const arrival = new Promise<void>((resolve) => {
      arrived = resolve
    })
    const handler: HttpHandler = (req) => {
      if (req.target === '/ok') return ok(req)
      arrived()
      return new Promise((resolve) => setTimeout(() => resolve(response(200, { body: 'late' })), 100))
    }
    await withServer(handler, async (server) => {
      const exchange = rawExchange(
        server.port,
        'POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\npartial',
        { ms: 200 },
      )
      await within(2000, arrival, 'the request to arrive')
      ;(await exchange).socket.destroy()
      await new Promise((resolve) => setTimeout(resolve, 150))
      const after = await rawExchange(server.port, 'GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
      assert.match(after.received.toString(), /ok$/)
    })
  })

  test(name('a handler that throws gets a generated 500 and the server keeps serving'), async () => {
    let calls = 0
    const handler: HttpHandler = async () => {
      calls += 1
      if (calls === 1) throw new Error('boom')
      return response(200, { body: 'fine' })
    }
    await withServer(handler, async (server) => {
      const first = await rawExchange(server.port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
      assert.match(first.received.toString(), /^HTTP\/1\.1 500 Internal Server Error\r\n/)
      assert.match(first.received.toString(), /X-Nanoscope-Generated: internal/)
      assert.match(first.received.toString(), /boom/)
      const second = await rawExchange(server.port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
      assert.match(second.received.toString(), /fine/)
    })
  })

  test(name('a response header Node refuses to write becomes a generated 500, never an injected header'), async () => {
    await withServer(
      async () => response(200, { headers: [['X-Bad', 'a\r\nInjected: yes']], body: 'x' }),
      async (server) => {
        const { received } = await rawExchange(server.port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
        assert.match(received.toString(), /^HTTP\/1\.1 500 /)
        assert.doesNotMatch(received.toString(), /\r\nInjected/)
      },
    )
  })

  test(name('a body stream that fails mid-way cuts the client off and the server keeps serving'), async () => {
    const handler: HttpHandler = async (req) => {
      if (req.target === '/ok') return ok(req)
      const failing = new Readable({ read() {} })
      failing.push('partial')
      setTimeout(() => failing.destroy(new Error('upstream reset')), 20)
      return response(200, { headers: [['Content-Length', '100']], body: streamBody(failing, 100) })
    }
    await withServer(handler, async (server) => {
      const { received, closed } = await rawExchange(server.port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n')
      assert.ok(closed, 'the client connection is closed')
      assert.equal(splitResponse(received).body.toString(), 'partial')
      const after = await rawExchange(server.port, 'GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
      assert.match(after.received.toString(), /ok$/)
    })
  })

  test(name('a client that leaves early aborts the request signal'), async () => {
    let aborted: Promise<void> | undefined
    let arrived!: () => void
    const arrival = new Promise<void>((resolve) => {
      arrived = resolve
    })
    const handler: HttpHandler = (req) => {
      aborted = new Promise((resolve) => req.signal?.addEventListener('abort', () => resolve()))
      arrived()
      return new Promise(() => {}) // never answers
    }
    await withServer(handler, async (server) => {
      const exchange = rawExchange(server.port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', { ms: 200 })
      await within(2000, arrival, 'the request to arrive')
      ;(await exchange).socket.destroy()
      await within(2000, aborted ?? Promise.reject(new Error('no signal')), 'the signal to abort')
    })
  })

  test(name('garbage on a socket gets a 400 and the server keeps serving'), async () => {
    await withServer(ok, async (server) => {
      const { received, closed } = await rawExchange(server.port, 'this is not http\r\n\r\n')
      assert.ok(closed)
      assert.match(received.toString(), /^HTTP\/1\.1 400 Bad Request\r\n/)
      const after = await rawExchange(server.port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
      assert.match(after.received.toString(), /^HTTP\/1\.1 200 OK/)
    })
  })

  test(
    name('garbage pipelined behind a valid request gets that request answered first, then a 400, then the close'),
    async () => {
      const slow: HttpHandler = async () => {
        await new Promise((resolve) => setTimeout(resolve, 20))
        return response(200, { headers: [['Content-Length', '2']], body: 'ok' })
      }
      await withServer(slow, async (server) => {
        const { received, closed } = await rawExchange(
          server.port,
          'GET / HTTP/1.1\r\nHost: x\r\n\r\nthis is not http\r\n\r\n',
        )
        assert.ok(closed, 'the connection closes after the 400')
        const text = received.toString('latin1')
        assert.match(text, /^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\nokHTTP\/1\.1 400 Bad Request\r\n/)
        assert.equal(text.match(/HTTP\/1\.1 /g)?.length, 2, 'two responses, no more')
      })
    },
  )

  test(name('oversized request headers get a 431'), async () => {
    await withServer(ok, async (server) => {
      const { received } = await rawExchange(
        server.port,
        `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      )
      assert.match(received.toString(), /^HTTP\/1\.1 431 /)
    })
  })

  test(name('stop() closes idle keep-alive connections promptly'), async () => {
    const server = await start(ok)
    const { socket, received } = await rawExchange(server.port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', {
      until: (r) => r.toString().endsWith('ok'),
    })
    assert.match(received.toString(), /^HTTP\/1\.1 200/)
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
    const began = performance.now()
    await within(3000, server.stop(), 'stop()')
    await within(500, closed, 'the idle socket to close')
    assert.ok(performance.now() - began < 500, 'stop() did not wait out the grace period for an idle socket')
  })

  test(name('stop() cuts a busy connection after the grace period'), async () => {
    const server = await start(() => new Promise(() => {}))
    const exchange = rawExchange(server.port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', { ms: 5000 })
    await new Promise((resolve) => setTimeout(resolve, 50))
    await within(4000, server.stop(), 'stop() with a busy connection')
    assert.ok((await exchange).closed)
  })
}
