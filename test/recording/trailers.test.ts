import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Readable } from 'node:stream'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { replay } from '../../electron/recording/replay.ts'
import { standIn } from '../../electron/recording/stand-in.ts'
import { recordTo } from '../../electron/recording/record-to.ts'
import { decodeLog, encodeRecord } from '../../electron/recording/record-log.ts'
import { toHar } from '../../electron/recording/har-export.ts'
import { fromHar } from '../../electron/recording/har-import.ts'
import { bodyText, request, response, streamBody, type Headers } from '../../electron/core/message.ts'
import type { RecordedExchange } from '../../electron/recording/recorded-exchange.ts'
import { waitFor } from './support.ts'

const grpcStatus: Headers = Object.freeze([
  Object.freeze(['grpc-status', '14'] as const),
  Object.freeze(['grpc-message', 'no%20backend'] as const),
])

function keeping() {
  const kept: RecordedExchange[] = []
  return { kept, writer: { append: async (x: RecordedExchange) => void kept.push(x) } }
}

test('a recording keeps the trailers that came after each body, request and response', async () => {
  const { kept, writer } = keeping()
  const handler = recordTo(writer)(async (req) => {
    assert.equal(await bodyText(req.body), 'up')
    return Object.freeze({
      ...response(200, { version: '2', body: streamBody(Readable.from([Buffer.from('down')])) }),
      trailers: Promise.resolve(grpcStatus),
    })
  })
  const res = await handler(
    Object.freeze({
      ...request({ method: 'POST', target: 'http://h/rpc', version: '2', headers: [['host', 'h']] }),
      body: streamBody(Readable.from([Buffer.from('up')])),
      trailers: Promise.resolve<Headers>([['x-checksum', 'abc']]),
    }),
  )
  assert.equal(await bodyText(res.body), 'down')
  assert.deepEqual(await res.trailers, grpcStatus, 'the client still gets the trailers')
  await waitFor(() => kept.length === 1, 2000, 'the record')
  assert.deepEqual(kept[0]!.request.trailers, [['x-checksum', 'abc']])
  assert.deepEqual(kept[0]!.response.trailers, grpcStatus)
})

test('an exchange without trailers is recorded with no trailers field at all', async () => {
  const { kept, writer } = keeping()
  const handler = recordTo(writer)(async () =>
    Object.freeze({
      ...response(200, { body: streamBody(Readable.from([Buffer.from('x')])) }),
      trailers: Promise.resolve<Headers>([]),
    }),
  )
  const res = await handler(request({ target: 'http://h/none', headers: [['Host', 'h']] }))
  await bodyText(res.body)
  await waitFor(() => kept.length === 1, 2000, 'the record')
  assert.equal('trailers' in kept[0]!.response, false)
  assert.equal('trailers' in kept[0]!.request, false)
})

const withTrailers: RecordedExchange = {
  startedAt: 1_700_000_000_000,
  durationMs: 3,
  request: {
    method: 'POST',
    url: 'http://h/grpc.Test/Ping',
    version: '2',
    headers: [['content-type', 'application/grpc']],
    body: Buffer.from([0, 0, 0, 0, 1, 0x41]),
    trailers: [['x-request-trailer', 'yes']],
  },
  response: {
    status: 200,
    reason: 'OK',
    version: '2',
    headers: [['content-type', 'application/grpc']],
    body: Buffer.from([0, 0, 0, 0, 0]),
    trailers: grpcStatus,
  },
}

