import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import http2 from 'node:http2'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { needs } from '../../support/counterparts.ts'
import { startUpstream } from '../../support/upstream.ts'
import { mountApp } from '../../../electron/proxy/mount-app.ts'
import { sniffProxy } from '../../../electron/apps/sniff-proxy.ts'
import { recordProxy } from '../../../electron/apps/record-proxy.ts'
import { createSession, openSession } from '../../../electron/recording/session-store.ts'
import { toHar } from '../../../electron/recording/har-export.ts'
import { startInterceptingProxy, type InterceptingProxy } from '../../tls/fixtures.ts'
import { run, startH2Upstream, startNghttpdWithTrailer, type H2Upstream } from './h2-fixtures.ts'

/** Sends one request over h2c with Node's client; resolves with what came back, trailers included. */
function h2cRequest(
  url: string,
  headers: http2.OutgoingHttpHeaders,
  body?: Buffer,
  trailers?: http2.OutgoingHttpHeaders,
): Promise<{ headers: http2.IncomingHttpHeaders; body: Buffer; trailers: http2.IncomingHttpHeaders | undefined }> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(url)
    const timer = setTimeout(() => {
      session.destroy()
      reject(new Error(`no answer from ${url} within 10 s`))
    }, 10_000)
    session.on('error', reject)
    const stream = session.request(headers, { endStream: !body, waitForTrailers: trailers !== undefined })
    if (trailers) stream.on('wantTrailers', () => stream.sendTrailers(trailers))
    let head: http2.IncomingHttpHeaders = {}
    let got: http2.IncomingHttpHeaders | undefined
    const chunks: Buffer[] = []
    stream.on('response', (h) => {
      head = h
    })
    stream.on('trailers', (t) => {
      got = t
    })
    stream.on('data', (c: Buffer) => chunks.push(c))
    stream.on('error', reject)
    stream.on('end', () => {
      clearTimeout(timer)
      session.close()
      resolve({ headers: head, body: Buffer.concat(chunks), trailers: got })
    })
    if (body) stream.end(body)
  })
}

/** A gRPC message frame: not compressed, 4-byte big-endian length, the bytes (gRPC over HTTP/2 §Length-Prefixed-Message). */
function grpcFrame(message: string): Buffer {
  const bytes = Buffer.from(message)
  const prefix = Buffer.alloc(5)
  prefix.writeUInt32BE(bytes.length, 1)
  return Buffer.concat([prefix, bytes])
}

