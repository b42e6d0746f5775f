/**
 * Loaded into the `nanoscope serve` process by bench/serve-process.ts (`--import`), which spawns it with an IPC
 * channel: answers the bench's `'alloc-start'` and `'alloc-stop'` (bytes allocated on the V8 heap, `alloc-meter.ts`)
 * and `'cpu?'`, as the bench's own children do, and `'sampling-start'` / `'sampling-stop:FILE'`: V8's sampling heap
 * profiler over everything allocated in between, collected or not (a `.heapprofile` written to FILE, for
 * `bench/heap-summary.ts`), and `'pauses-start'` / `'pauses-stop'`: the event loop's delay (p50, p99, max, ms) and
 * the garbage collections in between (count, total and longest pause per kind, ms). Without an IPC channel it does
 * nothing.
 */
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector'
import { constants, monitorEventLoopDelay, PerformanceObserver, type IntervalHistogram } from 'node:perf_hooks'
import { answerAllocationQuestions } from './alloc-meter.ts'

let session: Session | undefined

function post(method: string, params: object = {}): Promise<unknown> {
  return new Promise((resolve, reject) =>
    session!.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
  )
}

async function sampling(message: string): Promise<string> {
  if (message === 'sampling-start') {
    session = new Session()
    session.connect()
    await post('HeapProfiler.startSampling', {
      samplingInterval: 1024,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    })
    return 'started'
  }
  const { profile } = (await post('HeapProfiler.stopSampling')) as { profile: unknown }
  session?.disconnect()
  session = undefined
  const file = message.slice('sampling-stop:'.length)
  writeFileSync(file, JSON.stringify(profile))
  return file
}

const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'mark-compact',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
}
let loop: IntervalHistogram | undefined
let gcObserver: PerformanceObserver | undefined
let gcs: Record<string, { count: number; totalMs: number; maxMs: number }> = {}

function pauses(message: string): unknown {
  if (message === 'pauses-start') {
    gcs = {}
    loop = monitorEventLoopDelay({ resolution: 1 })
    loop.enable()
    gcObserver = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        const kind =
          GC_KINDS[((entry as { detail?: unknown }).detail as { kind?: number } | undefined)?.kind ?? -1] ?? 'other'
        const g = (gcs[kind] ??= { count: 0, totalMs: 0, maxMs: 0 })
        g.count++
        g.totalMs += entry.duration
        g.maxMs = Math.max(g.maxMs, entry.duration)
      }
    })
    gcObserver.observe({ entryTypes: ['gc'] })
    return 'started'
  }
  loop?.disable()
  gcObserver?.disconnect()
  const ms = (ns: number): number => Math.round(ns / 1e4) / 100
  const answer = {
    loopDelayMs: loop
      ? { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max), mean: ms(loop.mean) }
      : undefined,
    gc: Object.fromEntries(
      Object.entries(gcs).map(([k, g]) => [
        k,
        { count: g.count, totalMs: Math.round(g.totalMs), maxMs: Math.round(g.maxMs * 10) / 10 },
      ]),
    ),
  }
  loop = undefined
  return answer
}

if (process.send) {
  process.on('message', (message) => {
    if (answerAllocationQuestions(message)) return
    if (message === 'cpu?') process.send?.(process.cpuUsage())
    else if (message === 'pauses-start' || message === 'pauses-stop') process.send?.(pauses(message))
    else if (typeof message === 'string' && message.startsWith('sampling-'))
      void sampling(message).then((answer) => process.send?.(answer))
  })
  // The IPC channel must not keep serve alive.
  process.channel?.unref()
}
