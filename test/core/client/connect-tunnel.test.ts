import { test } from 'node:test'
import assert from 'node:assert/strict'
import type net from 'node:net'
import { connectTunnel, parseAuthority } from '../../../electron/core/client/connect-tunnel.ts'
import type { HttpHandler } from '../../../electron/core/http.ts'
import { bodyText, request, type TunnelStats } from '../../../electron/core/message.ts'
import { startServer, type RunningServer } from '../../../electron/core/server/node-server.ts'
import { closedPort, hasHead, rawExchange, splitResponse, tcpServer, within } from '../server/net-fixtures.ts'

async function withServer(handler: HttpHandler, use: (server: RunningServer) => Promise<void>): Promise<void> {
  const server = await startServer(handler)
  try {
    await use(server)
  } finally {
    await within(3000, server.stop(), 'the server to stop')
  }
}

/** Wraps connectTunnel so the test can read each tunnel's stats when it closes. */
function recordingTunnel(stats: Promise<TunnelStats>[], options?: Parameters<typeof connectTunnel>[0]): HttpHandler {
  const tunnel = connectTunnel(options)
  return async (req) => {
    const res = await tunnel(req)
    const open = res.tunnel
    if (!open) return res
    return Object.freeze({
      ...res,
      tunnel: (client: Parameters<typeof open>[0], head: Buffer) => {
        const s = open(client, head)
        stats.push(s)
        return s
      },
    })
  }
}

test('CONNECT through the server opens a byte-counting tunnel to the target', async () => {
  const echo = await tcpServer((socket) => socket.pipe(socket))
  const stats: Promise<TunnelStats>[] = []
  try {
    await withServer(recordingTunnel(stats), async (server) => {
      const target = `127.0.0.1:${echo.port}`
      const opened = await rawExchange(server.port, `CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`, {
        until: hasHead,
      })
      assert.deepEqual(splitResponse(opened.received).lines, ['HTTP/1.1 200 Connection Established'])
      const socket = opened.socket
      const echoed = new Promise<string>((resolve) => socket.once('data', (c: Buffer) => resolve(c.toString())))
      socket.write('hello')
      assert.equal(await within(2000, echoed, 'the echo'), 'hello')
      socket.end()
      const result = await within(2000, stats[0] ?? Promise.reject(new Error('no tunnel')), 'the tunnel to close')
      assert.deepEqual(result, { bytesUp: 5, bytesDown: 5 })
    })
  } finally {
    await echo.close()
  }
})

test('bytes the client sent with the CONNECT head go up the tunnel first', async () => {
  const echo = await tcpServer((socket) => socket.pipe(socket))
  try {
    await withServer(connectTunnel(), async (server) => {
      const target = `127.0.0.1:${echo.port}`
      const { received, socket } = await rawExchange(
        server.port,
        `CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\nearly`,
        { until: (r) => r.toString().endsWith('early') },
      )
      assert.equal(splitResponse(received).body.toString(), 'early')
      socket.destroy()
    })
  } finally {
    await echo.close()
  }
})

test('CONNECT to a closed port answers a generated 502 refused', async () => {
  const port = await closedPort()
  await withServer(connectTunnel(), async (server) => {
    const { received, closed } = await rawExchange(
      server.port,
      `CONNECT 127.0.0.1:${port} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`,
    )
    assert.ok(closed)
    const { lines, body } = splitResponse(received)
    assert.equal(lines[0], 'HTTP/1.1 502 Bad Gateway')
    assert.ok(lines.includes('X-Nanoscope-Generated: refused'))
    assert.match(body.toString(), /upstream refused the connection: 127\.0\.0\.1:\d+/)
  })
})

test('a tunnel whose upstream resets records the error and closes the client', async () => {
  const resetting = await tcpServer((socket) => socket.once('data', () => socket.resetAndDestroy()))
  const stats: Promise<TunnelStats>[] = []
  try {
    await withServer(recordingTunnel(stats), async (server) => {
      const target = `127.0.0.1:${resetting.port}`
      const { socket } = await rawExchange(server.port, `CONNECT ${target} HTTP/1.1\r\n\r\n`, { until: hasHead })
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
      socket.write('x')
      await within(2000, closed, 'the client to be closed')
      const result = await within(2000, stats[0] ?? Promise.reject(new Error('no tunnel')), 'the tunnel stats')
      assert.match(result.error ?? '', /upstream: ECONNRESET/)
    })
  } finally {
    await resetting.close()
  }
})

test('connectTunnel maps an unknown host and a timeout like the client does', async () => {
  const lookup = ((hostname: string, _o: unknown, callback: (e: Error) => void) =>
    callback(
      Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }),
    )) as unknown as net.LookupFunction
  const unknown = await connectTunnel({ lookup })(request({ method: 'CONNECT', target: 'nowhere.invalid:443' }))
  assert.equal(unknown.generated?.cause, 'unknown-host')
  const slow = ((_h: string, _o: unknown, _callback: unknown) => {}) as unknown as net.LookupFunction
  const timedOut = await within(
    2000,
    connectTunnel({ lookup: slow, timeoutMs: 100 })(request({ method: 'CONNECT', target: 'slow.test:443' })),
    'the timeout',
  )
  assert.equal(timedOut.status, 504)
  assert.equal(timedOut.generated?.cause, 'timeout')
})

test('a CONNECT target that is not host:port is a generated 400', async () => {
  for (const target of ['example.com', '/path', 'http://example.com:80/', 'host:99999']) {
    const res = await connectTunnel()(request({ method: 'CONNECT', target }))
    assert.equal(res.status, 400, target)
    assert.equal(res.generated?.cause, 'bad-request')
    assert.match(await bodyText(res.body), /host:port/)
  }
  assert.deepEqual(parseAuthority('[::1]:8443'), { host: '::1', port: 8443 })
})
