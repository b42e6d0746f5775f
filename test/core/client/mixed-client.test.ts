import { test } from 'node:test'
import assert from 'node:assert/strict'
import http2 from 'node:http2'
import https from 'node:https'
import type net from 'node:net'
import { mixedClient } from '../../../electron/core/client/mixed-client.ts'
import { bodyText, request } from '../../../electron/core/message.ts'
import { within } from '../server/net-fixtures.ts'
import { cert, key } from './tls-fixture.ts'

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as net.AddressInfo).port
}

test('an https origin that picks h2 by ALPN is spoken to over HTTP/2, with the certificate checks the options turn off', async () => {
  const server = http2.createSecureServer({ key, cert, allowHTTP1: true }, (req, res) =>
    res.end(`over ${req.httpVersion}`),
  )
  const port = await listen(server)
  const client = mixedClient({ rejectUnauthorized: false, timeoutMs: 3000 })
  try {
    const res = await within(3000, client(request({ target: `https://127.0.0.1:${port}/` })), 'the answer')
    assert.equal(res.status, 200)
    assert.equal(res.version, '2')
    assert.equal(await bodyText(res.body), 'over 2.0')
  } finally {
    client.close()
    server.close()
  }
})

test('an https origin that offers only http/1.1 is spoken to over HTTP/1.1', async () => {
  const server = https.createServer({ key, cert }, (req, res) => res.end(`over ${req.httpVersion}`))
  const port = await listen(server)
  const client = mixedClient({ rejectUnauthorized: false, timeoutMs: 3000 })
  try {
    for (const path of ['/first', '/remembered']) {
      const res = await within(3000, client(request({ target: `https://127.0.0.1:${port}${path}` })), 'the answer')
      assert.equal(await bodyText(res.body), 'over 1.1', path)
    }
  } finally {
    client.close()
    server.closeAllConnections()
    server.close()
  }
})

test('an origin that picked h2 is remembered: later requests share its session without asking again', async () => {
  let connections = 0
  const server = http2.createSecureServer({ key, cert }, (_req, res) => res.end('h2'))
  server.on('connection', () => {
    connections += 1
  })
  const port = await listen(server)
  const client = mixedClient({ rejectUnauthorized: false, timeoutMs: 3000 })
  try {
    for (const path of ['/1', '/2', '/3']) {
      const res = await within(3000, client(request({ target: `https://127.0.0.1:${port}${path}` })), 'the answer')
      assert.equal(res.version, '2')
      assert.equal(await bodyText(res.body), 'h2')
    }
    assert.equal(connections, 1)
  } finally {
    client.close()
    server.close()
  }
})

test('an origin whose ALPN question failed is asked again next time, and the HTTP/1.1 client names the failure', async () => {
  let connections = 0
  const server = https.createServer({ key, cert }, (_req, res) => res.end('never'))
  server.on('connection', () => {
    connections += 1
  })
  server.on('tlsClientError', () => {})
  const port = await listen(server)
  const client = mixedClient({ timeoutMs: 3000 }) // the self-signed certificate is not trusted
  try {
    for (let i = 1; i <= 2; i++) {
      const res = await within(3000, client(request({ target: `https://127.0.0.1:${port}/` })), 'the answer')
      assert.equal(res.status, 502)
      assert.equal(res.generated?.cause, 'tls')
      assert.equal(connections, 2 * i, 'the ALPN question, then the HTTP/1.1 attempt, each time')
    }
  } finally {
    client.close()
    server.closeAllConnections()
    server.close()
  }
})

test('with h2c, an http origin is spoken to over HTTP/2 with prior knowledge; without it, over HTTP/1.1', async () => {
  const server = http2.createServer((req, res) => res.end(`over ${req.httpVersion}`))
  const port = await listen(server)
  const h2c = mixedClient({ h2c: true, timeoutMs: 3000 })
  const plain = mixedClient({ timeoutMs: 3000 })
  try {
    const res = await within(3000, h2c(request({ target: `http://127.0.0.1:${port}/` })), 'the h2c answer')
    assert.equal(res.version, '2')
    assert.equal(await bodyText(res.body), 'over 2.0')
    const h1 = await within(3000, plain(request({ target: `http://127.0.0.1:${port}/` })), 'the HTTP/1.1 answer')
    assert.notEqual(h1.version, '2')
    assert.equal(h2c.description.endsWith(', h2c to http:// origins'), true)
    assert.equal(plain.description.includes('h2c'), false)
  } finally {
    h2c.close()
    plain.close()
    server.close()
  }
})
