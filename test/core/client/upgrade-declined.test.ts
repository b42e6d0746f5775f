import { test } from 'node:test'
import assert from 'node:assert/strict'
import { getEventListeners } from 'node:events'
import type net from 'node:net'
import { PassThrough } from 'node:stream'
import tls from 'node:tls'
import { nodeClient } from '../../../electron/core/client/node-client.ts'
import { bodyLength, bodyText, request, streamBody, type Body } from '../../../electron/core/message.ts'
import { closedPort, within } from '../server/net-fixtures.ts'
import { scriptedUpstream } from './scripted-upstream.ts'
import { cert, key, loopback } from './tls-fixture.ts'

const UPGRADE = [
  ['Connection', 'Upgrade'],
  ['Upgrade', 'websocket'],
  ['Sec-WebSocket-Version', '13'],
  ['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='],
] as const

function upgradeTo(url: string, body?: Body) {
  return request({ target: `${url}/socket`, headers: UPGRADE, ...(body ? { method: 'POST', body } : {}) })
}

test('a websocket upgrade the upstream declines comes back as its answer, status, headers and body, with no tunnel', async () => {
  const upstream = await scriptedUpstream(({ socket }) =>
    socket.write('HTTP/1.1 403 Forbidden\r\nX-Why: origin\r\nContent-Length: 11\r\n\r\nnot allowed'),
  )
  const client = nodeClient({ timeoutMs: 2000 })
  try {
    const res = await within(2000, client(upgradeTo(upstream.url)), 'the answer')
    assert.equal(res.status, 403)
    assert.equal(res.reason, 'Forbidden')
    assert.deepEqual(res.headers, [
      ['X-Why', 'origin'],
      ['Content-Length', '11'],
    ])
    assert.equal(res.tunnel, undefined)
    assert.equal(await within(2000, bodyText(res.body), 'the body'), 'not allowed')
  } finally {
    client.close()
    await upstream.close()
  }
})

test('a 304 answer to an upgrade request has no body', async () => {
  const upstream = await scriptedUpstream(({ socket }) =>
    socket.write('HTTP/1.1 304 Not Modified\r\nETag: "v1"\r\n\r\n'),
  )
  const client = nodeClient({ timeoutMs: 2000 })
  try {
    const res = await within(2000, client(upgradeTo(upstream.url)), 'the answer')
    assert.equal(res.status, 304)
    assert.equal(bodyLength(res.body), 0)
  } finally {
    client.close()
    await upstream.close()
  }
})

test('closing the client closes the connection a declined upgrade left open for reuse', async () => {
  const upstream = await scriptedUpstream(({ socket }) =>
    socket.write('HTTP/1.1 400 Bad Request\r\nContent-Length: 2\r\n\r\nno'),
  )
  const client = nodeClient({ timeoutMs: 2000 })
  try {
    const res = await within(2000, client(upgradeTo(upstream.url)), 'the answer')
    assert.equal(await bodyText(res.body), 'no')
    const connection = await upstream.accepted(1)
    client.close()
    await within(2000, connection.closed, 'the connection to close')
  } finally {
    client.close()
    await upstream.close()
  }
})

test('a websocket upgrade to a port nothing listens on is a generated 502 refused', async () => {
  const port = await closedPort()
  const client = nodeClient({ timeoutMs: 3000 })
  try {
    const res = await within(2000, client(upgradeTo(`http://127.0.0.1:${port}`)), 'the answer')
    assert.equal(res.status, 502)
    assert.equal(res.generated?.cause, 'refused')
    assert.equal(res.generated?.message, `upstream refused the connection: 127.0.0.1:${port}`)
  } finally {
    client.close()
  }
})

