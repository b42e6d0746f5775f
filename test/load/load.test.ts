/**
 * Load (issue 9): 200 keep-alive connections for LOAD_SECONDS (default 30) through a forward proxy listener
 * of a Host, with capture on, recording on and a live UI subscriber on the `serve` WebSocket. The upstream and
 * the load generator run in child processes, so the proxy has the event loop (and the heap) to itself.
 *
 * Every exchange the generator completed must be captured (the subscriber saw each exactly once, and the
 * hub's store took exactly that many) and recorded (the closed session holds exactly that many records), and
 * with the store bounded to 2,000 exchanges the heap after a full collection must stay at its warm-up level.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Host } from '../../electron/host/host.ts'
import { startWebUi } from '../../electron/web/serve.ts'
import { openSession } from '../../electron/recording/session-store.ts'
import {
  buffersMiB,
  cleanupStack,
  connectLiveSubscriber,
  heapAfterGc,
  sleep,
  startLoad,
  startUpstreamProcess,
} from './load-support.ts'

const LOAD_SECONDS = Number(process.env.LOAD_SECONDS ?? 30)
const CONNECTIONS = 200
const MAX_EXCHANGES = 2_000
/** How far above its warm-up level the collected heap may be once the store is full: growth past the bounds is a leak. */
const HEAP_MARGIN_MIB = 24

