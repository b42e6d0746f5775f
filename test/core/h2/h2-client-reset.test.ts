/**
 * An HTTP/2 client that resets its stream in the middle of an upload, through a real proxy (the wire server's h2c
 * listener, capture and recording, the client) to a real upstream that reads the upload slowly: the exchange is the
 * client's failure, the upstream's request is cut, and the session and the proxy serve on.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import http2 from 'node:http2'
import type http from 'node:http'
import type { AddressInfo } from 'node:net'
import { simpleProxy } from '../../../electron/apps/simple-proxy.ts'
import { captureTo } from '../../../electron/capture/capture-filter.ts'
import type { CapturedExchange } from '../../../electron/capture/captured-exchange.ts'
import { systemClock } from '../../../electron/core/clock.ts'
import { mountApp } from '../../../electron/proxy/mount-app.ts'
import { recordTo } from '../../../electron/recording/record-to.ts'
import type { RecordedExchange } from '../../../electron/recording/recorded-exchange.ts'
import { httpUpstream, within } from '../server/net-fixtures.ts'
import { until } from '../../support/wait.ts'

/** What the upstream saw of the upload: bytes it read, and how the request ended ('end', 'aborted', or not yet). */
interface Upload {
  read: number
  how: 'end' | 'aborted' | undefined
}

/** Reads a request 4 KiB every 20 ms, as a slow disk or a busy service would, keeping count in `upload`. */
function readSlowly(req: http.IncomingMessage | http2.ServerHttp2Stream, upload: Upload, done: () => void): void {
  req.pause()
  const timer = setInterval(() => {
    const chunk = req.read(4096) as Buffer | null
    if (chunk !== null) upload.read += chunk.byteLength
  }, 20)
  const stop = (how: Upload['how']): void => {
    clearInterval(timer)
    if (upload.how === undefined) {
      upload.how = how
      done()
    }
  }
  req.on('end', () => stop('end'))
  req.on('aborted', () => stop('aborted'))
  req.on('error', () => stop('aborted'))
  req.on('close', () => stop(req.readableEnded ? 'end' : 'aborted'))
}

interface SlowUpstream {
  readonly url: string
  readonly upload: Upload
  close(): Promise<void>
}

/** An HTTP/1.1 upstream (node:http) that reads POST bodies slowly and answers anything else at once. */
async function slowH1Upstream(): Promise<SlowUpstream> {
  const upload: Upload = { read: 0, how: undefined }
  const upstream = await httpUpstream((req, res) => {
    if (req.method === 'POST') readSlowly(req, upload, () => res.end('whole'))
    else {
      req.resume()
      res.end(`hello ${req.url}`)
    }
  })
  return { url: upstream.url, upload, close: () => upstream.close() }
}

/** The same over h2c (node:http2 with prior knowledge), for the proxy's HTTP/2 client. */
async function slowH2cUpstream(): Promise<SlowUpstream> {
  const upload: Upload = { read: 0, how: undefined }
  const server = http2.createServer()
  const sessions = new Set<http2.ServerHttp2Session>()
  server.on('session', (s) => {
    sessions.add(s)
    s.once('close', () => sessions.delete(s))
  })
  server.on('stream', (stream, headers) => {
    stream.on('error', () => {})
    const answer = (text: string): void => {
      if (stream.destroyed || stream.closed) return
      stream.respond({ ':status': 200 })
      stream.end(text)
    }
    if (headers[':method'] === 'POST') readSlowly(stream, upload, () => answer('whole'))
    else {
      stream.resume()
      answer(`hello ${headers[':path']}`)
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    upload,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sessions) s.destroy()
        server.close(() => resolve())
      }),
  }
}

for (const [upstreamKind, startUpstream, h2cUpstream] of [
  ['an HTTP/1.1', slowH1Upstream, false],
  ['an h2c', slowH2cUpstream, true],
] as const)
  test(`an h2 client that resets its stream mid-upload to ${upstreamKind} upstream is recorded and captured as aborted, the upstream's request is cut, and a later stream on the session works`, async () => {
    const upstream = await startUpstream()
    const upload = upstream.upload
    const captured: CapturedExchange[] = []
    const records: RecordedExchange[] = []
    const capture = captureTo(
      { exchangeCompleted: (e) => captured.push(e) },
      { listenerId: 'l1', clock: systemClock, bodyCap: () => 1 << 20, enabled: () => true },
    )
    const record = recordTo({
      append: async (x) => {
        records.push(x)
      },
    })
    const proxy = await mountApp(
      simpleProxy({
        target: upstream.url,
        allowHosts: ['127.0.0.1'],
        inner: [capture, record],
        timeoutMs: 5000,
        h2cUpstream,
      }),
      { host: '127.0.0.1', port: 0 },
    )
    const session = http2.connect(proxy.server.url)
    session.on('error', () => {})
    try {
      const stream = session.request({ ':method': 'POST', ':path': '/upload', 'content-length': '100000' })
      stream.on('error', () => {})
      stream.resume()
      stream.write(Buffer.alloc(30_000, 'a'))
      await until(() => upload.read > 0, 5000, 'the upload to reach the upstream')
      stream.close(http2.constants.NGHTTP2_CANCEL)

      await until(() => upload.how !== undefined, 5000, "the upstream's request to end or be cut")
      assert.equal(upload.how, 'aborted', 'the upstream saw its request cut, not ended as if complete')
      assert.ok(upload.read <= 30_000, `the upstream read no more than the client sent (${upload.read})`)

      await until(() => captured.length === 1 && records.length === 1, 5000, 'the exchange to be captured and recorded')
      assert.equal(captured[0]!.outcome.kind, 'aborted')
      const recorded = records[0]!
      assert.deepEqual(
        [recorded.response.status, recorded.generated?.cause, recorded.tags],
        [499, 'client-aborted', ['client-aborted']],
        JSON.stringify(recorded.generated),
      )
      assert.equal(recorded.incomplete?.request, 70_000, 'the upload is recorded as far as it went')

      const later = session.request({ ':method': 'GET', ':path': '/after' })
      later.end()
      const chunks: Buffer[] = []
      later.on('data', (c: Buffer) => chunks.push(c))
      const status = await within(
        5000,
        new Promise<number>((resolve, reject) => {
          let code = 0
          later.on('response', (h) => {
            code = Number(h[':status'])
          })
          later.on('end', () => resolve(code))
          later.on('error', reject)
        }),
        'a later stream on the same session to be answered',
      )
      assert.deepEqual([status, Buffer.concat(chunks).toString()], [200, 'hello /after'])
      assert.equal(session.destroyed, false)
    } finally {
      session.destroy()
      await within(5000, proxy.stop(), 'the proxy to stop')
      await upstream.close()
    }
  })