describe('h2c on plain listeners, trailers and gRPC-shaped traffic', () => {
  let upstream: H2Upstream
  let proxy: InterceptingProxy
  before(async () => {
    upstream = await startH2Upstream()
    proxy = await startInterceptingProxy({ target: upstream.url, h2cUpstream: true })
  })
  after(async () => {
    await proxy.stop()
    await upstream.stop()
  })

  it("lets nghttp speak h2c to a plain listener and see the h2c-only server's trailers", {
    skip: needs('nghttp'),
  }, async () => {
    const result = await run('nghttp', ['-v', '-t', '10', `${proxy.url}/grpc.Test/Ping`])
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stdout, /recv \(stream_id=\d+\) :status: 200/)
    assert.match(result.stdout, /recv \(stream_id=\d+\) grpc-status: 0/)
    assert.match(result.stdout, /recv \(stream_id=\d+\) grpc-message: fine/)
    const x = await proxy.waitFor((e) => e.path === '/grpc.Test/Ping' && e.outcome.kind !== 'pending')
    assert.equal(x.httpVersion, '2')
  })

  it('serves HTTP/1.1 on the same port, sending it to the h2c-only server over h2c', {
    skip: needs('curl'),
  }, async () => {
    const result = await run('curl', ['-sS', '--max-time', '10', '-w', '\n%{http_version}', `${proxy.url}/plain`])
    assert.equal(result.stderr, '')
    assert.equal(result.stdout, `hello over h2 GET /plain for 127.0.0.1:${upstream.port}\n1.1`)
  })

  it("carries gRPC-shaped calls from Node's h2 client: the length-prefixed body up, the status trailers down", async () => {
    const reply = await h2cRequest(
      proxy.url,
      {
        ':method': 'POST',
        ':path': '/grpc.Test/Echo',
        'content-type': 'application/grpc',
        te: 'trailers',
      },
      grpcFrame('ping'),
    )
    assert.equal(reply.headers[':status'], 200)
    assert.equal(reply.headers['content-type'], 'application/grpc')
    assert.deepEqual([...reply.body], [...grpcFrame('pong')])
    assert.equal(reply.trailers?.['grpc-status'], '0')
    assert.equal(reply.trailers?.['grpc-message'], 'fine')
    const seen = upstream.seen.find((s) => s.headers[':path'] === '/grpc.Test/Echo')!
    assert.equal(seen.headers.te, 'trailers')
    assert.deepEqual([...seen.body], [...grpcFrame('ping')])
  })

  it("passes a client's request trailers on to an h2 upstream", async () => {
    await h2cRequest(proxy.url, { ':method': 'POST', ':path': '/with-trailers' }, Buffer.from('body'), {
      'x-checksum': 'abc',
    })
    const seen = upstream.seen.find((s) => s.headers[':path'] === '/with-trailers')!
    assert.equal(seen.body.toString(), 'body')
    assert.equal(seen.trailers?.['x-checksum'], 'abc')
  })

  it("keeps both sides' trailers in capture, so the window's detail can show them", async () => {
    await h2cRequest(
      proxy.url,
      { ':method': 'POST', ':path': '/grpc.Test/Kept', 'content-type': 'application/grpc', te: 'trailers' },
      grpcFrame('ping'),
      { 'x-client-trailer': 'sent' },
    )
    const x = await proxy.waitFor((e) => e.path === '/grpc.Test/Kept' && e.outcome.kind !== 'pending')
    assert.deepEqual(x.requestTrailers, [['x-client-trailer', 'sent']])
    assert.deepEqual(x.responseTrailers, [
      ['grpc-status', '0'],
      ['grpc-message', 'fine'],
    ])
    const plain = await proxy.waitFor((e) => e.path === '/grpc.Test/Echo' && e.outcome.kind !== 'pending')
    assert.equal(plain.requestTrailers, undefined, 'a request that sent none has none')
  })

  it("keeps an h2 request's pseudo-headers as the wire had them, beside the host the HTTP/1.1 view of it has", async () => {
    await h2cRequest(proxy.url, { ':method': 'GET', ':path': '/pseudo?x=1' })
    const x = await proxy.waitFor((e) => e.path.startsWith('/pseudo') && e.outcome.kind !== 'pending')
    const authority = new URL(proxy.url).host
    assert.deepEqual([...x.requestPseudoHeaders!].sort(), [
      [':authority', authority],
      [':method', 'GET'],
      [':path', '/pseudo?x=1'],
      [':scheme', 'http'],
    ])
    assert.ok(
      x.requestHeaders.some(([n]) => n.toLowerCase() === 'host'),
      'the HTTP/1.1 view keeps a host (made from :authority, then pointed at the target by the reverse proxy)',
    )
    assert.equal(
      x.requestHeaders.some(([n]) => n.startsWith(':')),
      false,
      'no pseudo-header among the regular fields',
    )
  })

  it('lets curl --http2-prior-knowledge and an HTTP/1.1 client both reach nghttpd, an h2c-only server, through one listener', {
    skip: needs('nghttpd') || needs('curl'),
  }, async () => {
    const server = await startNghttpdWithTrailer()
    const viaProxy = await startInterceptingProxy({ target: `http://127.0.0.1:${server.port}`, h2cUpstream: true })
    try {
      const h2 = await run('curl', [
        '-sS',
        '--http2-prior-knowledge',
        '--max-time',
        '10',
        '-w',
        '%{http_version}',
        `${viaProxy.url}/page.txt`,
      ])
      assert.equal(h2.stderr, '')
      assert.equal(h2.stdout, 'from nghttpd\n2')
      const h1 = await run('curl', [
        '-sS',
        '--http1.1',
        '--max-time',
        '10',
        '-w',
        '%{http_version}',
        `${viaProxy.url}/page.txt`,
      ])
      assert.equal(h1.stdout, 'from nghttpd\n1.1')
      const trailers = await run('nghttp', ['-v', '-t', '10', `${viaProxy.url}/page.txt`])
      assert.match(trailers.stdout, /recv \(stream_id=\d+\) x-end: yes/)
    } finally {
      await viaProxy.stop()
      await server.stop()
    }
  })
})

