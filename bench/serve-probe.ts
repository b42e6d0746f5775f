/**
 * Loaded into the `nanoscope serve` process by bench/serve-process.ts (`--import`), which spawns it with an IPC
 * channel: answers the bench's `'alloc-start'` and `'alloc-stop'` (bytes allocated on the V8 heap, `alloc-meter.ts`)
 * and `'cpu?'`, as the bench's own children do, and `'sampling-start'` / `'sampling-stop:FILE'`: V8's sampling heap
 * profiler over everything allocated in between, collected or not (a `.heapprofile` written to FILE, for
 * `bench/heap-summary.ts`). Without an IPC channel it does nothing.
 */
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector'
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

if (process.send) {
  process.on('message', (message) => {
    if (answerAllocationQuestions(message)) return
    if (message === 'cpu?') process.send?.(process.cpuUsage())
    else if (typeof message === 'string' && message.startsWith('sampling-'))
      void sampling(message).then((answer) => process.send?.(answer))
  })
  // The IPC channel must not keep serve alive.
  process.channel?.unref()
}
