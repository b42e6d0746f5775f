import { test } from 'node:test'
import assert from 'node:assert/strict'
import { nodeClient } from '../../../electron/core/client/node-client.ts'
import { WireExchange } from '../../../electron/core/client/wire-exchange.ts'
import { WirePool } from '../../../electron/core/client/wire-pool.ts'
import { bodyText, request, type Response } from '../../../electron/core/message.ts'
import { within } from '../server/net-fixtures.ts'
import { scriptedUpstream } from './scripted-upstream.ts'

const OK = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'

test('a request retried after a stale pooled connection goes out on a fresh connection, not on another idle one', async () => {
  // The first two connections each answer one request, then drop the next: stale once idle. Later ones answer all.
  const upstream = await scriptedUpstream(({ socket }, _head, index) => {
    const early = upstream.sockets.findIndex((c) => c.socket === socket) < 2
    if (early && index > 0) socket.destroy()
    else socket.write(OK)
  })
  const client = nodeClient({ timeoutMs: 2000 })
  try {
    const both = await within(
      2000,
      Promise.all([client(request({ target: `${upstream.url}/a` })), client(request({ target: `${upstream.url}/b` }))]),
      'two answers on two connections',
    )
    for (const res of both) assert.equal(await bodyText(res.body), 'ok')
    assert.equal(upstream.connections, 2)
    const again = await within(2000, client(request({ target: `${upstream.url}/c` })), 'the retried answer')
    assert.equal(again.status, 200)
    assert.equal(await bodyText(again.body), 'ok')
    assert.equal(upstream.connections, 3, 'the retry opened a fresh connection')
  } finally {
    client.close()
    await upstream.close()
  }
})

test('a pooled connection found broken with EPIPE or ECONNABORTED is retried like a reset one', async () => {
  for (const code of ['EPIPE', 'ECONNABORTED', 'ECONNRESET']) {
    const upstream = await scriptedUpstream(({ socket }) => socket.write(OK))
    const pool = new WirePool({ rejectUnauthorized: true })
    try {
      const origin = { secure: false, host: '127.0.0.1', port: upstream.port, key: upstream.url }
      const stale = pool.acquire(origin)
      stale.completed = 1 // it carried an exchange before: a failure now is stale reuse
      const head = `GET /x HTTP/1.1\r\nHost: 127.0.0.1:${upstream.port}\r\n\r\n`
      const res = await within(
        2000,
        new Promise<Response>((resolve) => {
          const exchange = new WireExchange(
            request({ target: `${upstream.url}/x` }),
            { where: `127.0.0.1:${upstream.port}`, timeoutMs: 2000 },
            stale,
            resolve,
            { pool, origin, head, chunked: false },
          )
          exchange.failed(Object.assign(new Error(`write ${code}`), { code }))
        }),
        `the answer after ${code}`,
      )
      assert.equal(res.status, 200, code)
      assert.equal(await bodyText(res.body), 'ok')
    } finally {
      pool.close()
      await upstream.close()
    }
  }
})

test('a response body dropped before its end closes the connection it was read from', async () => {
  const upstream = await scriptedUpstream(({ socket }) =>
    socket.write('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nthe first few bytes'),
  )
  const client = nodeClient({ timeoutMs: 2000 })
  try {
    const res = await within(2000, client(request({ target: `${upstream.url}/long` })), 'the head')
    assert.equal(res.status, 200)
    assert.equal(res.body.kind, 'stream')
    if (res.body.kind === 'stream') res.body.stream.destroy()
    await within(2000, upstream.sockets[0]!.closed, 'the connection to close')
  } finally {
    client.close()
    await upstream.close()
  }
})
