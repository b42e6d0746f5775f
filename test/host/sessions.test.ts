import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { request as httpRequest } from 'node:http'
import { Host } from '../../electron/host/host.ts'
import { until } from '../support/wait.ts'
import type { ExchangeSummary, RecordingInfo, ReplayReportData, SessionInfo } from '../../shared/exchange.ts'
import { startUpstream } from '../support/upstream.ts'

function viaProxy(port: number, url: string, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: body ? 'POST' : 'GET',
        path: url,
        headers: { Host: new URL(url).host, 'X-Case': 'Kept' },
      },
      (res) => {
        let text = ''
        res
          .setEncoding('utf8')
          .on('data', (d) => {
            text += d
          })
          .on('end', () => resolve({ status: res.statusCode ?? 0, text }))
      },
    )
      .on('error', reject)
      .end(body)
  })
}

test('a window records a session from the live proxy, replays it into Traffic, exports it and stands in with it', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'nanoscope-sessions-'))
  let hits = 0
  const upstream = await startUpstream((req, res, body) => {
    hits++
    res.end(`answer to ${req.method} ${req.url} (${body.length} bytes)`)
  })
  const host = new Host({ sessionsRoot: root })
  t.after(async () => {
    await host.stop()
    await upstream.stop()
    rmSync(root, { recursive: true, force: true })
  })
  const proxy = await host.startListener({ kind: 'proxy', mode: 'forward', port: 0 })
  /** Completed exchanges as the window hears of them (each also arrives as pending when a batch goes out in between). */
  const exchanges: ExchangeSummary[] = []
  const recordingEvents: RecordingInfo[] = []
  const progress: number[] = []
  const connection = host.connectWindow((name, payload) => {
    if (name === 'exchanges')
      exchanges.push(
        ...(payload as { exchanges: ExchangeSummary[] }).exchanges.filter((e) => e.outcome.kind !== 'pending'),
      )
    if (name === 'recording') recordingEvents.push(payload as RecordingInfo)
    if (name === 'replayProgress') progress.push((payload as { done: number }).done)
  })
  t.after(() => connection.close())
  await connection.dispatch('subscribe', {})

  const started = (await connection.dispatch('startRecording', {
    listenerId: proxy.id,
    name: 'checkout flow',
  })) as RecordingInfo
  assert.equal(started.recording, true)
  await viaProxy(proxy.port, `${upstream.url}/cart`)
  await viaProxy(proxy.port, `${upstream.url}/pay`, 'card=4242')
  await until(() => exchanges.length === 2)
  const stopped = (await connection.dispatch('stopRecording', { listenerId: proxy.id })) as RecordingInfo
  assert.equal(stopped.recording, false)
  const sessions = (await connection.dispatch('listSessions', {})) as SessionInfo[]
  assert.equal(sessions.length, 1)
  assert.equal(sessions[0]!.name, 'checkout flow')
  assert.equal(sessions[0]!.count, 2)

  const report = (await connection.dispatch('replaySession', {
    listenerId: proxy.id,
    sessionId: sessions[0]!.id,
    speed: 'max',
  })) as ReplayReportData
  assert.equal(report.counts.same, 2)
  assert.deepEqual(progress, [1, 2])
  await until(() => exchanges.length === 4)
  assert.ok(exchanges.slice(2).every((e) => e.tags.includes('replayed')))
  assert.deepEqual(
    upstream.requests.slice(2).map((r) => [r.method, r.url, r.body.toString()]),
    [
      ['GET', '/cart', ''],
      ['POST', '/pay', 'card=4242'],
    ],
  )

  const har = (await connection.dispatch('exportHar', { sessionId: sessions[0]!.id })) as { har: string }
  assert.equal(JSON.parse(har.har).log.entries.length, 2)
  const current = (await connection.dispatch('exportHar', {})) as { har: string }
  assert.equal(JSON.parse(current.har).log.entries.length, 4)
  const imported = (await connection.dispatch('importHar', { fileName: 'again.har', content: har.har })) as {
    imported: number
  }
  assert.equal(imported.imported, 2)

  await connection.dispatch('setStandIn', { listenerId: proxy.id, sessionId: sessions[0]!.id })
  const before = hits
  const answered = await viaProxy(proxy.port, `${upstream.url}/cart`)
  assert.equal(answered.text, 'answer to GET /cart (0 bytes)')
  const miss = await viaProxy(proxy.port, `${upstream.url}/unknown`)
  assert.equal(miss.status, 404)
  assert.equal(hits, before)
  await connection.dispatch('setStandIn', { listenerId: proxy.id })
  assert.deepEqual(await connection.dispatch('deleteSession', { sessionId: sessions[0]!.id }), { deleted: true })
  assert.equal(((await connection.dispatch('listSessions', {})) as SessionInfo[]).length, 1)
})

test('a window may list sessions only under an s3:// location besides its own, and cannot rename or delete a session in a bucket', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'nanoscope-sessions-'))
  const host = new Host({ sessionsRoot: root })
  t.after(async () => {
    await host.stop()
    rmSync(root, { recursive: true, force: true })
  })
  const connection = host.connectWindow(() => {})
  t.after(() => connection.close())
  await assert.rejects(connection.dispatch('listSessions', { location: '/etc' }), /must be an S3 location/)
  await assert.rejects(
    connection.dispatch('renameSession', { sessionId: 's3://team/shared/checkout', name: 'x' }),
    /s3:\/\/team\/shared\/checkout: sessions in a bucket cannot be renamed from here/,
  )
  await assert.rejects(
    connection.dispatch('deleteSession', { sessionId: 's3://team/shared/checkout' }),
    /sessions in a bucket cannot be deleted from here/,
  )
})
