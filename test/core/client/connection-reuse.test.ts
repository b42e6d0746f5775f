import { test } from 'node:test'
import assert from 'node:assert/strict'
import { PassThrough } from 'node:stream'
import { nodeClient } from '../../../electron/core/client/node-client.ts'
import { WireExchange } from '../../../electron/core/client/wire-exchange.ts'
import { WirePool } from '../../../electron/core/client/wire-pool.ts'
import { bodyText, request, streamBody, type Response } from '../../../electron/core/message.ts'
import { within } from '../server/net-fixtures.ts'
import { scriptedUpstream } from './scripted-upstream.ts'

const OK = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'

test('a HEAD answer announces a length but sends no body: the next request goes out on the same connection', async () => {
  const upstream = await scriptedUpstream(({ socket }, head) =>
    socket.write(head.startsWith('HEAD') ? 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n' : OK),
  )
  const client = nodeClient({ timeoutMs: 2000 })
  try {
    const head = await within(2000, client(request({ method: 'HEAD', target: `${upstream.url}/a` })), 'the HEAD')
    assert.equal(head.status, 200)
    assert.equal(await bodyText(head.body), '')
    const get = await within(2000, client(request({ target: `${upstream.url}/b` })), 'the GET')
    assert.equal(await bodyText(get.body), 'ok')
    assert.equal(upstream.connections, 1)
  } finally {
    client.close()
    await upstream.close()
  }
})

test('a connection that carried a streamed upload to its end goes back to the pool', async () => {
  const upstream = await scriptedUpstream(({ socket }) => socket.write(OK))
  const client = nodeClient({ timeoutMs: 2000 })
  try {
    const upload = new PassThrough()
    upload.end('streamed')
    const post = await within(
      2000,
      client(request({ method: 'POST', target: `${upstream.url}/up`, body: streamBody(upload, 8) })),
      'the upload',
    )
    assert.equal(await bodyText(post.body), 'ok')
    const get = await within(2000, client(request({ target: `${upstream.url}/next` })), 'the GET')
    assert.equal(await bodyText(get.body), 'ok')
    assert.equal(upstream.connections, 1)
    assert.match(upstream.sockets[0]!.received, /\r\n\r\nstreamedGET \/next /)
  } finally {
    client.close()
    await upstream.close()
  }
})

test('bytes an upstream sends on an idle connection close it, and a POST after them goes out on a fresh one', async () => {
  const upstream = await scriptedUpstream(({ socket }) => socket.write(OK))
  const client = nodeClient({ timeoutMs: 2000 })
  try {
    assert.equal(await bodyText((await client(request({ target: `${upstream.url}/1` }))).body), 'ok')
    const first = upstream.sockets[0]!
    first.socket.write('HTTP/1.1 2')
    await within(2000, first.closed, 'the client to close the connection the stray bytes came on')
    const post = await within(
      2000,
      client(request({ method: 'POST', target: `${upstream.url}/2`, body: 'once' })),
      'the POST',
    )
    assert.equal(post.status, 200)
    assert.equal(await bodyText(post.body), 'ok')
    assert.equal(upstream.connections, 2)
  } finally {
    client.close()
    await upstream.close()
  }
})

test('a request whose client went away before it was sent is a generated 499 client-aborted and closes its connection', async () => {
  const upstream = await scriptedUpstream(({ socket }) => socket.write(OK))
  const pool = new WirePool({ rejectUnauthorized: true })
  try {
    const origin = { secure: false, host: '127.0.0.1', port: upstream.port, key: upstream.url }
    const connection = pool.acquire(origin)
    const gone = AbortSignal.abort()
    const res = await within(
      2000,
      new Promise<Response>((resolve) =>
        new WireExchange(
          { ...request({ target: `${upstream.url}/` }), signal: gone },
          { where: `127.0.0.1:${upstream.port}`, timeoutMs: 2000 },
          connection,
          resolve,
          undefined,
        ).start('GET / HTTP/1.1\r\nHost: x\r\n\r\n', false),
      ),
      'the answer',
    )
    assert.equal(res.status, 499)
    assert.equal(res.generated?.cause, 'client-aborted')
    assert.match(res.generated?.message ?? '', /the client went away before 127\.0\.0\.1:\d+ answered/)
    assert.equal(connection.socket.destroyed, true, 'the connection is closed, not kept for another request')
    assert.notEqual(pool.acquire(origin), connection)
  } finally {
    pool.close()
    await upstream.close()
  }
})

test('closing the client closes the connections still waiting for answers, and their requests end as 502s, not resent', async () => {
  const upstream = await scriptedUpstream(({ socket }, head) => {
    if (!head.startsWith('GET /slow')) socket.write(OK)
  })
  const client = nodeClient({ timeoutMs: 5000 })
  try {
    assert.equal(await bodyText((await client(request({ target: `${upstream.url}/fast` }))).body), 'ok')
    const slow = client(request({ target: `${upstream.url}/slow` }))
    const busy = await upstream.accepted(1)
    await within(
      2000,
      waitFor(() => busy.received.includes('GET /slow')),
      'the slow request to arrive',
    )
    const extra = client(request({ target: `${upstream.url}/slow` }))
    const second = await upstream.accepted(2)
    await within(
      2000,
      waitFor(() => second.received.includes('GET /slow')),
      'the second slow request to arrive',
    )
    client.close()
    await within(2000, Promise.all([busy.closed, second.closed]), 'both connections to close')
    const answers = await within(2000, Promise.all([slow, extra]), 'both requests to end')
    assert.deepEqual(
      answers.map((res) => [res.status, res.generated?.cause]),
      [
        [502, 'reset'],
        [502, 'reset'],
      ],
    )
    assert.equal(upstream.connections, 2, 'a request cut off by the close is not sent again on a new connection')
  } finally {
    client.close()
    await upstream.close()
  }
})

/** Resolves once `check` holds, polling every few milliseconds (the caller bounds the wait). */
function waitFor(check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const poll = (): void => {
      if (check()) resolve()
      else setTimeout(poll, 5)
    }
    poll()
  })
}
