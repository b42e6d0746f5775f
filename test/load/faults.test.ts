/**
 * Faults under load (issue 9): the upstream dies and comes back while the proxy is busy, and the disk fills up
 * while a listener records. Either way the proxy keeps serving, says what happened, and loses nothing it had
 * already kept.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Host } from '../../electron/host/host.ts'
import { startWebUi } from '../../electron/web/serve.ts'
import { LOG_FILE, openSession } from '../../electron/recording/session-store.ts'
import { startUpstream } from '../support/upstream.ts'
import type { HostChildReady } from './host-child.ts'
import {
  cleanupStack,
  connectLiveSubscriber,
  exited,
  sleep,
  startLoad,
  startUpstreamProcess,
  sum,
  type LoadTally,
} from './load-support.ts'

function scratchDirs(later: (step: () => unknown) => void) {
  const root = mkdtempSync(join(tmpdir(), 'nanoscope-faults-'))
  const staticDir = mkdtempSync(join(tmpdir(), 'nanoscope-faults-ui-'))
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Nanoscope</title>')
  later(() => {
    rmSync(root, { recursive: true, force: true })
    rmSync(staticDir, { recursive: true, force: true })
  })
  return { root, staticDir }
}

const count = (tally: LoadTally | undefined, status: number) => tally?.statuses[String(status)] ?? 0

test('when the upstream is killed mid-load and restarted on its port, the proxy answers the gap with its own 502s, captures them as failed, and serves again after', {
  timeout: 60_000,
}, async (t) => {
  const later = cleanupStack(t)
  const { staticDir } = scratchDirs(later)
  let upstream = await startUpstreamProcess()
  later(() => upstream.kill())
  const host = new Host()
  later(() => host.stop())
  const proxy = await host.startListener({ kind: 'proxy', mode: 'forward', port: 0 })
  const ui = await startWebUi(host, { staticDir })
  later(() => ui.stop())
  const window = await connectLiveSubscriber(`ws://127.0.0.1:${ui.port}/api/ws?token=${ui.token}`)
  later(() => window.close())
  await window.invoke('subscribe', {})

  // Steps follow the generator's own reports, so a slow start (a busy machine) only stretches the run.
  const load = startLoad({
    proxyPort: proxy.port,
    target: upstream.url,
    connections: 50,
    durationMs: 40_000,
    requestTimeoutMs: 5_000,
    reportEveryMs: 100,
  })
  later(() => load.stop())
  const beforeKill = await load.until((l) => count(l, 200) >= 500, 15_000, '500 requests served before the kill')
  await upstream.kill()
  const duringGap = await load.until((l) => count(l, 502) >= 200, 10_000, '200 requests answered during the gap')
  upstream = await startUpstreamProcess(upstream.port)
  const restarted = load.latest()!
  // Up to a report interval of requests may have been sent before the upstream was listening again.
  await sleep(500)
  const settled = load.latest()!
  await load.until((l) => count(l, 200) - count(settled, 200) >= 500, 15_000, '500 requests served after the restart')
  const tally = await load.finish()

  t.diagnostic(
    `upstream killed at ${beforeKill.elapsedMs} ms (${beforeKill.completed} done), back at ${restarted.elapsedMs} ms; final ${JSON.stringify(tally.statuses)}, generated ${JSON.stringify(tally.generated)}, socket errors ${tally.errors}`,
  )

  assert.equal(tally.errors, 0, `no client connection broke: ${tally.errorSamples.join('; ')}`)
  assert.deepEqual(Object.keys(tally.statuses).sort(), ['200', '502'], 'every answer was a 200 or a 502')
  assert.ok(count(beforeKill, 200) > 0, 'requests succeeded before the kill')
  assert.ok(count(duringGap, 502) > 0, 'the gap was answered with 502s')
  assert.equal(sum(tally.generated), count(tally, 502), 'each 502 was made by the proxy')
  assert.deepEqual(
    Object.keys(tally.generated).filter((cause) => cause !== 'refused' && cause !== 'reset'),
    [],
    'saying the upstream refused or reset',
  )
  assert.ok(count(tally, 200) - count(settled, 200) > 0, 'requests succeed again after the restart')
  assert.equal(count(tally, 502), count(settled, 502), 'and none failed once the upstream was back')

  await window
    .waitFor(() => window.distinct >= tally.completed, 10_000, 'the window seeing every exchange')
    .catch(() => {})
  t.diagnostic(`captured: ${JSON.stringify(window.outcomes)} (${window.duplicates} duplicates)`)
  assert.equal(window.distinct, tally.completed, 'every exchange was captured')
  assert.equal(window.duplicates, 0)
  assert.equal(window.outcomes.completed, count(tally, 200))
  assert.equal(
    (window.outcomes['failed:refused'] ?? 0) + (window.outcomes['failed:reset'] ?? 0),
    count(tally, 502),
    'the 502s were captured as failed (refused or reset)',
  )
  assert.deepEqual(
    host.listeners.list().map((l) => l.id),
    [proxy.id],
    'the listener is still running',
  )
})

/** POSTs `body` through the forward proxy to `url`; resolves with the status. */
function post(proxyPort: number, url: string, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: proxyPort,
        method: 'POST',
        path: url,
        headers: { Host: new URL(url).host, 'Content-Length': body.byteLength },
      },
      (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      },
    )
    req.setTimeout(5_000, () => req.destroy(new Error('no answer within 5 s')))
    req.on('error', reject)
    req.end(body)
  })
}

