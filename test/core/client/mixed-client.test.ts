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