test(`${CONNECTIONS} keep-alive connections for ${LOAD_SECONDS} s are all served, each exchange captured once and recorded, and memory stays at its warm-up level`, {
  timeout: (LOAD_SECONDS + 50) * 1000,
}, async (t) => {
  const later = cleanupStack(t)
  const root = mkdtempSync(join(tmpdir(), 'nanoscope-load-'))
  const staticDir = mkdtempSync(join(tmpdir(), 'nanoscope-load-ui-'))
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Nanoscope</title>')
  later(() => {
    rmSync(root, { recursive: true, force: true })
    rmSync(staticDir, { recursive: true, force: true })
  })
  const upstream = await startUpstreamProcess()
  later(() => upstream.kill())
  const host = new Host({ sessionsRoot: root })
  later(() => host.stop())
  const proxy = await host.startListener({ kind: 'proxy', mode: 'forward', port: 0 })
  const ui = await startWebUi(host, { staticDir })
  later(() => ui.stop())
  const window = await connectLiveSubscriber(`ws://127.0.0.1:${ui.port}/api/ws?token=${ui.token}`)
  later(() => window.close())

  const snapshot = await window.invoke('subscribe', {})
  assert.equal(snapshot.exchanges.length, 0)
  await window.invoke('updateSettings', { maxExchanges: MAX_EXCHANGES })
  const recording = await window.invoke('startRecording', { listenerId: proxy.id, name: 'load' })
  assert.equal(recording.recording, true)
  const idleHeap = heapAfterGc()

  const load = startLoad({
    proxyPort: proxy.port,
    target: upstream.url,
    connections: CONNECTIONS,
    durationMs: LOAD_SECONDS * 1000,
    requestTimeoutMs: 10_000,
  })
  later(() => load.stop())
  // Warm-up: the store has reached its bound and a fifth of the run has passed.
  const warmUntil = Date.now() + LOAD_SECONDS * 200
  while (
    (host.hub.store.size < MAX_EXCHANGES || Date.now() < warmUntil) &&
    !load.latest()?.done &&
    Date.now() < warmUntil + 20_000
  )
    await sleep(100)
  assert.equal(host.hub.store.size, MAX_EXCHANGES, 'the store reaches its bound during warm-up')
  const warmHeap = heapAfterGc()
  const warmBuffers = buffersMiB()
  const samples: number[] = []
  const backlogs: number[] = []
  const bufferSamples: number[] = []
  const recorder = host.listeners.get(proxy.id)!.switches!.recording
  const sampling = (async () => {
    while (!load.latest()?.done) {
      await Promise.race([sleep(Math.max(1000, LOAD_SECONDS * 150)), load.finished.catch(() => {})])
      if (load.latest()?.done) break
      samples.push(heapAfterGc())
      bufferSamples.push(buffersMiB())
      backlogs.push(host.hub.store.latestSeq - (recorder.active?.count ?? 0))
    }
  })()
  const tally = await load.finished
  await sampling

  const completed = tally.completed
  const reqPerSec = Math.round(completed / (tally.elapsedMs / 1000))
  // The live stream trails the responses by at most a flush interval or two.
  await window
    .waitFor(
      () => window.distinct >= completed,
      15_000,
      `the subscriber seeing ${completed} exchanges (saw ${window.distinct})`,
    )
    .catch(() => {})
  const settledHeap = heapAfterGc()
  const settledBuffers = buffersMiB()
  const rss = process.memoryUsage().rss / 1024 / 1024

  const stopped = await window.invoke('stopRecording', { listenerId: proxy.id }, 30_000)
  assert.equal(stopped.recording, false)
  assert.equal(stopped.stoppedBecause, undefined)
  const { recorded, recordedOk, recordedPaths } = await openSession(join(root, recording.sessionId!)).then(
    (session) => ({
      recorded: session.records.length,
      recordedOk: session.records.filter((r) => r.response.status === 200).length,
      recordedPaths: new Set(session.records.map((r) => new URL(r.request.url).pathname)).size,
    }),
  )

  t.diagnostic(
    `requests completed: ${completed} in ${(tally.elapsedMs / 1000).toFixed(1)} s over ${tally.socketsOpened} sockets (${reqPerSec} req/s)`,
  )
  t.diagnostic(
    `statuses: ${JSON.stringify(tally.statuses)}; socket errors: ${tally.errors}${tally.errorSamples.length ? ` (${tally.errorSamples.join('; ')})` : ''}`,
  )
  t.diagnostic(
    `captured: subscriber saw ${window.distinct} distinct (${window.duplicates} duplicates), store took ${host.hub.store.latestSeq} and holds ${host.hub.store.size}; recorded: ${recorded}`,
  )
  t.diagnostic(`lost: ${completed - window.distinct} from the live stream, ${completed - recorded} from the recording`)
  t.diagnostic(`recording backlog (captured, not yet on disk) while loaded: ${backlogs.join(' ')}`)
  t.diagnostic(
    `heap after gc (MiB): idle ${idleHeap.toFixed(1)}, after warm-up ${warmHeap.toFixed(1)}, during load ${samples.map((s) => s.toFixed(1)).join(' ')}, settled ${settledHeap.toFixed(1)}; rss ${rss.toFixed(0)}`,
  )
  t.diagnostic(
    `buffers (MiB): after warm-up ${warmBuffers.toFixed(1)}, during load ${bufferSamples.map((s) => s.toFixed(1)).join(' ')}, settled ${settledBuffers.toFixed(1)}`,
  )

  assert.equal(tally.errors, 0, `socket errors: ${tally.errorSamples.join('; ')}`)
  assert.deepEqual(tally.statuses, { 200: completed }, 'every response is a 200')
  assert.equal(tally.socketsOpened, CONNECTIONS, 'the connections stayed alive')
  assert.ok(completed > CONNECTIONS * 10, `a real load ran (${completed} requests)`)

  assert.equal(window.duplicates, 0, 'no exchange was sent to the window twice')
  assert.equal(window.distinct, completed, 'the window saw every exchange')
  assert.equal(window.highestSeq, completed, 'and nothing else')
  assert.deepEqual(window.outcomes, { completed }, 'every exchange completed')
  assert.equal(host.hub.store.latestSeq, completed, 'the store took each exchange once')
  assert.equal(host.hub.store.size, Math.min(completed, MAX_EXCHANGES), 'the store holds up to its bound')

  assert.equal(recorded, completed, 'the session holds a record per exchange')
  assert.equal(recordedPaths, completed, 'each exchange recorded once')
  assert.equal(recordedOk, completed)

  for (const backlog of backlogs)
    assert.ok(
      backlog <= MAX_EXCHANGES,
      `the recording keeps up with the traffic (${backlog} exchanges waiting for the disk)`,
    )
  for (const heap of [...samples, settledHeap]) {
    assert.ok(
      heap <= warmHeap + HEAP_MARGIN_MIB,
      `heap ${heap.toFixed(1)} MiB stays within ${HEAP_MARGIN_MIB} MiB of its warm-up level ${warmHeap.toFixed(1)} MiB`,
    )
  }
  for (const buffers of [...bufferSamples, settledBuffers]) {
    assert.ok(
      buffers <= warmBuffers + HEAP_MARGIN_MIB,
      `buffers ${buffers.toFixed(1)} MiB stay within ${HEAP_MARGIN_MIB} MiB of their warm-up level ${warmBuffers.toFixed(1)} MiB`,
    )
  }
})
