/**
 * `node --import tsx bench/capture-path-micro.ts [n]`: the CPU cost of the capture path in process, without
 * sockets. The pipelines of bench/nanoscope-proxy.ts (`plain`: simpleProxy's filters; `capture`: reportLatency,
 * the sniff printer and capture into a CaptureHub nobody subscribes to) run around a fake upstream handler that
 * answers 200 with a 1 KiB stream body (a fresh Readable per call); each response body is piped into a no-op
 * Writable, as the server does. Requests look like autocannon's and carry their connection's AbortSignal, as the
 * server adapter gives them. Prints µs of CPU and of wall time per exchange, GC pauses per exchange and GCs per
 * 1000 exchanges (a steadier sign of how much each variant allocates than time on a shared machine), and the
 * capture pipeline's extra cost over plain.
 *
 * Env: MICRO_ROUNDS (default 3; each variant's best round is reported), MICRO_CONCURRENCY exchanges in flight
 * (default 32, one signal each), MICRO_BREAKDOWN=1 to also run plain plus each feature alone (`latency`,
 * `sniff`, `record`), MICRO_ONLY=<variant> to run one (for `--cpu-prof`).
 */
import { Writable } from 'node:stream'
import { PerformanceObserver, constants } from 'node:perf_hooks'
import { systemClock } from '../electron/core/clock.ts'
import { pipeline, type Filter, type HttpHandler } from '../electron/core/http.ts'
import { emptyBody, type Request } from '../electron/core/message.ts'
import { pipeBody } from '../electron/core/wire/stream-plumbing.ts'
import { catchAll } from '../electron/core/filters/catch-all.ts'
import { reverseProxyTo } from '../electron/core/filters/reverse-proxy.ts'
import { removeHopByHop } from '../electron/core/filters/hop-by-hop.ts'
import { addVia } from '../electron/core/filters/via.ts'
import { printExchange } from '../electron/core/filters/print-exchange.ts'
import { formatLatency, reportLatency } from '../electron/core/filters/report-latency.ts'
import { CaptureHub } from '../electron/capture/capture-hub.ts'
import { oneKiBAnswer } from './fake-upstream.ts'

const n = Number(process.argv[2]) || 50_000
const concurrency = Number(process.env.MICRO_CONCURRENCY) || 32
const rounds = Number(process.env.MICRO_ROUNDS) || 3
const TARGET = 'http://127.0.0.1:9/'

/** Where the latency and sniff lines go, as in nanoscope-proxy.ts. */
const nullSink = new Writable({
  write(_chunk, _encoding, callback) {
    callback()
  },
})

/** The upstream: bench/upstream.ts's `/1k`, in process. */
const fakeUpstream: HttpHandler = async function fakeUpstream() {
  return oneKiBAnswer()
}

function plainFilters(): Filter[] {
  return [catchAll(), reverseProxyTo(TARGET), removeHopByHop(), addVia()]
}

/**
 * As nanoscope-proxy.ts's capturingApp: latency, then sniff's filters with printExchange after routing, capture
 * inner. `parts` leaves features out, for the per-feature breakdown.
 */
function captureFilters(hub: CaptureHub, parts = { latency: true, sniff: true, capture: true }): Filter[] {
  const report = reportLatency((r) => nullSink.write(formatLatency(r) + '\n'), systemClock)
  return [
    ...(parts.latency ? [report] : []),
    catchAll(),
    reverseProxyTo(TARGET),
    ...(parts.sniff ? [printExchange(nullSink)] : []),
    ...(parts.capture ? [hub.captureFilter('bench', systemClock)] : []),
    removeHopByHop(),
    addVia(),
  ]
}

/** A request as the server adapter gives it: its connection's AbortSignal (one per connection, as node-server.ts does). */
function incoming(i: number, signal: AbortSignal): Request {
  return Object.freeze({
    method: 'GET',
    target: `/1k?i=${i & 1023}`,
    version: '1.1',
    headers: Object.freeze([Object.freeze(['host', '127.0.0.1:8080'] as const)]),
    body: emptyBody,
    signal,
    peer: { address: '127.0.0.1', port: 50000 + (i & 1023) },
  })
}

/** A no-op Writable per exchange, as the server's ServerResponse is. */
class Drain extends Writable {
  override _write(_chunk: unknown, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    callback()
  }
}

function exchange(handler: HttpHandler, i: number, signal: AbortSignal): Promise<void> {
  return handler(incoming(i, signal)).then(
    (res) =>
      new Promise<void>((resolve, reject) => {
        if (res.body.kind === 'bytes') {
          resolve()
          return
        }
        const out = new Drain()
        out.once('finish', resolve)
        pipeBody(res.body.stream, out, reject)
      }),
  )
}

