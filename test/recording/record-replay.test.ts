import { test } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import { recordProxy } from '../../electron/apps/record-proxy.ts'
import { mountApp } from '../../electron/proxy/mount-app.ts'
import { createSession, openSession } from '../../electron/recording/session-store.ts'
import { recordTo } from '../../electron/recording/record-to.ts'
import { replay, formatReport } from '../../electron/recording/replay.ts'
import { bodyText, request, response, streamBody } from '../../electron/core/message.ts'
import { Readable } from 'node:stream'
import { startUpstream } from '../support/upstream.ts'
import { exchange, tempDir, waitFor } from './support.ts'

const BINARY = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 37) % 256))

function send(
  url: string,
  method: string,
  path: string,
  headers: string[],
  body?: Buffer,
): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${url}${path}`,
      { method, headers: ['Host', new URL(url).host, ...headers], agent: false, timeout: 5000 },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }))
      },
    )
    req.on('timeout', () => req.destroy(new Error('timed out')))
    req.on('error', reject)
    req.end(body)
  })
}

const custom = (raw: string[]) => {
  const out: string[] = []
  for (let i = 0; i < raw.length; i += 2) if (/^x-/i.test(raw[i]!)) out.push(`${raw[i]}: ${raw[i + 1]}`)
  return out
}

test('replays recorded requests at another server in the order they were captured, with the same methods, paths, headers and body bytes', async () => {
  const t = await tempDir()
  const answer = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => {
    if (req.url === '/binary') {
      res.setHeader('Content-Type', 'application/octet-stream')
      res.end(BINARY)
      return
    }
    res.setHeader('Content-Type', 'text/plain')
    res.end(`${req.method} ${req.url} ${body.byteLength}`)
  }
  const original = await startUpstream(answer)
  const other = await startUpstream(answer)
  const writer = await createSession(t.dir, { name: 'through a proxy' })
  const app = recordProxy({ target: original.url, session: writer })
  const proxy = await mountApp(app, { port: 0 })
  try {
    const a = await send(proxy.server.url, 'GET', '/first?b=2&a=1', ['X-Case', 'Upper', 'x-dup', 'one', 'X-Dup', 'two'])
    const b = await send(
      proxy.server.url,
      'POST',
      '/upload',
      ['Content-Type', 'application/octet-stream', 'X-Step', '2'],
      BINARY,
    )
    const c = await send(proxy.server.url, 'GET', '/binary', ['X-Step', '3'])
    const d = await send(
      proxy.server.url,
      'PUT',
      '/text',
      ['X-Step', '4', 'Content-Type', 'text/plain'],
      Buffer.from('héllo'),
    )
    assert.deepEqual([a.status, b.status, c.status, d.status], [200, 200, 200, 200], a.body.toString())
    assert.ok(c.body.equals(BINARY))
    await waitFor(() => writer.count === 4, 5000, 'four recorded exchanges')
    await writer.close()

    const session = await openSession(t.dir)
    assert.equal(session.records.length, 4)
    assert.ok(Buffer.from(session.records[1]!.request.body).equals(BINARY))
    assert.ok(Buffer.from(session.records[2]!.response.body).equals(BINARY))
    assert.equal(session.records[0]!.request.url, `${original.url}/first?b=2&a=1`)

    const progress: number[] = []
    const report = await replay(session.records, {
      target: other.url,
      speed: Infinity,
      timeoutMs: 10_000,
      onProgress: (p) => progress.push(p.done),
    })
    assert.deepEqual(progress, [1, 2, 3, 4])
    assert.deepEqual(
      other.requests.map((r) => `${r.method} ${r.url}`),
      original.requests.map((r) => `${r.method} ${r.url}`),
    )
    assert.deepEqual(
      other.requests.map((r) => custom(r.rawHeaders)),
      original.requests.map((r) => custom(r.rawHeaders)),
    )
    other.requests.forEach((r, i) => assert.ok(r.body.equals(original.requests[i]!.body), `body ${i}`))
    assert.ok(other.requests[1]!.body.equals(BINARY))
    assert.deepEqual(report.counts, { same: 4, changed: 0, failed: 0, 'not-sent': 0 })
    assert.ok(report.results.every((r) => r.tags.includes('replayed')))
    assert.match(formatReport(report), /4 requests: 4 same, 0 changed/)
  } finally {
    await proxy.stop()
    await original.stop()
    await other.stop()
    await t.remove()
  }
})

test('the replay report says what changed: status, body bytes and headers, but not volatile headers such as Date', async () => {
  const recorded = [
    exchange({
      url: 'http://x/a',
      responseBody: 'same',
      responseHeaders: [
        ['Content-Type', 'text/plain'],
        ['Date', 'Mon, 01 Jan 2024 00:00:00 GMT'],
        ['Set-Cookie', 'id=1; Max-Age=60'],
      ],
    }),
    exchange({
      url: 'http://x/b',
      responseBody: 'before',
      responseHeaders: [
        ['Content-Type', 'text/plain'],
        ['Content-Length', '6'],
      ],
    }),
    exchange({ url: 'http://x/c', status: 200 }),
  ]
  const server = async (req: ReturnType<typeof request>) => {
    if (req.target.endsWith('/a'))
      return response(200, {
        headers: [
          ['Content-Type', 'text/plain'],
          ['Date', 'Tue, 02 Jan 2024 00:00:00 GMT'],
          ['Set-Cookie', 'id=1; Max-Age=30'],
        ],
        body: 'same',
      })
    if (req.target.endsWith('/b'))
      return response(200, {
        headers: [
          ['Content-Type', 'text/html'],
          ['Content-Length', '5'],
        ],
        body: 'after',
      })
    return response(503, { headers: [['Content-Type', 'text/plain']], body: 'hello' })
  }
  const report = await replay(recorded, { send: server, speed: Infinity })
  const [a, b, c] = report.results
  assert.equal(a!.outcome, 'same')
  assert.equal(b!.outcome, 'changed')
  assert.deepEqual(b!.body, { recordedSize: 6, size: 5, firstDifferenceAt: 0 })
  assert.deepEqual(b!.headers, [{ name: 'content-type', recorded: ['text/plain'], replayed: ['text/html'] }])
  assert.equal(c!.statusChanged, true)
  assert.equal(c!.status, 503)
  assert.equal(report.latency.recorded.count, 3)
})

test('replay keeps the recorded gaps scaled by the speed: 200 ms gaps take about 100 ms at 2x', async () => {
  const start = 1_700_000_000_000
  const recorded = [0, 200, 400].map((dt, i) => exchange({ url: `http://x/${i}`, startedAt: start + dt }))
  const arrivals: number[] = []
  const server = async () => {
    arrivals.push(performance.now())
    return response(200, { headers: [['Content-Type', 'text/plain']], body: 'hello' })
  }
  const t0 = performance.now()
  await replay(recorded, { send: server, speed: 2 })
  // Each request goes at its recorded offset halved, measured from the start: never early (a timer may fire a
  // millisecond short), and on a busy machine possibly late, but not by the whole gap again.
  const offsets = arrivals.map((at) => at - t0)
  for (const [i, due] of [0, 100, 200].entries()) {
    assert.ok(
      offsets[i]! >= due - 5 && offsets[i]! < due + 95,
      `request ${i} went at ${offsets[i]!.toFixed(1)} ms, due at ${due} ms`,
    )
  }
  arrivals.length = 0
  await replay(recorded, { send: server, speed: Infinity })
  assert.ok(arrivals[2]! - arrivals[0]! < 50, 'max speed sends back to back')
})

