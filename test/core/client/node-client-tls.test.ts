import { test } from 'node:test'
import assert from 'node:assert/strict'
import https from 'node:https'
import type net from 'node:net'
import { nodeClient, type ClientOptions } from '../../../electron/core/client/node-client.ts'
import { bodyText, request, type Response } from '../../../electron/core/message.ts'
import { cert, expiredCert, key, loopback } from './tls-fixture.ts'

async function withHttpsUpstream(certificate: string, use: (port: number) => Promise<void>): Promise<void> {
  const server = https.createServer({ key, cert: certificate }, (_, res) => res.end('secure'))
  server.on('tlsClientError', () => {})
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  try {
    await use((server.address() as net.AddressInfo).port)
  } finally {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
}

async function fetchWith(options: ClientOptions, target: string): Promise<Response> {
  const client = nodeClient({ lookup: loopback, ...options })
  try {
    return await client(request({ target }))
  } finally {
    client.close()
  }
}

test('an upstream certificate from an unknown issuer is a generated 502 tls', async () => {
  await withHttpsUpstream(cert, async (port) => {
    const res = await fetchWith({}, `https://localhost:${port}/`)
    assert.equal(res.status, 502)
    assert.equal(res.generated?.cause, 'tls')
    assert.match(res.generated?.message ?? '', /unknown issuer/)
  })
})

test('a trusted CA lets the request through over https', async () => {
  await withHttpsUpstream(cert, async (port) => {
    const res = await fetchWith({ ca: cert }, `https://localhost:${port}/`)
    assert.equal(res.status, 200)
    assert.equal(await bodyText(res.body), 'secure')
  })
})

test('a certificate for another host is a generated 502 tls naming the wrong host', async () => {
  await withHttpsUpstream(cert, async (port) => {
    const res = await fetchWith({ ca: cert }, `https://127.0.0.1:${port}/`)
    assert.equal(res.generated?.cause, 'tls')
    assert.match(res.generated?.message ?? '', /wrong host/)
  })
})

test('an expired certificate is a generated 502 tls saying so', async () => {
  await withHttpsUpstream(expiredCert, async (port) => {
    const res = await fetchWith({ ca: expiredCert }, `https://localhost:${port}/`)
    assert.equal(res.generated?.cause, 'tls')
    assert.match(res.generated?.message ?? '', /expired/)
  })
})

test('rejectUnauthorized: false accepts any certificate', async () => {
  await withHttpsUpstream(expiredCert, async (port) => {
    const res = await fetchWith({ rejectUnauthorized: false }, `https://localhost:${port}/`)
    assert.equal(res.status, 200)
    await bodyText(res.body)
  })
})

test('a second connection to an https upstream resumes the TLS session of the first instead of a full handshake', async () => {
  const reused: boolean[] = []
  // Every answer closes its connection, so each request needs a new one.
  const server = https.createServer({ key, cert }, (req, res) => {
    reused.push((req.socket as import('node:tls').TLSSocket).isSessionReused())
    res.setHeader('Connection', 'close')
    res.end('secure')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const client = nodeClient({ lookup: loopback, ca: cert })
  try {
    const port = (server.address() as net.AddressInfo).port
    for (let i = 0; i < 3; i++) {
      const res = await client(request({ target: `https://localhost:${port}/${i}` }))
      assert.equal(res.status, 200)
      assert.equal(await bodyText(res.body), 'secure')
    }
    assert.deepEqual(reused, [false, true, true])
  } finally {
    client.close()
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
})

test('a session from an upstream whose certificate failed verification is never resumed', async () => {
  const reused: boolean[] = []
  // TLS 1.2, where the client has the session during the handshake, before it checks the certificate.
  const server = https.createServer({ key, cert, maxVersion: 'TLSv1.2' }, (_req, res) => res.end('secure'))
  // Seen at the handshake: the client refuses the certificate right after it, before any request.
  server.on('secureConnection', (socket) => reused.push(socket.isSessionReused()))
  server.on('tlsClientError', () => {})
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const client = nodeClient({ lookup: loopback })
  try {
    const port = (server.address() as net.AddressInfo).port
    for (let i = 0; i < 2; i++) {
      const res = await client(request({ target: `https://localhost:${port}/${i}` }))
      assert.equal(res.status, 502, 'refused every time: the certificate is not trusted')
      assert.equal(res.generated?.cause, 'tls')
    }
    assert.deepEqual(reused, [false, false])
  } finally {
    client.close()
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
})