/** Garbage collections seen so far: how many minor (scavenges) and major, and their total pause. */
const gc = { minor: 0, major: 0, ms: 0 }
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = (entry as unknown as { detail?: { kind?: number } }).detail?.kind
    if (kind === constants.NODE_PERFORMANCE_GC_MINOR) gc.minor++
    else if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) gc.major++
    gc.ms += entry.duration
  }
}).observe({ entryTypes: ['gc'] })

interface Result {
  cpuUs: number
  wallUs: number
  gcUs: number
  minorPer1k: number
  majorPer1k: number
}

async function run(handler: HttpHandler, count: number): Promise<Result> {
  let next = 0
  // Each worker is a keep-alive connection: its requests share its signal.
  const worker = async (): Promise<void> => {
    const signal = new AbortController().signal
    while (next < count) await exchange(handler, next++, signal)
  }
  // GC entries arrive on a timer: let those of earlier work arrive before counting.
  await new Promise((resolve) => setTimeout(resolve, 20))
  const gcBefore = { ...gc }
  const cpu = process.cpuUsage()
  const start = performance.now()
  await Promise.all(Array.from({ length: concurrency }, worker))
  const wall = performance.now() - start
  const used = process.cpuUsage(cpu)
  // Let the last writes and deliveries settle, and this run's GC entries arrive.
  await new Promise((resolve) => setTimeout(resolve, 20))
  return {
    cpuUs: (used.user + used.system) / count,
    wallUs: (wall * 1000) / count,
    gcUs: ((gc.ms - gcBefore.ms) * 1000) / count,
    minorPer1k: ((gc.minor - gcBefore.minor) * 1000) / count,
    majorPer1k: ((gc.major - gcBefore.major) * 1000) / count,
  }
}

async function main(): Promise<void> {
  const hub = new CaptureHub()
  const none = { latency: false, sniff: false, capture: false }
  const breakdown = process.env.MICRO_BREAKDOWN === '1'
  const only = process.env.MICRO_ONLY
  const variants: Array<[string, HttpHandler]> = (
    [
      ['plain', pipeline(plainFilters(), fakeUpstream)],
      ['capture', pipeline(captureFilters(hub), fakeUpstream)],
      ['latency', pipeline(captureFilters(hub, { ...none, latency: true }), fakeUpstream)],
      ['sniff', pipeline(captureFilters(hub, { ...none, sniff: true }), fakeUpstream)],
      ['record', pipeline(captureFilters(hub, { ...none, capture: true }), fakeUpstream)],
    ] as Array<[string, HttpHandler]>
  ).filter(([name], i) => (only ? only === name : i < 2 || breakdown))
  for (const [, handler] of variants) await run(handler, Math.min(n, 20_000))
  const best = new Map<string, Result>()
  for (let r = 0; r < rounds; r++) {
    for (const [name, handler] of variants) {
      const m = await run(handler, n)
      const was = best.get(name)
      if (!was || m.cpuUs < was.cpuUs) best.set(name, m)
      process.stdout.write(
        `round ${r + 1} ${name.padEnd(8)} ${m.cpuUs.toFixed(1).padStart(6)} µs CPU  ${m.wallUs.toFixed(1).padStart(6)} µs wall  ` +
          `${m.gcUs.toFixed(1).padStart(5)} µs in GC per exchange; per 1000 exchanges ${m.minorPer1k.toFixed(2)} scavenges, ${m.majorPer1k.toFixed(2)} major GCs\n`,
      )
    }
  }
  const plain = best.get('plain')
  const capture = best.get('capture')
  if (!plain || !capture) {
    hub.close()
    return
  }
  process.stdout.write(
    `best of ${rounds}, ${n} exchanges, ${concurrency} in flight:\n` +
      `  plain    ${plain.cpuUs.toFixed(1)} µs CPU, ${plain.wallUs.toFixed(1)} µs wall\n` +
      `  capture  ${capture.cpuUs.toFixed(1)} µs CPU, ${capture.wallUs.toFixed(1)} µs wall\n` +
      `  extra    ${(capture.cpuUs - plain.cpuUs).toFixed(1)} µs CPU, ${(capture.wallUs - plain.wallUs).toFixed(1)} µs wall per exchange ` +
      `(captured ${hub.store.latestSeq}, stored ${hub.store.size})\n`,
  )
  hub.close()
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
