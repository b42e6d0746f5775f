/**
 * A write that fails once a TLS connection is up (the upstream closed its side to answer early) must not cost the
 * answer: the connection keeps reading, as it does over plain TCP. The failure is made at the socket's native handle,
 * the one place a test can make a write fail on demand.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type net from 'node:net'
import { constants } from 'node:os'
import tls from 'node:tls'
import { PassThrough } from 'node:stream'
import { WireExchange } from '../../../electron/core/client/wire-exchange.ts'
import { WirePool } from '../../../electron/core/client/wire-pool.ts'
import { bodyText, request, streamBody, type Response } from '../../../electron/core/message.ts'
import { within } from '../server/net-fixtures.ts'
import { cert, key, loopback } from './tls-fixture.ts'

/** Every write the socket's handle is asked for fails with EPIPE from now on. */
function failWrites(socket: net.Socket): void {
  const handle = (socket as unknown as { _handle: Record<string, unknown> })._handle
  for (const name of ['writeBuffer', 'writeLatin1String', 'writeUtf8String', 'writeAsciiString', 'writev'])
    handle[name] = () => -constants.errno.EPIPE
}

test('over TLS, a request whose writes fail after the handshake still gets the answer the upstream sent', async () => {
  const server = tls.createServer({ key, cert }, (socket) => {
    socket.on('error', () => {})
    // An upstream that answers without waiting for the request (as one refusing an upload does), a little later.
    setTimeout(() => socket.end('HTTP/1.1 413 Content Too Large\r\nContent-Length: 8\r\n\r\ntoo big!'), 100)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as net.AddressInfo).port
  const pool = new WirePool({ rejectUnauthorized: true, ca: cert, lookup: loopback })
  try {
    const origin = { secure: true, host: 'localhost', port, key: `https://localhost:${port}` }
    const connection = pool.acquire(origin)
    const upload = new PassThrough()
    upload.write('part of an upload')
    const res = await within(
      3000,
      new Promise<Response>((resolve) => {
        connection.socket.once('secureConnect', () => {
          failWrites(connection.socket)
          new WireExchange(
            request({ method: 'POST', target: `https://localhost:${port}/up`, body: streamBody(upload, 1000) }),
            { where: `localhost:${port}`, timeoutMs: 3000 },
            connection,
            resolve,
            undefined,
          ).start(`POST /up HTTP/1.1\r\nHost: localhost:${port}\r\nContent-Length: 1000\r\n\r\n`, false)
        })
      }),
      'the answer',
    )
    assert.equal(res.status, 413)
    assert.equal(await within(2000, bodyText(res.body), 'the body'), 'too big!')
    upload.destroy()
  } finally {
    pool.close()
    server.close()
  }
})
