import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import http2 from 'node:http2'
import type { AddressInfo } from 'node:net'
import { needs } from '../../support/counterparts.ts'
import { startInterceptingProxy, type InterceptingProxy } from '../../tls/fixtures.ts'
import { run, startH2Upstream, startNghttpdWithTrailer, type H2Upstream } from './h2-fixtures.ts'

/** A Node HTTP/1.1 server answering chunked with trailers, and keeping the request trailers it was sent. */
async function startTrailerUpstream(): Promise<{
  url: string
  seen: Array<{ path: string; body: string; trailers: Record<string, string | undefined> }>
  stop(): Promise<void>
}> {
  const seen: Array<{ path: string; body: string; trailers: Record<string, string | undefined> }> = []
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      seen.push({ path: req.url ?? '', body: Buffer.concat(chunks).toString(), trailers: { ...req.trailers } })
      res.writeHead(200, { 'Content-Type': 'text/plain', Trailer: 'x-checksum' })
      res.write('chunked ')
      res.addTrailers({ 'x-checksum': 'c0ffee', 'grpc-status': '0' })
      res.end('body')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** A chunked POST from Node's HTTP/1.1 client with request trailers; resolves with the answer and its trailers. */
function postWithTrailers(
  url: string,
  te: boolean,
): Promise<{ status: number; body: string; trailers: Record<string, string | undefined>; chunked: boolean }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${url}/upload`,
      { method: 'POST', agent: false, headers: te ? { TE: 'trailers', Connection: 'TE' } : {} },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString(),
            trailers: { ...res.trailers },
            chunked: res.headers['transfer-encoding'] === 'chunked',
          }),
        )
      },
    )
    req.setTimeout(10_000, () => req.destroy(new Error('no answer within 10 s')))
    req.on('error', reject)
    req.write('part one, ')
    req.addTrailers({ 'x-upload-digest': 'sha-256=abc' })
    req.end('part two')
  })
}

describe('HTTP/1.1 chunked trailers through the proxy', () => {
  let upstream: Awaited<ReturnType<typeof startTrailerUpstream>>
  let proxy: InterceptingProxy
  before(async () => {
    upstream = await startTrailerUpstream()
    proxy = await startInterceptingProxy({ target: upstream.url })
  })
  after(async () => {
    await proxy.stop()
    await upstream.stop()
  })

  it("relays a Node client's request trailers and a Node server's response trailers, h1 to h1, when the client sent TE: trailers", async () => {
    const reply = await postWithTrailers(proxy.url, true)
    assert.equal(reply.status, 200)
    assert.equal(reply.body, 'chunked body')
    assert.equal(reply.trailers['x-checksum'], 'c0ffee')
    assert.equal(reply.trailers['grpc-status'], '0')
    const seen = upstream.seen.at(-1)!
    assert.equal(seen.body, 'part one, part two')
    assert.equal(seen.trailers['x-upload-digest'], 'sha-256=abc')
    const x = await proxy.waitFor((e) => e.path === '/upload' && e.outcome.kind === 'completed')
    assert.deepEqual(x.requestTrailers, [['x-upload-digest', 'sha-256=abc']])
    assert.deepEqual(x.responseTrailers, [
      ['x-checksum', 'c0ffee'],
      ['grpc-status', '0'],
    ])
  })

  it("passes a chunked response's trailers on to a client that did not ask for them too, as the upstream sent them", async () => {
    const reply = await postWithTrailers(proxy.url, false)
    assert.equal(reply.body, 'chunked body')
    assert.equal(reply.chunked, true)
    assert.equal(reply.trailers['x-checksum'], 'c0ffee')
    assert.equal(reply.trailers['grpc-status'], '0')
  })

  // The chunk sizes are the proxy's to choose (the upstream's two chunks may go out as one): what is pinned is the
  // chunked framing of the whole body and the trailer section after its last chunk, byte for byte.
  it('lets curl see the trailer section on the wire (--raw) when it asks for trailers', {
    skip: needs('curl'),
  }, async () => {
    const result = await run('curl', ['-sS', '--raw', '--max-time', '10', '-H', 'TE: trailers', `${proxy.url}/raw`])
    assert.equal(result.stderr, '')
    const wire = /^((?:[0-9a-f]+\r\n[^\r]*\r\n)+)0\r\nx-checksum: c0ffee\r\ngrpc-status: 0\r\n\r\n$/.exec(result.stdout)
    assert.ok(wire, JSON.stringify(result.stdout))
    let body = ''
    for (const [, size, data] of wire[1]!.matchAll(/([0-9a-f]+)\r\n([^\r]*)\r\n/g)) {
      assert.equal(Number.parseInt(size!, 16), data!.length, 'each chunk is as long as its size line says')
      body += data
    }
    assert.equal(body, 'chunked body')
  })
})

describe('chunked trailers between HTTP/1.1 and HTTP/2', () => {
  let h2Upstream: H2Upstream
  let toH2: InterceptingProxy
  let h1Upstream: Awaited<ReturnType<typeof startTrailerUpstream>>
  let toH1: InterceptingProxy
  before(async () => {
    h2Upstream = await startH2Upstream()
    toH2 = await startInterceptingProxy({ target: h2Upstream.url, h2cUpstream: true })
    h1Upstream = await startTrailerUpstream()
    toH1 = await startInterceptingProxy({ target: h1Upstream.url })
  })
  after(async () => {
    await toH2.stop()
    await h2Upstream.stop()
    await toH1.stop()
    await h1Upstream.stop()
  })

  it("gives an HTTP/1.1 client that asked for trailers an h2 upstream's gRPC status as chunked trailers", {
    skip: needs('curl'),
  }, async () => {
    const result = await run('curl', [
      '-sS',
      '--raw',
      '--max-time',
      '10',
      '-H',
      'TE: trailers',
      '-H',
      'Content-Type: application/grpc',
      '--data-binary',
      'ping',
      `${toH2.url}/grpc.Test/Unary`,
    ])
    assert.equal(result.stderr, '')
    assert.match(result.stdout, /\r\n0\r\ngrpc-status: 0\r\ngrpc-message: fine\r\n\r\n$/)
  })

  it("sends an h1 client's chunked request trailers on to an h2 upstream", async () => {
    const reply = await postWithTrailers(toH2.url, true)
    assert.equal(reply.status, 200)
    const seen = h2Upstream.seen.find((s) => s.headers[':path'] === '/upload')!
    assert.equal(seen.body.toString(), 'part one, part two')
    assert.equal(seen.trailers?.['x-upload-digest'], 'sha-256=abc')
  })

  it('rechunks an h2 response with a Content-Length so its trailers reach an h1 client that asked (nghttpd --trailer)', {
    skip: needs('nghttpd') || needs('curl'),
  }, async () => {
    const server = await startNghttpdWithTrailer()
    const viaProxy = await startInterceptingProxy({ target: `http://127.0.0.1:${server.port}`, h2cUpstream: true })
    try {
      const asked = await run('curl', [
        '-sS',
        '-i',
        '--raw',
        '--max-time',
        '10',
        '-H',
        'TE: trailers',
        `${viaProxy.url}/page.txt`,
      ])
      assert.equal(asked.stderr, '')
      assert.match(asked.stdout, /transfer-encoding: chunked\r\n/i)
      assert.doesNotMatch(asked.stdout, /content-length/i)
      assert.match(asked.stdout, /\r\nd\r\nfrom nghttpd\n\r\n0\r\nx-end: yes\r\n\r\n$/)
      const plain = await run('curl', ['-sS', '-i', '--max-time', '10', `${viaProxy.url}/page.txt`])
      assert.match(plain.stdout, /content-length: 13\r\n/i, 'a client that did not ask keeps the length')
    } finally {
      await viaProxy.stop()
      await server.stop()
    }
  })

  it("gives nghttp, an h2c client, an HTTP/1.1 server's chunked trailers", { skip: needs('nghttp') }, async () => {
    const result = await run('nghttp', ['-v', '-t', '10', `${toH1.url}/from-h1`])
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stdout, /recv \(stream_id=\d+\) x-checksum: c0ffee/)
    assert.match(result.stdout, /recv \(stream_id=\d+\) grpc-status: 0/)
  })

  it("sends an h2 client's request trailers on to an HTTP/1.1 server as chunked trailers", async () => {
    await new Promise<void>((resolve, reject) => {
      const session = http2.connect(toH1.url)
      const timer = setTimeout(() => {
        session.destroy()
        reject(new Error('no answer within 10 s'))
      }, 10_000)
      session.on('error', reject)
      const stream = session.request({ ':method': 'POST', ':path': '/h2-upload' }, { waitForTrailers: true })
      stream.on('wantTrailers', () => stream.sendTrailers({ 'x-upload-digest': 'from-h2' }))
      stream.on('error', reject)
      stream.resume()
      stream.on('end', () => {
        clearTimeout(timer)
        session.close()
        resolve()
      })
      stream.end('h2 body')
    })
    const seen = h1Upstream.seen.find((s) => s.path === '/h2-upload')!
    assert.equal(seen.body, 'h2 body')
    assert.equal(seen.trailers['x-upload-digest'], 'from-h2')
  })
})
