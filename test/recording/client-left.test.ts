/**
 * Clients that leave an exchange early, through a real recording proxy to a real upstream: before the response head
 * (the client layer's 499 client-aborted) and while the response body streams (the upstream's response as far as it
 * went). Both are recorded, marked alike, and a session holding them still replays and stands in.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { recordProxy } from '../../electron/apps/record-proxy.ts'
import { bodyBytes, header, request } from '../../electron/core/message.ts'
import { mountApp } from '../../electron/proxy/mount-app.ts'
import { replay } from '../../electron/recording/replay.ts'
import { createSession, openSession } from '../../electron/recording/session-store.ts'
import { standIn } from '../../electron/recording/stand-in.ts'
import { tempDir, waitFor } from './support.ts'

const FULL = 1_000_000
const FIRST = 64 * 1024

/**
 * An upstream that, while `holding`, sends `/stream`'s head and its first 64 KiB and then nothing more, and never
 * answers `/late`; once not holding, it answers both at once and whole. Counts the requests it saw.
 */
async function holdingUpstream() {
  const state = { holding: true, seen: [] as string[] }
  const server = http.createServer((req, res) => {
    state.seen.push(`${req.method} ${req.url}`)
    req.resume()
    if (req.url === '/stream') {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': FULL })
      if (state.holding) res.write(Buffer.alloc(FIRST, 120))
      else res.end(Buffer.alloc(FULL, 120))
    } else if (!state.holding) res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': 4 }).end('late')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    state,
    port,
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** GETs `url` and goes away: after the first body bytes when `afterData`, else once `leave` resolves. */
function getAndLeave(url: string, afterData: boolean, leave: Promise<void>): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false }, (res) => {
      if (afterData)
        res.once('data', () => {
          req.destroy()
          resolve(res.statusCode ?? 0)
        })
    })
    req.on('error', () => {})
    void leave.then(() => {
      req.destroy()
      resolve(0)
    })
  })
}

test('clients that leave before the head and while the body streams are both recorded as client-aborted, and the session replays and stands in', async () => {
  const t = await tempDir()
  const upstream = await holdingUpstream()
  const writer = await createSession(t.dir, { name: 'clients that left' })
  const proxy = await mountApp(recordProxy({ target: upstream.url, session: writer, timeoutMs: 10_000 }), {
    host: '127.0.0.1',
    port: 0,
  })
  try {
    const streamed = await getAndLeave(`${proxy.server.url}/stream`, true, new Promise(() => {}))
    assert.equal(streamed, 200, 'the client saw the head before it left')
    const seenLate = waitFor(() => upstream.state.seen.includes('GET /late'), 5000, 'the upstream to see /late')
    await getAndLeave(`${proxy.server.url}/late`, false, seenLate)
    await waitFor(() => writer.count === 2, 5000, 'both exchanges recorded')
    await writer.close()

    const { records } = await openSession(t.dir)
    const byPath = (path: string) => records.find((r) => r.request.url.endsWith(path))!
    const cut = byPath('/stream')
    assert.equal(cut.response.status, 200)
    assert.equal(cut.generated, undefined, 'the response is the upstream one, not made by Nanoscope')
    assert.deepEqual(cut.tags, ['client-aborted'])
    assert.equal(cut.note, 'the client went away before the response ended')
    const got = cut.response.body.byteLength
    assert.ok(got >= FIRST && got < FULL, `the body as far as it went (${got} bytes)`)
    assert.equal(cut.incomplete?.response, FULL - got)
    const early = byPath('/late')
    assert.deepEqual(
      [early.response.status, early.generated?.cause, early.tags],
      [499, 'client-aborted', ['client-aborted']],
    )

    upstream.state.holding = false
    const report = await replay(records, { timeoutMs: 5000 })
    assert.deepEqual(
      report.results.map((r) => [r.url, r.status, r.outcome]).sort(),
      [
        [`${upstream.url}/late`, 200, 'changed'],
        [`${upstream.url}/stream`, 200, 'same'],
      ].sort(),
      JSON.stringify(report.results),
    )

    const stand = standIn(records)
    const answer = await stand(
      request({ target: `${upstream.url}/stream`, headers: [['Host', `127.0.0.1:${upstream.port}`]] }),
    )
    assert.equal(answer.status, 200)
    assert.equal(header(answer, 'content-length'), String(got))
    assert.equal((await bodyBytes(answer.body)).byteLength, got)
  } finally {
    await proxy.stop()
    await upstream.stop()
    await t.remove()
  }
})