describe('what the apps see of HTTP/2', () => {
  it('has the sniffer print HTTP/2 request and status lines, with their pseudo-headers, for an h2c exchange with an h2c upstream', async () => {
    const upstream = await startH2Upstream()
    let printed = ''
    const mounted = await mountApp(
      sniffProxy({ target: upstream.url, h2cUpstream: true, out: { write: (text: string) => (printed += text) } }),
      { host: '127.0.0.1', port: 0 },
    )
    try {
      const reply = await h2cRequest(mounted.server.url, { ':method': 'GET', ':path': '/sniffed' })
      assert.equal(reply.headers[':status'], 200)
      const deadline = Date.now() + 5000
      while (!printed.includes('HTTP/2 200') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
      // The four pseudo-header lines follow the request line, in the order the client sent them (Node's own order).
      const head = /GET http:\/\/127\.0\.0\.1:\d+\/sniffed HTTP\/2\n((?::[a-z]+: .*\n){4})/.exec(printed)
      assert.ok(head, printed)
      assert.deepEqual(head[1]!.trimEnd().split('\n').sort(), [
        ':authority: ' + new URL(mounted.server.url).host,
        ':method: GET',
        ':path: /sniffed',
        ':scheme: http',
      ])
      assert.match(printed, /HTTP\/2 200 OK\n:status: 200\n/)
    } finally {
      await mounted.stop()
      await upstream.stop()
    }
  })
})

describe('h2c clients and HTTP/1.1 upstreams', () => {
  it('sends an h2 upload without Content-Length to an HTTP/1.1 server whole, and maps its answer back to h2', async () => {
    const upstream = await startUpstream((req, res, body) => {
      res.writeHead(201, { 'content-type': 'text/plain', connection: 'keep-alive', 'keep-alive': 'timeout=5' })
      res.end(`got ${body.length} bytes, host ${req.headers.host}, te ${req.headers.te ?? 'none'}`)
    })
    const proxy = await startInterceptingProxy({ target: upstream.url })
    try {
      const upload = Buffer.alloc(300_000, 7)
      const reply = await h2cRequest(proxy.url, { ':method': 'POST', ':path': '/upload', te: 'trailers' }, upload)
      assert.equal(reply.headers[':status'], 201)
      assert.equal(reply.headers.connection, undefined)
      assert.equal(reply.headers['keep-alive'], undefined)
      assert.equal(reply.body.toString(), `got 300000 bytes, host 127.0.0.1:${upstream.port}, te none`)
      assert.deepEqual([...upstream.requests[0]!.body.subarray(0, 4)], [7, 7, 7, 7])
    } finally {
      await proxy.stop()
      await upstream.stop()
    }
  })
})

describe('recording HTTP/2', () => {
  it('records which protocol each side spoke, and exports it to HAR as HTTP/2', async () => {
    const upstream = await startH2Upstream()
    const dir = mkdtempSync(join(tmpdir(), 'nanoscope-h2-record-'))
    const session = await createSession(dir)
    const mounted = await mountApp(recordProxy({ target: upstream.url, h2cUpstream: true, session }), {
      host: '127.0.0.1',
      port: 0,
    })
    try {
      const reply = await h2cRequest(mounted.server.url, { ':method': 'GET', ':path': '/recorded' })
      assert.equal(reply.headers[':status'], 200)
    } finally {
      await mounted.stop()
      await upstream.stop()
    }
    try {
      const { records } = await openSession(dir)
      assert.equal(records.length, 1)
      assert.equal(records[0]!.request.version, '2')
      assert.equal(records[0]!.response.version, '2')
      const har = toHar(records)
      assert.equal(har.log.entries[0]!.request.httpVersion, 'HTTP/2')
      assert.equal(har.log.entries[0]!.response.httpVersion, 'HTTP/2')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
