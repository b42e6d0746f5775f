import { test } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import tls from 'node:tls'
import type { Duplex } from 'node:stream'
import { standinApp } from '../../electron/apps/standin-app.ts'
import { mountApp } from '../../electron/proxy/mount-app.ts'
import { standIn } from '../../electron/recording/stand-in.ts'
import { answerHttps } from '../../electron/recording/stand-in-https.ts'
import { testCa } from '../tls/fixtures.ts'
import { exchange } from './support.ts'

const recording = [exchange({ url: 'https://secure.test/x', responseBody: 'from the https recording' })]

/** Opens a CONNECT tunnel through the proxy on `port` to `authority`; resolves with the raw socket. */
function connect(port: number, authority: string): Promise<{ status: number; socket: Duplex }> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1',
      port,
      method: 'CONNECT',
      path: authority,
      headers: { Host: authority },
    })
    req.setTimeout(5000, () => req.destroy(new Error('CONNECT timed out')))
    req.once('connect', (res, socket) => resolve({ status: res.statusCode ?? 0, socket }))
    req.once('error', reject)
    req.end()
  })
}

/** Everything the socket sends until it ends, within `ms`. */
function readAll(socket: Duplex, ms = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`no end within ${ms} ms; got ${JSON.stringify(Buffer.concat(chunks).toString())}`))
    }, ms)
    socket.on('data', (c: Buffer) => chunks.push(c))
    socket.once('error', () => {})
    socket.once('close', () => {
      clearTimeout(timer)
      resolve(Buffer.concat(chunks).toString('latin1'))
    })
  })
}

test('without interception the stand-in is the app handler itself, and with it says that it decrypts HTTPS too', async () => {
  const { minter, remove } = await testCa()
  try {
    const s = standIn(recording)
    const plain = answerHttps(s, undefined)
    assert.equal(plain.handler, s)
    assert.equal(plain.reenter, undefined)
    const decrypting = answerHttps(s, { certificates: minter })
    assert.equal(
      decrypting.handler.description,
      'answers from a recording of 1 exchanges (never contacts the server); decrypts HTTPS inside CONNECT with the Nanoscope CA and answers it from the recording too',
    )
    assert.equal(await decrypting.handler.loaded, 1)
    assert.equal(decrypting.handler.reset, s.reset)
    assert.equal(typeof decrypting.reenter, 'function')
  } finally {
    remove()
  }
})

test('an HTTPS client through CONNECT is answered from the recording over TLS made with the local CA, and plain text in a tunnel is refused', async () => {
  const { ca, minter, remove } = await testCa()
  const mounted = await mountApp(standinApp(recording, { tls: { certificates: minter } }), { port: 0 })
  try {
    const tunnel = await connect(mounted.server.port, 'secure.test:443')
    assert.equal(tunnel.status, 200)
    const secure = tls.connect({ socket: tunnel.socket, servername: 'secure.test', ca: ca.certPem })
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve)
      secure.once('error', reject)
    })
    secure.write('GET /x HTTP/1.1\r\nHost: secure.test\r\nConnection: close\r\n\r\n')
    const answer = await readAll(secure)
    assert.match(answer, /^HTTP\/1\.1 200 OK\r\n/)
    assert.match(answer, /\r\n\r\nfrom the https recording$/)
    const miss = await connect(mounted.server.port, 'secure.test:443')
    const missSecure = tls.connect({ socket: miss.socket, servername: 'secure.test', ca: ca.certPem })
    missSecure.write('GET /other HTTP/1.1\r\nHost: secure.test\r\nConnection: close\r\n\r\n')
    assert.match(await readAll(missSecure), /^HTTP\/1\.1 404 /)
    const plain = await connect(mounted.server.port, 'secure.test:80')
    plain.socket.write('GET /x HTTP/1.1\r\nHost: secure.test\r\n\r\n')
    const refused = await readAll(plain.socket)
    assert.equal(refused, '', 'the stream is closed: nothing tunnelled to a server, nothing answered')
  } finally {
    await mounted.stop()
    remove()
  }
})