test('a session record stores trailers in its header JSON and reads them back', () => {
  const bytes = encodeRecord(withTrailers)
  assert.match(
    bytes.toString('latin1'),
    /"headers":\[\["content-type","application\/grpc"\]\],"trailers":\[\["grpc-status","14"\]/,
  )
  const [back] = decodeLog(bytes, 'exchanges.log').records
  assert.deepEqual(back!.request.trailers, [['x-request-trailer', 'yes']])
  assert.deepEqual(back!.response.trailers, grpcStatus)
})

test('HAR export puts trailers in _trailers beside headers, and HAR import reads them back', () => {
  const har = toHar([withTrailers])
  const entry = har.log.entries[0]!
  assert.deepEqual(entry.response._trailers, [
    { name: 'grpc-status', value: '14' },
    { name: 'grpc-message', value: 'no%20backend' },
  ])
  assert.deepEqual(entry.request._trailers, [{ name: 'x-request-trailer', value: 'yes' }])
  const back = fromHar(JSON.stringify(har)).records[0]!
  assert.deepEqual(back.response.trailers, grpcStatus)
  assert.deepEqual(back.request.trailers, [['x-request-trailer', 'yes']])
})

test("replay sends a recorded request's trailers to an HTTP/1.1 server, chunked, and the server reads them", async (t) => {
  const seen: Array<{ body: string; trailers: Record<string, string | undefined>; chunked: boolean }> = []
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      seen.push({
        body: Buffer.concat(chunks).toString(),
        trailers: { ...req.trailers },
        chunked: req.headers['transfer-encoding'] === 'chunked',
      })
      res.end('ok')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  )
  const { port } = server.address() as AddressInfo
  const recorded: RecordedExchange = {
    ...withTrailers,
    request: {
      ...withTrailers.request,
      version: '1.1',
      headers: [
        ['Host', `127.0.0.1:${port}`],
        ['Content-Length', '6'],
      ],
    },
  }
  const report = await replay([recorded], { target: `http://127.0.0.1:${port}`, speed: Infinity, timeoutMs: 10_000 })
  assert.equal(report.results[0]!.outcome === 'failed', false, JSON.stringify(report.results[0]))
  assert.equal(seen.length, 1)
  assert.equal(seen[0]!.chunked, true)
  assert.equal(seen[0]!.body, Buffer.from(withTrailers.request.body).toString())
  assert.equal(seen[0]!.trailers['x-request-trailer'], 'yes')
})

test("the stand-in answers with the recorded response's trailers, and with none for a response that had none", async () => {
  const handler = standIn([
    withTrailers,
    {
      ...withTrailers,
      request: { ...withTrailers.request, url: 'http://h/plain' },
      response: { ...withTrailers.response, trailers: undefined },
    },
  ])
  const res = await handler(
    Object.freeze({
      ...request({ method: 'POST', target: 'http://h/grpc.Test/Ping', headers: [['host', 'h']] }),
      body: streamBody(Readable.from([Buffer.from(withTrailers.request.body)])),
    }),
  )
  assert.equal(res.status, 200)
  assert.deepEqual(await res.trailers, grpcStatus)
  const plain = await handler(
    Object.freeze({
      ...request({ method: 'POST', target: 'http://h/plain', headers: [['host', 'h']] }),
      body: streamBody(Readable.from([Buffer.from(withTrailers.request.body)])),
    }),
  )
  assert.equal(plain.status, 200)
  assert.equal(plain.trailers, undefined)
})

test('HAR import keeps only trailers that can go on the wire: names that are tokens, values without CR, LF or NUL, and no field a trailer must not carry', () => {
  const har = toHar([withTrailers])
  const entry = har.log.entries[0]! as unknown as { response: { _trailers: unknown } }
  entry.response._trailers = [
    { name: 'grpc-status', value: '0' },
    { name: 'x-split', value: 'a\r\nInjected: yes' },
    { name: 'x-nul', value: 'a\u0000b' },
    { name: 'bad name', value: 'v' },
    { name: ':status', value: '200' },
    { name: 'Content-Length', value: '99' },
    { name: 'Transfer-Encoding', value: 'chunked' },
    { name: 'x-end', value: 'ok' },
  ]
  const imported = fromHar(JSON.stringify(har))
  assert.deepEqual(imported.records[0]!.response.trailers, [
    ['grpc-status', '0'],
    ['x-end', 'ok'],
  ])
  assert.ok(
    imported.warnings.some((w) => /trailer/i.test(w)),
    `a warning says trailers were dropped: ${imported.warnings.join('; ')}`,
  )
})

test('an exchange whose body was replaced is recorded when that body ends, without the old body’s trailers that never come', async () => {
  const { kept: records, writer } = keeping()
  const handler = recordTo(writer)(async () =>
    Object.freeze({
      ...response(200, { body: streamBody(Readable.from([Buffer.from('new')]), undefined) }),
      trailers: new Promise<Headers>(() => {}),
    }),
  )
  assert.equal(await bodyText((await handler(request({ target: 'http://h/r' }))).body), 'new')
  await waitFor(() => records.length === 1, 2000, 'the record')
  assert.equal(records[0]!.response.trailers, undefined)
})
