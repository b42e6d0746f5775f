/** The adapters together: a proxy is the client mounted as a server, in front of a real upstream. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import http from 'node:http'
import { nodeClient } from '../../../electron/core/client/node-client.ts'
import { withTarget } from '../../../electron/core/message.ts'
import { startServer, type RunningServer } from '../../../electron/core/server/node-server.ts'
import { hasHead, httpUpstream, rawExchange, splitResponse, tcpServer, within } from './net-fixtures.ts'

/** Starts a proxy that sends every request to `upstreamUrl` + its target, runs `use`, then stops it. */
async function withProxy(upstreamUrl: string, use: (proxy: RunningServer) => Promise<void>): Promise<void> {
  const client = nodeClient({ timeoutMs: 2000 })
  const proxy = await startServer(async function toUpstream(req) {
    return client(withTarget(req, upstreamUrl + req.target))
  })
  try {
    await use(proxy)
  } finally {
    await within(3000, proxy.stop(), 'the proxy to stop')
    client.close()
  }
}

function send(
  url: string,
  options: http.RequestOptions,
  body?: Buffer,
): Promise<{ res: http.IncomingMessage; body: Buffer }> {
  return within(
    5000,
    new Promise((resolve, reject) => {
      const req = http.request(url, options, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve({ res, body: Buffer.concat(chunks) }))
        res.on('error', reject)
      })
      req.on('error', reject)
      req.end(body)
    }),
    `${options.method ?? 'GET'} ${url}`,
  )
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex')

test('duplicate headers and their case pass through the proxy both ways', async () => {
  const heads: string[] = []
  const upstream = await tcpServer((socket) =>
    socket.on('data', (chunk: Buffer) => {
      heads.push(chunk.toString('latin1'))
      socket.end(
        'HTTP/1.1 200 OK\r\nx-up: 1\r\nX-Up: 2\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\nContent-Length: 2\r\n\r\nok',
      )
    }),
  )
  try {
    await withProxy(upstream.url, async (proxy) => {
      const { received } = await rawExchange(
        proxy.port,
        'GET /p HTTP/1.1\r\nHost: h\r\nX-Dup: a\r\nx-dup: b\r\nX-DUP: c\r\nConnection: close\r\n\r\n',
      )
      const { lines, body } = splitResponse(received)
      assert.deepEqual(lines.slice(0, 6), [
        'HTTP/1.1 200 OK',
        'x-up: 1',
        'X-Up: 2',
        'Set-Cookie: a=1',
        'set-cookie: b=2',
        'Content-Length: 2',
      ])
      assert.equal(body.toString(), 'ok')
      assert.match(heads[0] ?? '', /^GET \/p HTTP\/1\.1\r\nHost: h\r\nX-Dup: a\r\nx-dup: b\r\nX-DUP: c\r\n/)
    })
  } finally {
    await upstream.close()
  }
})

test('1 MiB request and response bodies arrive byte-identical', async () => {
  const upstream = await httpUpstream((req, res) => {
    res.writeHead(200, { 'Content-Length': req.headers['content-length'] ?? '0' })
    req.pipe(res)
  })
  try {
    await withProxy(upstream.url, async (proxy) => {
      const payload = randomBytes(1024 * 1024)
      const { res, body } = await send(
        `${proxy.url}/echo`,
        { method: 'POST', headers: { 'Content-Length': payload.length } },
        payload,
      )
      assert.equal(res.statusCode, 200)
      assert.equal(body.length, payload.length)
      assert.equal(sha(body), sha(payload))
    })
  } finally {
    await upstream.close()
  }
})

test('a chunked response passes through chunked and intact', async () => {
  const upstream = await httpUpstream((_, res) => {
    res.write('one ')
    setTimeout(() => {
      res.write('two ')
      res.end('three')
    }, 10)
  })
  try {
    await withProxy(upstream.url, async (proxy) => {
      const { res, body } = await send(`${proxy.url}/`, {})
      assert.equal(res.headers['transfer-encoding'], 'chunked')
      assert.equal(body.toString(), 'one two three')
    })
  } finally {
    await upstream.close()
  }
})

