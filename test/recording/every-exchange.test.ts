import { test } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import net from 'node:net'
import { recordProxy } from '../../electron/apps/record-proxy.ts'
import { mountApp } from '../../electron/proxy/mount-app.ts'
import { createSession, openSession } from '../../electron/recording/session-store.ts'
import { detailToRecorded, toHar } from '../../electron/recording/har-export.ts'
import { ExchangeStore } from '../../electron/capture/exchange-store.ts'
import { startInterceptingProxy } from '../tls/fixtures.ts'
import { replay } from '../../electron/recording/replay.ts'
import type { RecordedExchange } from '../../electron/recording/recorded-exchange.ts'
import { earlyAnswerServer } from '../support/early-servers.ts'
import { startUpstream } from '../support/upstream.ts'
import { exchange, tempDir, waitFor } from './support.ts'

/** POSTs `bytes` through the proxy with Node's client; resolves with the status the client saw (0: no response). */
function post(proxyUrl: string, bytes: number): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(
      `${proxyUrl}/upload`,
      {
        method: 'POST',
        agent: false,
        timeout: 10_000,
        headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': bytes },
      },
      (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
        res.on('error', () => resolve(res.statusCode ?? 0))
      },
    )
    req.on('timeout', () => req.destroy(new Error('timed out')))
    req.on('error', () => resolve(0))
    const chunk = Buffer.alloc(64 * 1024, 7)
    let left = bytes
    const more = (): void => {
      while (left > 0) {
        const n = Math.min(left, chunk.byteLength)
        left -= n
        if (!req.write(chunk.subarray(0, n))) {
          req.once('drain', more)
          return
        }
      }
      req.end()
    }
    more()
  })
}

async function deadPort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as net.AddressInfo).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

test('a 100 KB POST to a dead upstream is recorded with the proxy-made 502 the client saw, marked generated, with the body as far as it was read', async () => {
  const t = await tempDir()
  const writer = await createSession(t.dir, { name: 'dead upstream' })
  const proxy = await mountApp(recordProxy({ target: `http://127.0.0.1:${await deadPort()}`, session: writer }), {
    port: 0,
  })
  try {
    const statuses = [await post(proxy.server.url, 100_000), await post(proxy.server.url, 10)]
    assert.deepEqual(statuses, [502, 502])
    await waitFor(() => writer.count === 2, 5000, 'both exchanges recorded')
    await writer.close()
    const { records } = await openSession(t.dir)
    const big = records.find((r) =>
      r.request.headers.some(([n, v]) => n.toLowerCase() === 'content-length' && v === '100000'),
    )!
    assert.equal(big.response.status, 502)
    assert.equal(big.generated?.cause, 'refused')
    assert.match(big.generated?.message ?? '', /refused/)
    const read = big.request.body.byteLength
    assert.ok(read <= 100_000)
    assert.deepEqual(
      big.incomplete,
      read < 100_000 ? { request: 100_000 - read } : undefined,
      `says how much of the body was never read (read ${read})`,
    )
    const har = toHar(records)
    const entry = har.log.entries.find((e) => e.request.headers.some((h) => h.value === '100000'))!
    assert.equal(entry.response.status, 502)
    assert.deepEqual(entry._nanoscope?.generated, big.generated)
    assert.deepEqual(entry._nanoscope?.incomplete, big.incomplete)
  } finally {
    await proxy.stop()
    await t.remove()
  }
})

test('3 MB uploads an upstream answers with an early 413 are each recorded with that 413 and the part of the body that was read', async () => {
  const t = await tempDir()
  const upstream = await earlyAnswerServer(413)
  const writer = await createSession(t.dir, { name: 'early answers' })
  const proxy = await mountApp(recordProxy({ target: `http://127.0.0.1:${upstream.port}`, session: writer }), {
    port: 0,
  })
  try {
    const size = 3 * 1024 * 1024
    const statuses: number[] = []
    for (let i = 0; i < 4; i++) statuses.push(await post(proxy.server.url, size))
    assert.deepEqual(statuses, [413, 413, 413, 413])
    await waitFor(() => writer.count === 4, 5000, 'four exchanges recorded')
    await writer.close()
    const { records } = await openSession(t.dir)
    assert.equal(records.length, 4)
    for (const r of records) {
      assert.equal(r.response.status, 413)
      assert.equal(r.generated, undefined, 'the upstream made this response')
      assert.equal(Buffer.from(r.response.body).toString(), 'refused early by the test server\n')
      const read = r.request.body.byteLength
      assert.ok(read <= size)
      // What the proxy read before the answer came (the client may have sent it all by then) is kept, and the rest counted.
      assert.deepEqual(r.incomplete, read < size ? { request: size - read } : undefined, `read ${read}`)
    }
  } finally {
    await proxy.stop()
    await upstream.stop()
    await t.remove()
  }
})

