/**
 * Nanoscope's proxy under test, run as its own process in reverse mode (`--target`), so autocannon talks to it
 * directly. argv: `<variant> <target>`, where the variant is
 *
 * - `plain`: the seed proxy app (`simpleProxy`), no capture;
 * - `capture`: the latency and sniff filters writing to a no-op Writable, and the capture filter recording into
 *   an in-memory CaptureHub (default settings) with nobody subscribed;
 * - `pipeline`: `plain` plus six pipeline blocks that match none of the bench's requests (the cost of matching);
 * - `recording`: the seed's recording proxy (`recordProxy`), appending every exchange to a session in a temp
 *   directory — compared with `plain`, the same proxy without recording.
 *
 * (The user's path, `serve` with a subscriber, runs the CLI itself: bench/serve-process.ts.)
 *
 * Tells its parent `{ port, pipeline }` once listening; answers `{ captured }` to `'captured?'` and its
 * `process.cpuUsage()` to `'cpu?'`.
 */
import { Writable } from 'node:stream'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { systemClock } from '../electron/core/clock.ts'
import { formatLatency, reportLatency } from '../electron/core/filters/report-latency.ts'
import { simpleProxy } from '../electron/apps/simple-proxy.ts'
import { sniffProxy } from '../electron/apps/sniff-proxy.ts'
import { mountApp } from '../electron/proxy/mount-app.ts'
import { tuneGarbageCollection } from '../electron/proxy/gc-tuning.ts'
import type { App, ProxyOptions } from '../electron/proxy/proxy-options.ts'
import { CaptureHub } from '../electron/capture/capture-hub.ts'
import { recordProxy } from '../electron/apps/record-proxy.ts'
import { createSession } from '../electron/recording/session-store.ts'
import { proxyApp } from '../electron/pipeline/builder.ts'
import type { BlockSpec } from '../electron/pipeline/block.ts'
import { answerAllocationQuestions } from './alloc-meter.ts'

export type ProxyVariant = 'plain' | 'capture' | 'recording' | 'pipeline'

/** Six blocks, one of each kind that acts on traffic, none of which matches the bench's requests (GET /…). */
export const UNMATCHED_BLOCKS = (dir: string): BlockSpec[] => [
  { use: 'mock', match: { path: '/never/mock' }, respond: { status: 200, body: 'x' } },
  { use: 'block', match: { host: 'blocked.invalid' } },
  { use: 'mapRemote', match: { path: '/never/**' }, to: 'http://127.0.0.1:9' },
  { use: 'mapLocal', match: { path: '/static/**' }, dir },
  { use: 'rewrite', match: { method: 'DELETE' }, request: { setHeaders: { 'X-Never': '1' } } },
  { use: 'throttle', match: { header: { 'x-slow': true } }, downBytesPerSecond: 1024 },
]

const [variant = 'plain', target = ''] = process.argv.slice(2) as [ProxyVariant?, string?]

/** Where the latency and sniff lines go: a real Writable that throws everything away. */
const nullSink = new Writable({
  write(_chunk, _encoding, callback) {
    callback()
  },
})

/** The `latency` app's reporting wrapped around the `sniff` app, with capture as the inner filter. */
function capturingApp(hub: CaptureHub): App {
  const o: ProxyOptions = {
    target,
    out: nullSink,
    clock: systemClock,
    inner: [hub.captureFilter('bench', systemClock)],
  }
  const sniff = sniffProxy(o)
  const report = reportLatency((r) => nullSink.write(formatLatency(r) + '\n'), systemClock)
  return { ...sniff, filters: [report, ...sniff.filters] }
}

async function main(): Promise<void> {
  tuneGarbageCollection() // as the CLI does
  let hub: CaptureHub | undefined
  let app: App
  if (variant === 'plain') {
    app = simpleProxy({ target, clock: systemClock })
  } else if (variant === 'pipeline') {
    const dir = mkdtempSync(join(tmpdir(), 'nanoscope-bench-local-'))
    temporary.push(dir)
    app = proxyApp(UNMATCHED_BLOCKS(dir), { target, clock: systemClock })
  } else if (variant === 'recording') {
    const dir = mkdtempSync(join(tmpdir(), 'nanoscope-bench-session-'))
    temporary.push(dir)
    const session = await createSession(dir, { name: 'bench' })
    app = recordProxy({ target, clock: systemClock, session })
  } else {
    hub = new CaptureHub()
    app = capturingApp(hub)
  }
  const mounted = await mountApp(app, { host: '127.0.0.1', port: 0 })
  process.on('message', (message) => {
    if (answerAllocationQuestions(message)) return
    if (message === 'captured?') process.send?.({ captured: hub?.store.latestSeq ?? 0 })
    else if (message === 'cpu?') process.send?.(process.cpuUsage())
  })
  process.send?.({ port: mounted.server.port, pipeline: mounted.pipeline })
}

/** Directories this run made (a recording session is large after a benchmark), removed on the way out. */
const temporary: string[] = []

process.on('disconnect', () => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true })
  process.exit(0)
})
main().catch((error: unknown) => {
  console.error(`nanoscope-proxy (${variant}) failed to start:`, error)
  process.exit(1)
})