test('replay is bounded by count and by time: the limit sends only the first ones, the deadline reports the rest as not sent', async () => {
  const recorded = [0, 50, 10_000].map((dt, i) => exchange({ url: `http://x/${i}`, startedAt: 1_000 + dt }))
  const seen: string[] = []
  const server = async (req: ReturnType<typeof request>) => {
    seen.push(req.target)
    return response(200, { body: 'hello', headers: [['Content-Type', 'text/plain']] })
  }
  const limited = await replay(recorded, { send: server, speed: Infinity, limit: 2 })
  assert.equal(limited.total, 2)
  assert.deepEqual(seen, ['http://x/0', 'http://x/1'])
  const t0 = performance.now()
  const cut = await replay(recorded, { send: server, timeoutMs: 300 })
  assert.ok(performance.now() - t0 < 2000)
  assert.equal(cut.counts['not-sent'], 1)
  assert.match(cut.results[2]!.error ?? '', /deadline of 300 ms/)
})

test('the recording filter tags responses "recorded" and writes the exchange once its streamed response body has finished', async () => {
  const kept: unknown[] = []
  const writer = {
    append: async (x: unknown) => {
      kept.push(x)
    },
  }
  const handler = recordTo(writer)(async () =>
    response(200, { body: streamBody(Readable.from([Buffer.from('ab'), Buffer.from('cd')])) }),
  )
  const res = await handler(request({ method: 'POST', target: 'http://h/x', headers: [['Host', 'h']], body: 'up' }))
  assert.deepEqual(res.tags, ['recorded'])
  assert.equal(kept.length, 0, 'nothing is written before the body has gone by')
  assert.equal(await bodyText(res.body), 'abcd')
  await waitFor(() => kept.length === 1, 2000, 'the record')
  const x = kept[0] as { request: { url: string; body: Uint8Array }; response: { body: Uint8Array } }
  assert.equal(x.request.url, 'http://h/x')
  assert.equal(Buffer.from(x.request.body).toString(), 'up')
  assert.equal(Buffer.from(x.response.body).toString(), 'abcd')
})
