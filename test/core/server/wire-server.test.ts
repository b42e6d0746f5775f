import { test } from 'node:test'
import assert from 'node:assert/strict'
import net from 'node:net'
import { response } from '../../../electron/core/message.ts'
import { startWireServer } from '../../../electron/core/server/wire-server.ts'
import { MAX_PIPELINED } from '../../../electron/core/server/server-connection.ts'
import { serverContract } from './server-contract.ts'
import { rawExchange, within } from './net-fixtures.ts'

serverContract('wire server', startWireServer)

test('wire server: three times more pipelined requests than it queues are all answered, in order', async () => {
  const count = MAX_PIPELINED * 3
  const server = await startWireServer(async (req) => {
    await new Promise((resolve) => setImmediate(resolve))
    const n = req.target.slice(1)
    return response(200, { headers: [['Content-Length', String(n.length)]], body: n })
  })
  try {
    let requests = ''
    for (let i = 0; i < count; i++)
      requests += `GET /${i} HTTP/1.1\r\nHost: x\r\n${i === count - 1 ? 'Connection: close\r\n' : ''}\r\n`
    const { received, closed } = await rawExchange(server.port, requests, { ms: 5000 })
    assert.ok(closed, 'the connection closes after the last answer')
    const bodies = [...received.toString('latin1').matchAll(/\r\n\r\n(\d+)/g)].map((m) => Number(m[1]))
    assert.deepEqual(
      bodies,
      Array.from({ length: count }, (_, i) => i),
    )
  } finally {
    await within(3000, server.stop(), 'the server to stop')
  }
})

test('wire server: bytes that do not parse behind several pipelined requests, one with a body, get their 400 once every one of them is answered in order', async () => {
  const server = await startWireServer(async (req) => {
    const body = req.body.kind === 'stream' ? Buffer.concat(await req.body.stream.toArray()).toString() : ''
    await new Promise((resolve) => setTimeout(resolve, 10))
    const text = `${req.target}${body}`
    return response(200, { headers: [['Content-Length', String(text.length)]], body: text })
  })
  try {
    const { received, closed } = await rawExchange(
      server.port,
      'GET /1 HTTP/1.1\r\nHost: x\r\n\r\nPOST /2 HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\n+abcGET /3 HTTP/1.1\r\nHost: x\r\n\r\n\x00\x01 not http\r\n\r\n',
    )
    assert.ok(closed, 'the connection closes after the 400')
    const text = received.toString('latin1')
    assert.deepEqual(
      text
        .split(/(?=HTTP\/1\.1 \d{3} )/)
        .map((answer) => `${answer.slice(9, 12)} ${answer.split('\r\n\r\n')[1]!.trim()}`),
      ['200 /1', '200 /2+abc', '200 /3', '400 malformed request (HPE_INVALID_METHOD)'],
    )
  } finally {
    await within(3000, server.stop(), 'the server to stop')
  }
})

test('wire server: answered with most of a large upload still to come, it ends its side after the answer and reads on until the client closes, never resetting it', async () => {
  const server = await startWireServer(async () =>
    response(413, { headers: [['Content-Length', '9']], body: 'too large' }),
  )
  try {
    // Half-open allowed: like a client still busy sending, it does not end its side when the server ends its own.
    const socket = net.connect({ port: server.port, host: '127.0.0.1', allowHalfOpen: true })
    let received = ''
    let resetError: Error | undefined
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1')
    })
    socket.on('error', (error) => {
      resetError = error
    })
    const ended = new Promise<void>((resolve) => socket.once('end', () => resolve()))
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
    socket.write(`POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: ${10 * 1024 * 1024}\r\n\r\n`)
    const chunk = Buffer.alloc(64 * 1024, 1)
    for (let i = 0; i < 4; i++) socket.write(chunk)
    await within(3000, ended, 'the server to end its side after the answer')
    assert.match(received, /^HTTP\/1\.1 413 [^]*\r\n\r\ntoo large$/)
    // The client goes on sending for a while (it has not noticed yet): the server reads and drops it.
    for (let i = 0; i < 8; i++) socket.write(chunk)
    await new Promise((resolve) => setTimeout(resolve, 200))
    assert.equal(resetError, undefined, 'the client is never reset')
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
    socket.end()
    await within(3000, closed, 'the connection to close once the client ends too')
    assert.equal(resetError, undefined)
  } finally {
    await within(3000, server.stop(), 'the server to stop')
  }
})

test('wire server: a request with a body that also offers an Upgrade is served as a plain request, its body kept, and a request pipelined after it is answered too', async () => {
  const seen: string[] = []
  const server = await startWireServer(async (req) => {
    const body = req.body.kind === 'stream' ? Buffer.concat(await req.body.stream.toArray()) : req.body.bytes
    seen.push(`${req.method} ${req.target} ${Buffer.from(body).toString()}`)
    return response(200, { headers: [['Content-Length', '2']], body: 'ok' })
  })
  try {
    const { received } = await rawExchange(
      server.port,
      'POST /up HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n' +
        'Content-Length: 5\r\n\r\nhello' +
        'GET /next HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      { ms: 3000 },
    )
    assert.deepEqual(seen, ['POST /up hello', 'GET /next '])
    assert.equal(received.toString('latin1').match(/HTTP\/1\.1 200 OK/g)?.length, 2)
  } finally {
    await within(3000, server.stop(), 'the server to stop')
  }
})