test('an upgrade request whose streamed body fails is a generated 499 naming the client failing, not a timeout', async () => {
  const upstream = await scriptedUpstream(() => {})
  const client = nodeClient({ timeoutMs: 3000 })
  try {
    const upload = new PassThrough()
    const pending = client(upgradeTo(upstream.url, streamBody(upload, 100)))
    upload.write('part')
    await upstream.accepted(1)
    upload.destroy(new Error('the client stopped sending'))
    const res = await within(2000, pending, 'the answer')
    assert.equal(res.status, 499)
    assert.equal(res.generated?.cause, 'client-aborted')
    assert.match(res.generated?.message ?? '', /the client's request body failed before .*: the client stopped sending/)
  } finally {
    client.close()
    await upstream.close()
  }
})

test('an upgrade sent on a kept connection the upstream dropped is sent once more on a fresh one', async () => {
  const upstream = await scriptedUpstream(({ socket }, _head, index) => {
    // The first connection answers its first request and drops the next, as an upstream that closed it while idle.
    if (upstream.sockets[0]?.socket === socket && index > 0) socket.destroy()
    else socket.write('HTTP/1.1 400 Bad Request\r\nContent-Length: 2\r\n\r\nno')
  })
  const client = nodeClient({ timeoutMs: 2000 })
  try {
    const first = await within(2000, client(upgradeTo(upstream.url)), 'the first answer')
    assert.equal(await bodyText(first.body), 'no')
    const second = await within(2000, client(upgradeTo(upstream.url)), 'the second answer')
    assert.equal(second.status, 400)
    assert.equal(await bodyText(second.body), 'no')
    assert.equal(upstream.connections, 2)
  } finally {
    client.close()
    await upstream.close()
  }
})

test('an upgrade the upstream never answers is a generated 504 after the timeout', async () => {
  const upstream = await scriptedUpstream(() => {})
  const client = nodeClient({ timeoutMs: 150 })
  try {
    const res = await within(2000, client(upgradeTo(upstream.url)), 'the timeout')
    assert.equal(res.status, 504)
    assert.equal(res.generated?.cause, 'timeout')
    assert.match(res.generated?.message ?? '', /did not respond within 150 ms/)
  } finally {
    client.close()
    await upstream.close()
  }
})

test('closing the client closes the TLS connection a declined upgrade to an https upstream left open for reuse', async () => {
  let closed!: () => void
  const connectionClosed = new Promise<void>((resolve) => {
    closed = resolve
  })
  const server = tls.createServer({ key, cert }, (socket) => {
    socket.on('error', () => {})
    socket.once('close', () => closed())
    socket.on('data', () => socket.write('HTTP/1.1 400 Bad Request\r\nContent-Length: 2\r\n\r\nno'))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as net.AddressInfo).port
  const client = nodeClient({ ca: cert, lookup: loopback, timeoutMs: 3000 })
  try {
    const res = await within(3000, client(upgradeTo(`https://localhost:${port}`)), 'the answer')
    assert.equal(res.status, 400)
    assert.equal(await bodyText(res.body), 'no')
    client.close()
    await within(2000, connectionClosed, 'the connection to close')
  } finally {
    client.close()
    server.close()
  }
})

test('a declined upgrade stops listening to its client going away once its answer has been read', async () => {
  const upstream = await scriptedUpstream(({ socket }) =>
    socket.write('HTTP/1.1 403 Forbidden\r\nContent-Length: 2\r\n\r\nno'),
  )
  const client = nodeClient({ timeoutMs: 2000 })
  try {
    const aborter = new AbortController()
    const res = await within(2000, client({ ...upgradeTo(upstream.url), signal: aborter.signal }), 'the answer')
    assert.equal(await bodyText(res.body), 'no')
    await within(
      2000,
      new Promise<void>((resolve) => {
        const poll = (): void =>
          getEventListeners(aborter.signal, 'abort').length === 0 ? resolve() : void setTimeout(poll, 5)
        poll()
      }),
      'the abort listener to go',
    )
  } finally {
    client.close()
    await upstream.close()
  }
})

test('the answer to a HEAD that asks to upgrade has no body, whatever length it announces', async () => {
  const upstream = await scriptedUpstream(({ socket }) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n'))
  const client = nodeClient({ timeoutMs: 2000 })
  try {
    const res = await within(
      2000,
      client(request({ method: 'HEAD', target: `${upstream.url}/socket`, headers: UPGRADE })),
      'the answer',
    )
    assert.equal(res.status, 200)
    assert.equal(bodyLength(res.body), 0)
  } finally {
    client.close()
    await upstream.close()
  }
})
