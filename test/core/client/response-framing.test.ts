import { test } from 'node:test'
import assert from 'node:assert/strict'
import { nodeClient } from '../../../electron/core/client/node-client.ts'
import { bodyBytes, bodyText, request, type Request } from '../../../electron/core/message.ts'
import { within } from '../server/net-fixtures.ts'
import { scriptedUpstream } from './scripted-upstream.ts'

/** Sends one request through a fresh client to an upstream that answers every head with `reply` (then `after`). */
async function exchange(reply: string, send: (url: string) => Request, after?: 'end') {
  const upstream = await scriptedUpstream(({ socket }) => {
    socket.write(reply)
    if (after === 'end') socket.end()
  })
  const client = nodeClient({ timeoutMs: 3000 })
  return {
    upstream,
    res: await within(4000, client(send(upstream.url)), 'the answer'),
    async close() {
      client.close()
      await upstream.close()
    },
  }
}

test('an upstream that answers with bytes that are not HTTP is a generated 502 saying so, at once', async () => {
  const started = Date.now()
  const { res, close } = await exchange('SSH-2.0-OpenSSH_9.6\r\n\r\n', (url) => request({ target: `${url}/` }))
  try {
    assert.equal(res.status, 502)
    assert.equal(res.generated?.cause, 'bad-gateway')
    assert.match(res.generated?.message ?? '', /sent a response that is not valid HTTP: .* \(HPE_[A-Z_]+\)/)
    assert.ok(Date.now() - started < 2000, 'not left to the head timeout')
  } finally {
    await close()
  }
})

test('an upstream that switches protocols (101) to a request that asked for no upgrade is a generated 502 naming it', async () => {
  const { res, close } = await exchange(
    'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n',
    (url) => request({ target: `${url}/` }),
  )
  try {
    assert.equal(res.status, 502)
    assert.equal(res.generated?.cause, 'bad-gateway')
    assert.match(
      res.generated?.message ?? '',
      /not valid HTTP: the upstream switched protocols \(101\) though the request asked for no upgrade \(HPE_UNEXPECTED_101\)/,
    )
  } finally {
    await close()
  }
})

test('a response with no length ends where the upstream closes the connection, its body whole', async () => {
  const { res, close } = await exchange(
    'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nread until the close',
    (url) => request({ target: `${url}/` }),
    'end',
  )
  try {
    assert.equal(res.status, 200)
    assert.equal(await within(2000, bodyText(res.body), 'the body'), 'read until the close')
  } finally {
    await close()
  }
})

test('a body the upstream cuts short by closing fails as node:http says it: "aborted", ECONNRESET', async () => {
  const { res, close } = await exchange(
    'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc',
    (url) => request({ target: `${url}/` }),
    'end',
  )
  try {
    assert.equal(res.status, 200)
    await within(
      2000,
      assert.rejects(bodyBytes(res.body), { message: 'aborted', code: 'ECONNRESET' }),
      'the body to fail',
    )
  } finally {
    await close()
  }
})

test('a body in memory on a request framed chunked by its own header goes up as one chunk and the last chunk', async () => {
  const { res, upstream, close } = await exchange('HTTP/1.1 204 No Content\r\n\r\n', (url) =>
    request({ method: 'POST', target: `${url}/`, headers: [['Transfer-Encoding', 'chunked']], body: 'hello' }),
  )
  try {
    assert.equal(res.status, 204)
    assert.ok(upstream.sockets[0]!.received.endsWith('\r\n\r\n5\r\nhello\r\n0\r\n\r\n'), upstream.sockets[0]!.received)
  } finally {
    await close()
  }
})

test('a chunked body in memory with trailers ends with them after the last chunk', async () => {
  const { res, upstream, close } = await exchange('HTTP/1.1 204 No Content\r\n\r\n', (url) => ({
    ...request({ method: 'POST', target: `${url}/`, headers: [['Transfer-Encoding', 'chunked']], body: 'hi' }),
    trailers: Promise.resolve([['X-Checksum', '42']] as const),
  }))
  try {
    assert.equal(res.status, 204)
    assert.ok(upstream.sockets[0]!.received.endsWith('\r\n\r\n2\r\nhi\r\n0\r\nX-Checksum: 42\r\n\r\n'))
  } finally {
    await close()
  }
})