test('the Traffic capture and its HAR keep a 1 MB POST to a dead upstream: the 502 made by Nanoscope, and how much of the upload never arrived', async () => {
  const proxy = await startInterceptingProxy({})
  try {
    const port = await deadPort()
    const status = await new Promise<number>((resolve) => {
      const req = http.request(
        proxy.url,
        {
          method: 'POST',
          path: `http://127.0.0.1:${port}/upload`,
          agent: false,
          headers: { 'Content-Length': 1_000_000 },
        },
        (res) => {
          res.resume()
          res.on('end', () => resolve(res.statusCode ?? 0))
        },
      )
      req.on('error', () => resolve(0))
      req.end(Buffer.alloc(1_000_000, 5))
    })
    assert.equal(status, 502)
    const seen = await proxy.waitFor((e) => e.method === 'POST')
    assert.equal(seen.status, 502)
    assert.deepEqual(seen.outcome.kind === 'failed' && seen.outcome.cause, 'refused')
    const body = seen.requestBody!
    assert.equal(body.size, 1_000_000)
    const arrived = body.bytes.byteLength
    assert.ok(arrived < 1_000_000, `the proxy answered without waiting for the whole upload (${arrived} bytes arrived)`)
    assert.equal(body.missing, 1_000_000 - arrived)
    const store = new ExchangeStore()
    store.upsert(seen)
    const detail = store.detail(seen.id)!
    assert.deepEqual(detail.requestBody?.missing, body.missing, 'the detail the Traffic pane shows says so too')
    const recorded = detailToRecorded(detail)
    assert.equal(recorded.generated?.cause, 'refused')
    assert.deepEqual(recorded.incomplete, { request: 1_000_000 - arrived })
    assert.equal(recorded.truncated, undefined, 'nothing was cut by the cap: what arrived was kept')
  } finally {
    await proxy.stop()
  }
})

test('3 MB uploads an upstream resets without answering are each recorded with the proxy-made 502 the client saw', async () => {
  const t = await tempDir()
  const upstream = await earlyAnswerServer(0)
  const writer = await createSession(t.dir, { name: 'reset uploads' })
  const proxy = await mountApp(recordProxy({ target: `http://127.0.0.1:${upstream.port}`, session: writer }), {
    port: 0,
  })
  try {
    const size = 3 * 1024 * 1024
    const statuses: number[] = []
    for (let i = 0; i < 4; i++) statuses.push(await post(proxy.server.url, size))
    assert.deepEqual(statuses, [502, 502, 502, 502])
    await waitFor(() => writer.count === 4, 5000, 'four exchanges recorded')
    await writer.close()
    const { records } = await openSession(t.dir)
    assert.equal(records.length, 4)
    for (const r of records) {
      assert.equal(r.response.status, 502)
      assert.equal(r.generated?.cause, 'reset')
      const read = r.request.body.byteLength
      assert.deepEqual(r.incomplete, read < size ? { request: size - read } : undefined, `read ${read}`)
    }
  } finally {
    await proxy.stop()
    await upstream.stop()
    await t.remove()
  }
})

test('a recorded upload that did not all arrive replays with the bytes that did, and its Content-Length says so', async () => {
  const got: number[] = []
  const upstream = await startUpstream((_req, res, body) => {
    got.push(body.byteLength)
    res.end(`got ${body.byteLength}`)
  })
  try {
    const partial: RecordedExchange = {
      ...exchange({
        method: 'POST',
        url: `${upstream.url}/upload`,
        requestBody: Buffer.alloc(1000, 1),
        requestHeaders: [
          ['Host', `127.0.0.1:${upstream.port}`],
          ['Content-Length', '5000'],
        ],
      }),
      incomplete: { request: 4000 },
    }
    const report = await replay([partial], { timeoutMs: 5000 })
    assert.deepEqual(got, [1000])
    assert.equal(report.results[0]?.status, 200)
  } finally {
    await upstream.stop()
  }
})
