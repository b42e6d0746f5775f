/**
 * Exchanges the client cut short are the client's failure: a real client that leaves mid-upload, through a real proxy
 * (the wire server, the client, capture and recording) to a real upstream, and a request body that fails in memory.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import net from 'node:net'
import { PassThrough } from 'node:stream'
import { captureTo } from '../../../electron/capture/capture-filter.ts'
import type { CapturedExchange } from '../../../electron/capture/captured-exchange.ts'
import { nodeClient } from '../../../electron/core/client/node-client.ts'
import { requestBodyFailed } from '../../../electron/core/client/client-failure.ts'
import { systemClock } from '../../../electron/core/clock.ts'
import { pipeline, type HttpHandler } from '../../../electron/core/http.ts'
import { request, streamBody, withTarget, type Response } from '../../../electron/core/message.ts'
import { startWireServer } from '../../../electron/core/server/wire-server.ts'
import { recordTo } from '../../../electron/recording/record-to.ts'
import type { RecordedExchange } from '../../../electron/recording/recorded-exchange.ts'
import { httpUpstream, within } from '../server/net-fixtures.ts'
import { until } from '../../support/wait.ts'
import { scriptedUpstream } from './scripted-upstream.ts'

/**
 * A real proxy (the wire server, capture, recording, the client) in front of a real upstream that reads every upload to
 * its end before it answers, and a raw client socket connected to it. Keeps what the client layer answered, what was
 * recorded and what was captured.
 */
async function proxyRig() {
  const state = { upstreamRead: 0 }
  const upstream = await httpUpstream((req, res) => {
    req.on('data', (chunk: Buffer) => {
      state.upstreamRead += chunk.byteLength
    })
    req.on('error', () => {})
    req.on('end', () => res.end('whole'))
  })
  const client = nodeClient({ timeoutMs: 5000 })
  const answers: Response[] = []
  const records: RecordedExchange[] = []
  const captured: CapturedExchange[] = []
  const toUpstream: HttpHandler = async (req) => {
    const res = await client(withTarget(req, upstream.url + req.target))
    answers.push(res)
    return res
  }
  const proxy = await startWireServer(
    pipeline(
      [
        captureTo(
          { exchangeCompleted: (r) => captured.push(r) },
          { listenerId: 'l1', clock: systemClock, bodyCap: () => 1024, enabled: () => true },
        ),
        recordTo({
          append: async () => assert.fail('records go through enqueue'),
          enqueue: (x: RecordedExchange, settled: (error?: Error) => void) => {
            records.push(x)
            settled(undefined)
          },
        }),
      ],
      toUpstream,
    ),
  )
  const socket = net.connect(proxy.port, '127.0.0.1')
  let received = ''
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString('latin1')
  })
  socket.on('error', () => {})
  await within(2000, new Promise((resolve) => socket.once('connect', resolve)), 'the connection to the proxy')
  return {
    socket,
    answers,
    records,
    captured,
    received: () => received,
    upstreamRead: () => state.upstreamRead,
    ended: () =>
      until(() => answers.length === 1 && records.length === 1 && captured.length === 1, 3000, 'the exchange to end'),
    async close() {
      socket.destroy()
      await within(3000, proxy.stop(), 'the proxy to stop')
      client.close()
      await upstream.close()
    },
  }
}

test('a client that leaves mid-upload is recorded and captured as the client aborting, not as an upstream failure', async () => {
  const rig = await proxyRig()
  try {
    rig.socket.write(`POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n${'a'.repeat(30_000)}`)
    await until(() => rig.upstreamRead() > 0, 3000, 'the upload to reach the upstream')
    rig.socket.destroy()
    await rig.ended()
    const answer = rig.answers[0]!
    assert.equal(answer.status, 499)
    assert.equal(answer.generated?.cause, 'client-aborted')
    assert.match(answer.generated?.message ?? '', /^the client went away/)
    assert.doesNotMatch(answer.generated?.message ?? '', /upstream/)
    const record = rig.records[0]!
    assert.deepEqual(
      [record.response.status, record.generated?.cause, record.tags],
      [499, 'client-aborted', ['client-aborted']],
    )
    assert.equal(record.incomplete?.request, 70_000, 'the upload is recorded as far as it went')
    assert.equal(rig.captured[0]!.outcome.kind, 'aborted')
  } finally {
    await rig.close()
  }
})

