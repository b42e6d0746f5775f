/**
 * More server edges on real sockets: an h2 request's body length read from Content-Length only (not from another
 * field of the same length), a long exchange with a request pipelined behind it not mistaken for a stalled head,
 * and many requests on one kept-alive connection of the node adapter sharing one abort listener on its socket.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import http2 from 'node:http2'
import net from 'node:net'
import type { AddressInfo } from 'node:net'
import { bodyLength, bodyText, response } from '../../../electron/core/message.ts'
import { h2Sessions } from '../../../electron/core/server/h2-server.ts'
import { startServer } from '../../../electron/core/server/node-server.ts'
import { startWireServer } from '../../../electron/core/server/wire-server.ts'
import { rawExchange, within } from './net-fixtures.ts'

test('h2 server: the body length comes from content-length, not from another 14-letter field before it', async () => {
  const lengths: Array<number | undefined> = []
  const sessions = h2Sessions(async (req) => {
    lengths.push(bodyLength(req.body))
    return response(200, { body: await bodyText(req.body) })
  })
  const server = net.createServer((socket) => sessions.accept(socket))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const client = http2.connect(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)
  client.on('error', () => {})
  try {
    const body = await within(
      3000,
      new Promise<string>((resolve, reject) => {
        const stream = client.request({
          ':method': 'POST',
          ':path': '/',
          'accept-charset': 'utf-8',
          'content-length': '5',
        })
        let text = ''
        stream.setEncoding('utf8')
        stream.on('data', (c: string) => {
          text += c
        })
        stream.on('error', reject)
        stream.on('end', () => resolve(text))
        stream.end('hello')
      }),
      'the answer',
    )
    assert.equal(body, 'hello')
    assert.deepEqual(lengths, [5])
  } finally {
    client.destroy()
    await within(3000, sessions.stop(100), 'the sessions to stop')
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
})

test('wire server: an exchange longer than the headers timeout, with a request pipelined behind it, is not cut by a 408', async () => {
  const server = await startWireServer(
    async (req) => {
      if (req.target === '/slow') await new Promise((resolve) => setTimeout(resolve, 700))
      return response(200, { headers: [['Content-Length', '4']], body: req.target === '/slow' ? 'slow' : 'next' })
    },
    { headersTimeoutMs: 200 },
  )
  try {
    const { received } = await rawExchange(
      server.port,
      'GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /next HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      { ms: 3000 },
    )
    const text = received.toString('latin1')
    assert.doesNotMatch(text, /408/)
    assert.match(text, /^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\nslowHTTP\/1\.1 200 OK\r\n[^]*\r\n\r\nnext$/)
  } finally {
    await within(3000, server.stop(), 'the server to stop')
  }
})

test('node adapter: twenty requests on one kept-alive connection raise no listener-leak warning', async () => {
  const warnings: string[] = []
  const onWarning = (warning: Error): void => {
    warnings.push(`${warning.name}: ${warning.message}`)
  }
  process.on('warning', onWarning)
  const server = await startServer(async () => response(200, { headers: [['Content-Length', '2']], body: 'ok' }))
  try {
    let requests = ''
    for (let i = 0; i < 20; i++)
      requests += `GET /${i} HTTP/1.1\r\nHost: x\r\n${i === 19 ? 'Connection: close\r\n' : ''}\r\n`
    const { received } = await rawExchange(server.port, requests, { ms: 3000 })
    assert.equal(received.toString('latin1').match(/HTTP\/1\.1 200 OK/g)?.length, 20)
    await new Promise((resolve) => setImmediate(resolve))
    assert.deepEqual(
      warnings.filter((w) => w.startsWith('MaxListenersExceededWarning')),
      [],
    )
  } finally {
    process.off('warning', onWarning)
    await within(3000, server.stop(), 'the server to stop')
  }
})
