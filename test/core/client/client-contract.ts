/**
 * What every client adapter must do: wire-faithful requests and responses, and upstream failures as
 * generated responses, never throws. A client adapter file runs `clientContract('name', makeClient)`.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { gzipSync } from 'node:zlib'
import { randomBytes } from 'node:crypto'
import type net from 'node:net'
import { bodyBytes, bodyText, request, type Response } from '../../../electron/core/message.ts'
import type { Client, ClientOptions } from '../../../electron/core/client/node-client.ts'
import { closedPort, hasHead, httpUpstream, tcpServer, within, type Listening } from '../server/net-fixtures.ts'

export type MakeClient = (options?: ClientOptions) => Client

/** A raw upstream that records each request head it reads and answers with `reply`. */
async function rawUpstream(reply: string | Buffer): Promise<Listening & { heads: string[] }> {
  const heads: string[] = []
  const server = await tcpServer((socket) => {
    let buffer = Buffer.alloc(0)
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk])
      while (hasHead(buffer)) {
        const end = buffer.indexOf('\r\n\r\n')
        heads.push(buffer.subarray(0, end).toString('latin1'))
        buffer = buffer.subarray(end + 4)
        socket.write(reply)
      }
    })
  })
  return Object.assign(server, { heads })
}

export function clientContract(adapter: string, makeClient: MakeClient): void {
  const name = (sentence: string): string => `${adapter}: ${sentence}`
  async function withClient(options: ClientOptions, use: (client: Client) => Promise<void>): Promise<void> {
    const client = makeClient(options)
    try {
      await use(client)
    } finally {
      client.close()
    }
  }
  function assertGenerated(res: Response, status: number, cause: string, message: RegExp): void {
    assert.equal(res.status, status)
    assert.equal(res.generated?.cause, cause)
    assert.match(res.generated?.message ?? '', message)
  }

  test(name('sends headers in order, case and duplicates and returns the raw response headers'), async () => {
    const upstream = await rawUpstream(
      'HTTP/1.1 200 Fine Thanks\r\nX-Z: 1\r\nset-cookie: a=1\r\nSet-Cookie: b=2\r\nContent-Length: 2\r\n\r\nok',
    )
    try {
      await withClient({}, async (client) => {
        const res = await client(
          request({
            target: `${upstream.url}/a/../b?x=%7e`,
            headers: [
              ['Host', 'example.test'],
              ['X-Dup', '1'],
              ['x-dup', '2'],
              ['accept', '*/*'],
            ],
          }),
        )
        assert.equal(res.status, 200)
        assert.equal(res.reason, 'Fine Thanks')
        assert.deepEqual(res.headers, [
          ['X-Z', '1'],
          ['set-cookie', 'a=1'],
          ['Set-Cookie', 'b=2'],
          ['Content-Length', '2'],
        ])
        assert.equal(await bodyText(res.body), 'ok')
        const lines = upstream.heads[0]?.split('\r\n') ?? []
        assert.equal(lines[0], 'GET /a/../b?x=%7e HTTP/1.1')
        assert.deepEqual(lines.slice(1, 5), ['Host: example.test', 'X-Dup: 1', 'x-dup: 2', 'accept: */*'])
      })
    } finally {
      await upstream.close()
    }
  })

  test(name('adds Host from the URL when the request has none, and framing only when the body needs it'), async () => {
    const upstream = await rawUpstream('HTTP/1.1 204 No Content\r\n\r\n')
    try {
      await withClient({}, async (client) => {
        await client(request({ target: `${upstream.url}/p` }))
        await client(request({ method: 'POST', target: `${upstream.url}/p`, headers: [['Host', 'h']], body: 'abc' }))
        const [get, post] = upstream.heads
        assert.equal(
          get,
          `GET /p HTTP/1.1\r\nHost: 127.0.0.1:${upstream.port}`,
          'nothing but Host is added to a bodiless GET',
        )
        assert.match(post ?? '', /\r\nContent-Length: 3(\r\n|$)/)
      })
    } finally {
      await upstream.close()
    }
  })

  test(name('never decodes content and never follows redirects'), async () => {
    const gzipped = gzipSync('hello')
    const upstream = await httpUpstream((req, res) => {
      if (req.url === '/moved') {
        res.writeHead(302, { Location: '/gz' })
        res.end()
        return
      }
      res.writeHead(200, { 'Content-Encoding': 'gzip', 'Content-Length': gzipped.length }).end(gzipped)
    })
    try {
      await withClient({}, async (client) => {
        const moved = await client(request({ target: `${upstream.url}/moved` }))
        assert.equal(moved.status, 302)
        const gz = await client(request({ target: `${upstream.url}/gz`, headers: [['Accept-Encoding', 'gzip']] }))
        assert.deepEqual(await bodyBytes(gz.body), gzipped)
      })
    } finally {
      await upstream.close()
    }
  })

  test(name('a target that is not an absolute URL is a generated 502'), async () => {
    await withClient({}, async (client) => {
      assertGenerated(await client(request({ target: '/relative' })), 502, 'bad-gateway', /no upstream URL/)
    })
  })

  test(
    name('a header Node refuses to send is a generated 500 that blames the request, not the upstream, and not a throw'),
    async () => {
      await withClient({}, async (client) => {
        const res = await client(request({ target: 'http://127.0.0.1:9/', headers: [['X-Bad', 'a\r\nInjected: yes']] }))
        assertGenerated(
          res,
          500,
          'internal',
          /^the request could not be sent to 127\.0\.0\.1:9 as it stands, and nothing was sent: .*X-Bad.* \(ERR_INVALID_CHAR\)$/,
        )
      })
    },
  )

  test(name('reuses a keep-alive connection for sequential requests'), async () => {
    const upstream = await httpUpstream((_, res) => res.end('ok'))
    try {
      await withClient({}, async (client) => {
        for (let i = 0; i < 5; i++)
          assert.equal(await bodyText((await client(request({ target: `${upstream.url}/${i}` }))).body), 'ok')
        assert.equal(upstream.connections, 1)
      })
    } finally {
      await upstream.close()
    }
  })

  test(
    name('carries exchange after exchange on one connection when bodies outgrow the reader, read at once or slowly'),
    async () => {
      // 64 KiB comes in one read, four times a body stream's buffer; 1 MiB fills the socket while nobody reads. Random
      // bytes, so a chunk overwritten by a later read (a read buffer reused too soon) cannot pass for the right one.
      const big = randomBytes(64 * 1024)
      const huge = randomBytes(1024 * 1024)
      const upstream = await httpUpstream((req, res) => res.end(req.url?.startsWith('/huge') ? huge : big))
      try {
        await withClient({}, async (client) => {
          for (let i = 0; i < 3; i++) {
            const res = await within(5000, client(request({ target: `${upstream.url}/big/${i}` })), `response ${i}`)
            assert.ok((await within(5000, bodyBytes(res.body), `body ${i}`)).equals(big))
          }
          const slow = await within(5000, client(request({ target: `${upstream.url}/huge` })), 'the huge response')
          assert.equal(slow.body.kind, 'stream')
          await new Promise((resolve) => setTimeout(resolve, 200)) // nobody reads: the upstream socket backs up
          assert.ok((await within(5000, bodyBytes(slow.body), 'the huge body')).equals(huge))
          const after = await within(
            5000,
            client(request({ target: `${upstream.url}/big/after` })),
            'the next response',
          )
          assert.ok((await within(5000, bodyBytes(after.body), 'the next body')).equals(big))
          assert.equal(upstream.connections, 1)
        })
      } finally {
        await upstream.close()
      }
    },
  )

  /**
   * An upstream whose first connection answers its first request and hangs up on the next (a connection it dropped
   * while idle, found stale on reuse); later connections answer every request. Counts the POSTs it reads.
   */
  async function staleOnReuse() {
    const seen = { posts: 0 }
    const upstream = await tcpServer((socket) => {
      const first = upstream.connections === 1
      let answered = 0
      socket.on('data', (chunk: Buffer) => {
        if (chunk.toString('latin1').startsWith('POST')) seen.posts += 1
        if (first && answered > 0) {
          socket.destroy()
          return
        }
        answered += 1
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok')
      })
    })
    return Object.assign(upstream, { seen })
  }

  test(name('a pooled connection the upstream dropped while idle is retried once on a fresh one'), async () => {
    const upstream = await staleOnReuse()
    try {
      await withClient({}, async (client) => {
        assert.equal(await bodyText((await client(request({ target: `${upstream.url}/1` }))).body), 'ok')
        const second = await client(request({ target: `${upstream.url}/2` }))
        assert.equal(second.status, 200)
        assert.equal(await bodyText(second.body), 'ok')
        assert.equal(upstream.connections, 2)
      })
    } finally {
      await upstream.close()
    }
  })

  test(
    name('a POST on a pooled connection the upstream dropped is not sent again by itself: it is a 502'),
    async () => {
      const upstream = await staleOnReuse()
      try {
        await withClient({}, async (client) => {
          assert.equal(await bodyText((await client(request({ target: `${upstream.url}/1` }))).body), 'ok')
          const post = await client(request({ method: 'POST', target: `${upstream.url}/2`, body: 'once' }))
          assert.equal(post.status, 502)
          assert.equal(upstream.seen.posts, 1, 'the POST went out once, on the stale connection')
          assert.equal(upstream.connections, 1, 'no fresh connection was opened to send it again')
        })
      } finally {
        await upstream.close()
      }
    },
  )

  test(
    name('a response followed by bytes nobody asked for is delivered, and that connection is not reused'),
    async () => {
      const upstream = await tcpServer((socket) => {
        const first = upstream.connections === 1
        socket.on('data', () =>
          socket.write(
            first
              ? 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nextra'
              : 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
          ),
        )
      })
      try {
        await withClient({}, async (client) => {
          for (const path of ['/1', '/2'])
            assert.equal(await bodyText((await client(request({ target: `${upstream.url}${path}` }))).body), 'ok')
          assert.equal(upstream.connections, 2)
        })
      } finally {
        await upstream.close()
      }
    },
  )

  test(name('a refused connection is a generated 502 naming host and port'), async () => {
    const port = await closedPort()
    await withClient({}, async (client) => {
      assertGenerated(
        await client(request({ target: `http://127.0.0.1:${port}/` })),
        502,
        'refused',
        new RegExp(`upstream refused the connection: 127\\.0\\.0\\.1:${port}`),
      )
    })
  })

  test(name('an unknown host is a generated 502'), async () => {
    const lookup = ((hostname: string, _options: unknown, callback: (error: Error) => void) => {
      callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname }))
    }) as unknown as net.LookupFunction
    await withClient({ lookup }, async (client) => {
      assertGenerated(
        await client(request({ target: 'http://nowhere.invalid/' })),
        502,
        'unknown-host',
        /nowhere\.invalid/,
      )
    })
  })

  test(name('an upstream that never answers is a generated 504 after the timeout'), async () => {
    const upstream = await tcpServer(() => {})
    try {
      await withClient({ timeoutMs: 200 }, async (client) => {
        const res = await within(2000, client(request({ target: `${upstream.url}/` })), 'the timeout')
        assertGenerated(res, 504, 'timeout', /did not respond within 200 ms/)
      })
    } finally {
      await upstream.close()
    }
  })

  test(
    name('on a reused connection the timeout counts from each request, and an answered one is never timed out'),
    async () => {
      // Requests for /stall are never answered; the others are, on the same connection.
      const upstream = await tcpServer((socket) => {
        let buffer = ''
        socket.on('data', (chunk: Buffer) => {
          buffer += chunk.toString('latin1')
          while (buffer.includes('\r\n\r\n')) {
            const head = buffer.slice(0, buffer.indexOf('\r\n\r\n'))
            buffer = buffer.slice(head.length + 4)
            if (!head.startsWith('GET /stall')) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok')
          }
        })
      })
      const answered = async (client: Client, path: string): Promise<void> => {
        const res = await within(2000, client(request({ target: `${upstream.url}${path}` })), `the answer to ${path}`)
        assert.equal(res.status, 200)
        assert.equal(await bodyText(res.body), 'ok')
      }
      try {
        await withClient({ timeoutMs: 300 }, async (client) => {
          await answered(client, '/a')
          // Past the timeout while the connection idles: the answered exchange must not be timed out now.
          await new Promise((resolve) => setTimeout(resolve, 450))
          await answered(client, '/b')
          // Two thirds of the timeout later: a timer still counting from /b would fire 100 ms into the next request.
          await new Promise((resolve) => setTimeout(resolve, 200))
          const started = performance.now()
          const stalled = await within(3000, client(request({ target: `${upstream.url}/stall` })), 'the timeout')
          const waited = performance.now() - started
          assertGenerated(stalled, 504, 'timeout', /did not respond within 300 ms/)
          assert.ok(waited >= 280, `timed out ${waited.toFixed(0)} ms after the request, not 300`)
          assert.equal(upstream.connections, 1, 'every request went on one connection')
        })
      } finally {
        await upstream.close()
      }
    },
  )

  test(name('an upstream that hangs up before the head is a generated 502 reset'), async () => {
    const upstream = await tcpServer((socket) => socket.once('data', () => socket.destroy()))
    try {
      await withClient({}, async (client) => {
        assertGenerated(await client(request({ target: `${upstream.url}/` })), 502, 'reset', /reset/)
      })
    } finally {
      await upstream.close()
    }
  })

  test(name('a reset after the head makes the body stream fail'), async () => {
    const upstream = await tcpServer((socket) =>
      socket.once('data', () => {
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial', () =>
          setTimeout(() => socket.destroy(), 20),
        )
      }),
    )
    try {
      await withClient({}, async (client) => {
        const res = await client(request({ target: `${upstream.url}/` }))
        assert.equal(res.status, 200)
        await within(2000, assert.rejects(bodyBytes(res.body)), 'the body to fail')
      })
    } finally {
      await upstream.close()
    }
  })

  test(name('an aborted request signal closes the upstream request'), async () => {
    let upstreamClosed!: () => void
    const closed = new Promise<void>((resolve) => {
      upstreamClosed = resolve
    })
    let arrived!: () => void
    const arrival = new Promise<void>((resolve) => {
      arrived = resolve
    })
    const upstream = await httpUpstream((req) => {
      req.socket.once('close', () => upstreamClosed())
      arrived()
    })
    try {
      await withClient({}, async (client) => {
        const aborter = new AbortController()
        const pending = client({ ...request({ target: `${upstream.url}/` }), signal: aborter.signal })
        await within(2000, arrival, 'the request to arrive')
        aborter.abort()
        await within(2000, closed, 'the upstream to see its request closed')
        assert.equal((await pending).generated?.cause, 'client-aborted')
      })
    } finally {
      await upstream.close()
    }
  })
}