test("a chunked upload that turns into bytes that are not HTTP is recorded as the client's bad request, not as the upstream answering badly", async () => {
  const rig = await proxyRig()
  try {
    rig.socket.write('POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n')
    await until(() => rig.upstreamRead() > 0, 3000, 'the first chunk to reach the upstream')
    rig.socket.write('ZZ\r\nnot a chunk\r\n')
    await rig.ended()
    const answer = rig.answers[0]!
    assert.deepEqual(
      [answer.status, answer.generated?.cause, answer.generated?.message],
      [
        400,
        'bad-request',
        "the client's request body is not valid HTTP (HPE_INVALID_CHUNK_SIZE: Invalid character in chunk size)",
      ],
    )
    assert.deepEqual([rig.records[0]!.response.status, rig.records[0]!.generated?.cause], [400, 'bad-request'])
    assert.deepEqual(rig.captured[0]!.outcome, {
      kind: 'failed',
      cause: 'bad-request',
      message: answer.generated?.message,
    })
    await until(
      () => /^HTTP\/1\.1 400 Bad Request\r\n/.test(rig.received()),
      3000,
      "the server's own 400 to reach the client",
    )
  } finally {
    await rig.close()
  }
})

test('a request body that fails while it is sent is the client failing, with its error named, and the upstream connection is let go', async () => {
  const upload = new PassThrough()
  const upstream = await scriptedUpstream(() => {})
  const client = nodeClient({ timeoutMs: 3000 })
  try {
    const pending = client(request({ method: 'PUT', target: `${upstream.url}/file`, body: streamBody(upload, 100) }))
    upload.write('first part ')
    const connection = await upstream.accepted(1)
    upload.destroy(new Error('the client stopped uploading'))
    const res = await within(2000, pending, 'the answer')
    assert.equal(res.status, 499)
    assert.equal(res.generated?.cause, 'client-aborted')
    assert.equal(
      res.generated?.message,
      `the client's request body failed before 127.0.0.1:${upstream.port} answered: the client stopped uploading`,
    )
    await within(2000, connection.closed, 'the upstream connection to close')
  } finally {
    client.close()
    await upstream.close()
  }
})

test('a request body that breaks off or is not valid HTTP is named as the client leaving or sending a bad request', () => {
  const reset = requestBodyFailed(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }), 'u.test:80')
  assert.deepEqual(
    [reset.status, reset.reason, reset.generated],
    [
      499,
      'Client Closed Request',
      { cause: 'client-aborted', message: 'the client went away during its upload, before u.test:80 answered' },
    ],
  )
  const closed = requestBodyFailed(
    Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }),
    'u.test:80',
  )
  assert.equal(closed.generated?.message, 'the client went away during its upload, before u.test:80 answered')
  const bad = requestBodyFailed(
    Object.assign(new Error('Invalid character in chunk size'), { code: 'HPE_INVALID_CHUNK_SIZE' }),
    'u.test:80',
  )
  assert.deepEqual(
    [bad.status, bad.generated],
    [
      400,
      {
        cause: 'bad-request',
        message:
          "the client's request body is not valid HTTP (HPE_INVALID_CHUNK_SIZE: Invalid character in chunk size)",
      },
    ],
  )
  const parsed = requestBodyFailed(
    Object.assign(new Error('Parse Error'), {
      code: 'HPE_INVALID_CHUNK_SIZE',
      reason: 'Invalid character in chunk size',
    }),
    'u.test:80',
  )
  assert.equal(parsed.generated?.message, bad.generated?.message, "llhttp's reason, not its bare Parse Error")
  const coded = requestBodyFailed(Object.assign(new Error('stream reset'), { code: 'ERR_X' }), 'u.test:80')
  assert.equal(
    coded.generated?.message,
    "the client's request body failed before u.test:80 answered: stream reset (ERR_X)",
  )
})
