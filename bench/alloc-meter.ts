/**
 * Bytes allocated on the V8 heap between `start()` and `stop()`: what each collection found in use before it, less
 * what the previous one left (v8.GCProfiler), plus what is in use at the end. Unlike CPU time it does not move with
 * the neighbours' load, so it can tell a small change in a proxy's hot path on a busy machine. Bench children answer
 * `'alloc-start'` and `'alloc-stop'` (the bytes) with it.
 */
import v8 from 'node:v8'

export function allocationMeter(): { start(): number; stop(): number } {
  let profiler: v8.GCProfiler | undefined
  let startUsed = 0
  return {
    start(): number {
      profiler = new v8.GCProfiler()
      startUsed = v8.getHeapStatistics().used_heap_size
      profiler.start()
      return 0
    },
    stop(): number {
      const result = profiler?.stop()
      profiler = undefined
      const endUsed = v8.getHeapStatistics().used_heap_size
      let total = 0
      let last = startUsed
      for (const gc of result?.statistics ?? []) {
        total += Math.max(0, gc.beforeGC.heapStatistics.usedHeapSize - last)
        last = gc.afterGC.heapStatistics.usedHeapSize
      }
      return total + Math.max(0, endUsed - last)
    },
  }
}

/** Answers `'alloc-start'` and `'alloc-stop'` from the parent; true when the message was one of them. */
export function answerAllocationQuestions(message: unknown, meter = defaultMeter): boolean {
  if (message === 'alloc-start') process.send?.(meter.start())
  else if (message === 'alloc-stop') process.send?.(meter.stop())
  else return false
  return true
}

const defaultMeter = allocationMeter()