const HOST_CHILD = fileURLToPath(new URL('./host-child.ts', import.meta.url))
/** The recording host's file size limit, in the shell's blocks (512 bytes for POSIX sh, 1024 for bash): 512 KiB or 1 MiB. */
const FILE_SIZE_BLOCKS = 1024

test('when the disk fills up while recording, the proxy keeps serving, the recording stops saying why, and what was written stays readable', {
  timeout: 60_000,
}, async (t) => {
  const later = cleanupStack(t)
  const { root, staticDir } = scratchDirs(later)
  const upstream = await startUpstream((_req, res) => {
    res.end('stored')
  })
  later(() => upstream.stop())
  // The host runs under a file size limit (`ulimit -f`, POSIX): a write past it fails with EFBIG, the way a full
  // disk fails with ENOSPC, without needing root to mount a small filesystem. Node ignores SIGXFSZ.
  const child = spawn(
    '/bin/sh',
    [
      '-c',
      'ulimit -f "$0" && exec "$@"',
      String(FILE_SIZE_BLOCKS),
      process.execPath,
      '--import',
      'tsx',
      HOST_CHILD,
      JSON.stringify({ sessionsRoot: root, staticDir }),
    ],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  )
  later(async () => {
    if (child.connected) child.disconnect()
    await exited(child)
  })
  const ready = await new Promise<HostChildReady>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the host did not start within 15 s')), 15_000)
    child.once('message', (m) => {
      clearTimeout(timer)
      resolve(m as HostChildReady)
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`the host exited (${code}) before starting`))
    })
  })
  const window = await connectLiveSubscriber(ready.wsUrl)
  later(() => window.close())
  await window.invoke('subscribe', {})
  const recording = await window.invoke('startRecording', { listenerId: ready.listenerId, name: 'disk full' })

  // 16 KiB uploads, four at a time, until the recording stops (a few hundred fill the limit).
  const body = Buffer.alloc(16 * 1024, 'x')
  const statuses: number[] = []
  const stoppedEvent = () => window.recordingEvents.find((e) => !e.recording && e.stoppedBecause)
  const deadline = Date.now() + 20_000
  await Promise.all(
    Array.from({ length: 4 }, async (_, worker) => {
      for (let n = 0; !stoppedEvent() && Date.now() < deadline; n++)
        statuses.push(await post(ready.proxyPort, `${upstream.url}/upload/${worker}/${n}`, body))
    }),
  )
  const stopped = stoppedEvent()
  // The proxy still serves, and still captures, after recording stopped.
  const after = await Promise.all(
    Array.from({ length: 20 }, (_, n) => post(ready.proxyPort, `${upstream.url}/after/${n}`, body)),
  )
  const total = statuses.length + after.length
  await window.waitFor(() => window.distinct >= total, 10_000, 'the window seeing every exchange').catch(() => {})

  const dir = join(root, recording.sessionId!)
  const session = await openSession(dir)
  const logBytes = statSync(join(dir, LOG_FILE)).size
  t.diagnostic(
    `${statuses.length} uploads before the recording stopped, ${after.length} after; recorded ${session.records.length} (${logBytes} bytes), torn: ${session.torn ? session.torn.reason : 'no'}`,
  )
  t.diagnostic(`recording event: ${JSON.stringify(stopped)}`)

  assert.ok(stopped, 'a recording event says the recording stopped')
  assert.match(stopped.stoppedBecause!, /writing to the session failed: .*(EFBIG|ENOSPC|too large)/i)
  assert.equal((await window.invoke('getRecording', { listenerId: ready.listenerId })).recording, false)
  assert.ok(
    statuses.every((s) => s === 200) && after.every((s) => s === 200),
    'every request was answered by the upstream',
  )
  assert.equal(window.distinct, total, 'and captured')
  assert.ok(
    session.records.length > 0 && session.records.length < total,
    'the session holds what was written before the disk filled up',
  )
  const toldWritten = Math.max(0, ...window.recordingEvents.filter((e) => e.recording).map((e) => e.count))
  assert.ok(
    session.records.length >= toldWritten,
    `including the ${toldWritten} records the window was told were written`,
  )
  assert.equal(session.torn, undefined, 'ending with a whole record')
  assert.equal(session.manifest.count, session.records.length, 'and its manifest says how many')
  assert.ok(
    session.records.every(
      (r) => r.request.method === 'POST' && r.request.body.byteLength === body.byteLength && r.response.status === 200,
    ),
  )
})