test('HEAD, 204 and 304 responses come through without bodies', async () => {
  const upstream = await httpUpstream((req, res) => {
    if (req.url === '/204') {
      res.writeHead(204).end()
      return
    }
    if (req.url === '/304') {
      res.writeHead(304, { ETag: '"x"' }).end()
      return
    }
    res.writeHead(200, { 'Content-Length': '5' }).end(req.method === 'HEAD' ? undefined : 'hello')
  })
  try {
    await withProxy(upstream.url, async (proxy) => {
      for (const [method, path] of [
        ['HEAD', '/'],
        ['GET', '/204'],
        ['GET', '/304'],
      ]) {
        const { received, closed } = await rawExchange(
          proxy.port,
          `${method} ${path} HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n`,
        )
        assert.ok(closed, `${method} ${path} closed`)
        assert.equal(splitResponse(received).body.length, 0, `${method} ${path} has no body`)
      }
      const head = await rawExchange(proxy.port, 'HEAD / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n')
      assert.ok(splitResponse(head.received).lines.includes('Content-Length: 5'))
    })
  } finally {
    await upstream.close()
  }
})

test('sequential requests through the proxy reuse one upstream connection', async () => {
  const upstream = await httpUpstream((_, res) => res.end('ok'))
  const agent = new http.Agent({ keepAlive: true })
  try {
    await withProxy(upstream.url, async (proxy) => {
      for (let i = 0; i < 5; i++) assert.equal((await send(`${proxy.url}/${i}`, { agent })).body.toString(), 'ok')
      assert.equal(upstream.connections, 1)
    })
  } finally {
    agent.destroy()
    await upstream.close()
  }
})

test('an upstream reset mid-response truncates the client and the proxy stays up', async () => {
  const upstream = await tcpServer((socket) =>
    socket.once('data', (chunk: Buffer) => {
      if (chunk.toString().startsWith('GET /ok')) {
        socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok')
        return
      }
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial', () =>
        setTimeout(() => socket.destroy(), 20),
      )
    }),
  )
  try {
    await withProxy(upstream.url, async (proxy) => {
      const { received, closed } = await rawExchange(proxy.port, 'GET /cut HTTP/1.1\r\nHost: h\r\n\r\n')
      assert.ok(closed, 'the proxy closed the client connection')
      const { lines, body } = splitResponse(received)
      assert.ok(lines.includes('Content-Length: 1000'))
      assert.ok(body.length < 1000, 'the body is visibly truncated')
      const after = await rawExchange(proxy.port, 'GET /ok HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n')
      assert.match(after.received.toString(), /\r\n\r\nok$/)
    })
  } finally {
    await upstream.close()
  }
})

test('a client leaving mid-exchange closes the upstream request', async () => {
  let arrived!: () => void
  const arrival = new Promise<void>((resolve) => {
    arrived = resolve
  })
  let upstreamClosed!: () => void
  const closed = new Promise<void>((resolve) => {
    upstreamClosed = resolve
  })
  const upstream = await httpUpstream((req) => {
    req.socket.once('close', () => upstreamClosed())
    arrived()
  })
  try {
    await withProxy(upstream.url, async (proxy) => {
      const exchange = rawExchange(proxy.port, 'GET /slow HTTP/1.1\r\nHost: h\r\n\r\n', { ms: 100 })
      await within(2000, arrival, 'the request to reach the upstream')
      ;(await exchange).socket.destroy()
      await within(2000, closed, 'the upstream to see its request closed')
    })
  } finally {
    await upstream.close()
  }
})

test('an Upgrade answered 101 upstream becomes a tunnel through the proxy', async () => {
  const upstream = await httpUpstream((_, res) => res.end('no upgrade'))
  upstream.server.on('upgrade', (_req, socket, head) => {
    socket.on('error', () => {})
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n')
    if (head.length > 0) socket.write(head)
    socket.pipe(socket)
  })
  try {
    await withProxy(upstream.url, async (proxy) => {
      const switched = await rawExchange(
        proxy.port,
        'GET /ws HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n',
        { until: hasHead },
      )
      assert.match(switched.received.toString(), /^HTTP\/1\.1 101 Switching Protocols\r\n/)
      const echoed = new Promise<string>((resolve) =>
        switched.socket.once('data', (c: Buffer) => resolve(c.toString())),
      )
      switched.socket.write('ping')
      assert.equal(await within(2000, echoed, 'the echo'), 'ping')
      switched.socket.destroy()
    })
  } finally {
    await upstream.close()
  }
})
