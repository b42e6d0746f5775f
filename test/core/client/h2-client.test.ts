import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import http2 from 'node:http2'
import type { AddressInfo } from 'node:net'
import { h2Client } from '../../../electron/core/client/h2-client.ts'
import { parseTarget } from '../../../electron/core/client/node-client.ts'
import { bodyText, emptyBody, type Request } from '../../../electron/core/message.ts'

function get(url: string): Request {
  return Object.freeze({ method: 'GET', target: url, version: '2', headers: Object.freeze([]), body: emptyBody })
}

/** The promise's value, or a failure after `ms`: every wait here is bounded. */
function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)
  })
  return Promise.race([promise, late]).finally(() => clearTimeout(timer))
}

describe('the HTTP/2 client', () => {
  let server: http2.Http2Server
  let base: string
  before(async () => {
    server = http2.createServer()
    server.on('stream', (stream, headers) => {
      stream.on('error', () => {})
      const path = headers[':path']
      if (path === '/hang') return // never answers
      if (path === '/slow-body') {
        // The head at once, the body after longer than the client's head timeout.
        stream.respond({ ':status': 200 })
        stream.write('first ')
        setTimeout(() => stream.end('last'), 400)
        return
      }
      stream.respond({ ':status': 200 })
      stream.end('hello')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })

  it('answers a stream whose head does not come within the timeout with a generated 504, neither early nor long after', async () => {
    const client = h2Client({ timeoutMs: 200 })
    try {
      const started = Date.now()
      const response = await within(3000, client.send(get(`${base}/hang`), parseTarget(`${base}/hang`)!))
      const took = Date.now() - started
      assert.equal(response.status, 504)
      assert.equal(response.generated?.cause, 'timeout')
      assert.ok(took >= 195, `timed out after ${took} ms, before the 200 ms timeout`)
      assert.ok(took < 1000, `timed out after ${took} ms, long after the 200 ms timeout`)
    } finally {
      client.close()
    }
  })

  it('applies the timeout to the head only: a body slower than it still arrives whole', async () => {
    const client = h2Client({ timeoutMs: 200 })
    try {
      const response = await within(3000, client.send(get(`${base}/slow-body`), parseTarget(`${base}/slow-body`)!))
      assert.equal(response.status, 200)
      assert.equal(await within(3000, bodyText(response.body)), 'first last')
      assert.deepEqual(await response.trailers, [])
    } finally {
      client.close()
    }
  })

  it('times out each of several waiting streams, and answers the others on the same session', async () => {
    const client = h2Client({ timeoutMs: 200 })
    try {
      const [hung, answered, alsoHung] = await within(
        3000,
        Promise.all([
          client.send(get(`${base}/hang`), parseTarget(`${base}/hang`)!),
          client.send(get(`${base}/hello`), parseTarget(`${base}/hello`)!),
          client.send(get(`${base}/hang`), parseTarget(`${base}/hang`)!),
        ]),
      )
      assert.deepEqual([hung.status, answered.status, alsoHung.status], [504, 200, 504])
      assert.equal(await bodyText(answered.body), 'hello')
    } finally {
      client.close()
    }
  })

  it('answers a request whose client went away before the head came as the client aborting, not as the upstream resetting', async () => {
    const client = h2Client({ timeoutMs: 2000 })
    try {
      const aborter = new AbortController()
      const pending = client.send({ ...get(`${base}/hang`), signal: aborter.signal }, parseTarget(`${base}/hang`)!)
      setTimeout(() => aborter.abort(), 50)
      const response = await within(3000, pending)
      assert.equal(response.status, 499)
      assert.equal(response.generated?.cause, 'client-aborted')
      assert.match(response.generated?.message ?? '', /^the client went away before 127\.0\.0\.1:\d+ answered$/)
    } finally {
      client.close()
    }
  })
})
