import { test } from 'node:test'
import assert from 'node:assert/strict'
import http2 from 'node:http2'
import type net from 'node:net'
import { startWireServer } from '../../../electron/core/server/wire-server.ts'
import { nodeClient } from '../../../electron/core/client/node-client.ts'
import { response, withTarget, type Headers } from '../../../electron/core/message.ts'
import { tcpServer, within } from '../server/net-fixtures.ts'

/** How an h2 client's stream through the proxy ended when the HTTP/1.1 upstream cut its body short. */
async function cutThroughProxy(
  contentType: string,
  te: boolean,
): Promise<{ data: string; rstCode: number | undefined }> {
  const upstream = await tcpServer((socket: net.Socket) => {
    socket.on('error', () => {})
    socket.once('data', () => {
      socket.write(`HTTP/1.1 200 OK\r\nContent-Type: ${contentType}\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n`)
      setTimeout(() => socket.destroy(), 50)
    })
  })
  const client = nodeClient({ timeoutMs: 2000 })
  const server = await startWireServer(async (req) => client(withTarget(req, `${upstream.url}${req.target}`)))
  const session = http2.connect(server.url)
  session.on('error', () => {})
  try {
    return await within(
      3000,
      new Promise((resolve) => {
        const stream = session.request({ ':path': '/', ...(te ? { te: 'trailers' } : {}) })
        let data = ''
        stream.setEncoding('utf8')
        stream.on('data', (c: string) => {
          data += c
        })
        stream.on('error', () => {})
        stream.on('close', () => resolve({ data, rstCode: stream.rstCode }))
        stream.end()
      }),
      'the h2 stream to close',
    )
  } finally {
    session.destroy()
    client.close()
    await within(3000, server.stop(), 'the server to stop')
    await within(3000, upstream.close(), 'the upstream to stop')
  }
}

test('an h2 client sees a body the upstream cut short reset (INTERNAL_ERROR), never ended as if complete', async () => {
  const plain = await cutThroughProxy('text/plain', false)
  assert.equal(plain.data, 'abc')
  assert.equal(plain.rstCode, http2.constants.NGHTTP2_INTERNAL_ERROR)
})

test('an h2 stream held for trailers is reset too when the upstream cuts its body short', async () => {
  const grpc = await cutThroughProxy('application/grpc', true)
  assert.equal(grpc.rstCode, http2.constants.NGHTTP2_INTERNAL_ERROR)
})

test('an h2 client gets the trailers it may take, without a field a trailer must not carry, instead of a PROTOCOL_ERROR reset', async () => {
  const server = await startWireServer(async () =>
    Object.freeze({
      ...response(200, { headers: [['content-type', 'application/grpc']], body: 'abc' }),
      trailers: Promise.resolve<Headers>([
        ['Content-Length', '99'],
        ['grpc-status', '0'],
      ]),
    }),
  )
  const session = http2.connect(server.url)
  session.on('error', () => {})
  try {
    const ended = await within(
      3000,
      new Promise<{ trailers: http2.IncomingHttpHeaders | undefined; rstCode: number | undefined }>((resolve) => {
        const stream = session.request({ ':path': '/', te: 'trailers' })
        let trailers: http2.IncomingHttpHeaders | undefined
        stream.on('trailers', (t) => {
          trailers = t
        })
        stream.resume()
        stream.on('error', () => {})
        stream.on('close', () => resolve({ trailers, rstCode: stream.rstCode }))
        stream.end()
      }),
      'the h2 stream to close',
    )
    assert.equal(ended.rstCode, http2.constants.NGHTTP2_NO_ERROR)
    assert.equal(ended.trailers?.['grpc-status'], '0')
    assert.equal(ended.trailers?.['content-length'], undefined)
  } finally {
    session.destroy()
    await within(3000, server.stop(), 'the server to stop')
  }
})
