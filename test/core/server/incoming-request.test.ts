/**
 * The request each server adapter hands its handler, read off a real socket: a body's length as the head framed it
 * (known, unknown for chunked, none for a bodiless request), the version, the peer, and for CONNECT the socket and
 * no body. Run against Node's adapter and the wire adapter alike.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { bodyLength, bodyText, response, type Request } from '../../../electron/core/message.ts'
import { startServer } from '../../../electron/core/server/node-server.ts'
import { startWireServer } from '../../../electron/core/server/wire-server.ts'
import { hasHead, rawExchange, within } from './net-fixtures.ts'

interface Seen {
  method: string
  version: string
  length: number | undefined
  body: string
  peer: boolean
  connection: boolean
}

for (const [adapter, start] of [
  ['node', startServer],
  ['wire', startWireServer],
] as const) {
  test(`${adapter} adapter: a body is announced with the length its head framed, or none`, async () => {
    const seen: Seen[] = []
    const server = await start(async (req: Request) => {
      seen.push({
        method: req.method,
        version: req.version,
        length: bodyLength(req.body),
        body: req.connection ? '' : await bodyText(req.body),
        peer: req.peer?.address === '127.0.0.1' && (req.peer?.port ?? 0) > 0,
        connection: req.connection !== undefined,
      })
      return response(200, { body: 'ok' })
    })
    try {
      const ask = (bytes: string) =>
        rawExchange(server.port, bytes, { until: (r) => hasHead(r) && r.toString().endsWith('ok') })
      await ask('POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc')
      await ask('POST /b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nde\r\n0\r\n\r\n')
      await ask('GET /c HTTP/1.0\r\nHost: x\r\n\r\n')
      await ask('PUT /d HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n')
      assert.deepEqual(seen, [
        { method: 'POST', version: '1.1', length: 3, body: 'abc', peer: true, connection: false },
        { method: 'POST', version: '1.1', length: undefined, body: 'de', peer: true, connection: false },
        { method: 'GET', version: '1.0', length: 0, body: '', peer: true, connection: false },
        { method: 'PUT', version: '1.1', length: 0, body: '', peer: true, connection: false },
      ])
    } finally {
      await within(3000, server.stop(), 'the server to stop')
    }
  })

  test(`${adapter} adapter: a CONNECT carries the client's socket and no body, and its URL names the bound port`, async () => {
    let connect: Request | undefined
    const server = await start(async (req: Request) => {
      connect = req
      return response(403, { body: 'no' })
    })
    try {
      assert.equal(server.url, `http://127.0.0.1:${server.port}`)
      await rawExchange(server.port, 'CONNECT h:443 HTTP/1.1\r\nHost: h:443\r\n\r\n', { until: hasHead })
      assert.equal(connect?.method, 'CONNECT')
      assert.equal(connect?.target, 'h:443')
      assert.ok(connect?.connection?.socket, 'the socket travels with the request')
      assert.equal(bodyLength(connect!.body), 0)
    } finally {
      await within(3000, server.stop(), 'the server to stop')
    }
  })
}
