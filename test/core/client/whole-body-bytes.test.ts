import { test } from 'node:test'
import assert from 'node:assert/strict'
import { nodeClient } from '../../../electron/core/client/node-client.ts'
import { bodyBytes, request } from '../../../electron/core/message.ts'
import { within } from '../server/net-fixtures.ts'
import { scriptedUpstream, type ScriptedConnection } from './scripted-upstream.ts'

/** One GET through a fresh client to an upstream that answers with `answer`; the response, then everything closed. */
async function fetchFrom(answer: (connection: ScriptedConnection) => void) {
  const upstream = await scriptedUpstream((connection) => answer(connection))
  const client = nodeClient({ timeoutMs: 3000 })
  try {
    const res = await within(4000, client(request({ target: `${upstream.url}/` })), 'the answer')
    return { res, bytes: await within(4000, bodyBytes(res.body), 'the body'), upstream }
  } finally {
    client.close()
    await upstream.close()
  }
}

const body = Buffer.alloc(1024, 'a')

test('a Content-Length response whose body came in the same read as its head is handed on as bytes, byte for byte', async () => {
  const { res, bytes } = await fetchFrom(({ socket }) =>
    socket.write(Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`), body])),
  )
  assert.equal(res.body.kind, 'bytes')
  assert.deepEqual(bytes, body)
  assert.deepEqual(res.headers, [['Content-Length', '1024']])
})

test('a Content-Length response whose body is still arriving after its head streams, and the rest follows', async () => {
  const { res, bytes } = await fetchFrom(({ socket }) => {
    socket.write(
      Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`), body.subarray(0, 100)]),
    )
    setTimeout(() => socket.write(body.subarray(100)), 50)
  })
  assert.equal(res.body.kind, 'stream')
  assert.equal(res.body.kind === 'stream' && res.body.length, 1024)
  assert.deepEqual(bytes, body)
})

test('a chunked response streams even when it came whole, so its trailers are kept', async () => {
  const { res, bytes } = await fetchFrom(({ socket }) =>
    socket.write(
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: x-sum\r\n\r\n3\r\nabc\r\n0\r\nx-sum: 1\r\n\r\n',
    ),
  )
  assert.equal(res.body.kind, 'stream')
  assert.equal(bytes.toString(), 'abc')
  assert.deepEqual(await within(2000, res.trailers!, 'the trailers'), [['x-sum', '1']])
})

test('an upstream that closes before the rest of a held body came fails the body, after a head that was answered', async () => {
  const upstream = await scriptedUpstream(({ socket }) => {
    socket.write(`HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc`)
    setTimeout(() => socket.destroy(), 50)
  })
  const client = nodeClient({ timeoutMs: 3000 })
  try {
    const res = await within(4000, client(request({ target: `${upstream.url}/` })), 'the answer')
    assert.equal(res.status, 200)
    await assert.rejects(within(4000, bodyBytes(res.body), 'the body'))
  } finally {
    client.close()
    await upstream.close()
  }
})
