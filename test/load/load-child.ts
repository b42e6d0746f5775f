/**
 * The load generator, in its own process: `connections` keep-alive connections to a forward proxy, each sending
 * GETs in absolute-form to `target` one after another until `durationMs` has passed. A connection never
 * abandons a request at the deadline: it finishes the one in flight and then stops, so "completed" is exact
 * (autocannon destroys its sockets at the end, leaving up to one request per connection half done).
 *
 * Started with one JSON argument (LoadPlan); reports LoadTally over IPC every `reportEveryMs` and once more,
 * with `done: true`, at the end. The message 'finish' ends the run before `durationMs`.
 */
import http from 'node:http'

export interface LoadPlan {
  readonly proxyPort: number
  /** Absolute URL prefix of the upstream, e.g. http://127.0.0.1:4000 */
  readonly target: string
  readonly connections: number
  readonly durationMs: number
  /** No response (head and body) within this long counts as an error and the connection moves on. */
  readonly requestTimeoutMs: number
  readonly reportEveryMs: number
}

export interface LoadTally {
  readonly done: boolean
  /** Responses read to their end, whatever their status. */
  readonly completed: number
  readonly elapsedMs: number
  /** Completed responses by status code. */
  readonly statuses: Record<string, number>
  /** Proxy-made responses (X-Nanoscope-Generated) by cause. */
  readonly generated: Record<string, number>
  /** Requests that failed at the socket (no complete response), and the first few messages. */
  readonly errors: number
  readonly errorSamples: string[]
  /** Sockets the proxy opened for us (1 per connection when keep-alive holds). */
  readonly socketsOpened: number
}

const plan = JSON.parse(process.argv[2] ?? '{}') as LoadPlan
const agent = new http.Agent({ keepAlive: true, maxSockets: plan.connections, maxFreeSockets: plan.connections })
const started = performance.now()
let deadline = started + plan.durationMs
// 'finish' from the parent ends the run early, the same way the deadline does.
process.on('message', (m) => {
  if (m === 'finish') deadline = 0
})
const statuses: Record<string, number> = {}
const generated: Record<string, number> = {}
const errorSamples: string[] = []
let completed = 0
let errors = 0
let socketsOpened = 0

function tally(done: boolean): LoadTally {
  return {
    done,
    completed,
    elapsedMs: Math.round(performance.now() - started),
    statuses,
    generated,
    errors,
    errorSamples,
    socketsOpened,
  }
}

function once(worker: number, n: number): Promise<void> {
  return new Promise((resolve) => {
    let settled = false
    const fail = (error: Error) => {
      if (settled) return
      settled = true
      errors++
      if (errorSamples.length < 10)
        errorSamples.push(`${(error as NodeJS.ErrnoException).code ?? ''} ${error.message}`.trim())
      resolve()
    }
    const req = http.request(
      {
        host: '127.0.0.1',
        port: plan.proxyPort,
        agent,
        method: 'GET',
        path: `${plan.target}/load/${worker}/${n}`,
        headers: { Host: new URL(plan.target).host },
      },
      (res) => {
        res.on('data', () => {})
        res.on('error', fail)
        res.on('aborted', () => fail(new Error('response aborted')))
        res.on('end', () => {
          if (settled) return
          settled = true
          completed++
          const status = String(res.statusCode)
          statuses[status] = (statuses[status] ?? 0) + 1
          const cause = res.headers['x-nanoscope-generated']
          if (typeof cause === 'string') generated[cause] = (generated[cause] ?? 0) + 1
          resolve()
        })
      },
    )
    req.setTimeout(plan.requestTimeoutMs, () => {
      req.destroy(new Error(`no response within ${plan.requestTimeoutMs} ms`))
    })
    req.on('socket', (socket) => {
      if (!(socket as { counted?: boolean }).counted) {
        ;(socket as { counted?: boolean }).counted = true
        socketsOpened++
      }
    })
    req.on('error', fail)
    req.end()
  })
}

async function worker(id: number): Promise<void> {
  for (let n = 0; performance.now() < deadline; n++) await once(id, n)
}

const reporter = setInterval(() => process.send?.(tally(false)), plan.reportEveryMs)
await Promise.all(Array.from({ length: plan.connections }, (_, i) => worker(i)))
clearInterval(reporter)
agent.destroy()
process.send?.(tally(true), () => process.disconnect())
