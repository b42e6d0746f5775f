/**
 * What the load and fault tests share: the upstream and the load generator as child processes, a lean live
 * subscriber on the `serve` WebSocket, and a forced garbage collection for memory readings.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import v8 from 'node:v8'
import vm from 'node:vm'
import WebSocket from 'ws'
import type { ArgsOf, CommandName, ResultOf, WireMessage } from '../../shared/contract.ts'
import type { ExchangeSummary, RecordingInfo } from '../../shared/exchange.ts'
import { eventFromWire } from '../../shared/wire-events.ts'
import type { LoadPlan, LoadTally } from './load-child.ts'

export type { LoadPlan, LoadTally }

const UPSTREAM_CHILD = fileURLToPath(new URL('./upstream-child.ts', import.meta.url))
const LOAD_CHILD = fileURLToPath(new URL('./load-child.ts', import.meta.url))

function tsChild(file: string, args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', file, ...args], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
}

/** Resolves when the child exits, or kills it (SIGKILL) after `timeoutMs`. */
export function exited(child: ChildProcess, timeoutMs = 10_000): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode)
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.once('exit', (code) => {
      clearTimeout(timer)
      resolve(code)
    })
  })
}

export interface UpstreamProcess {
  readonly port: number
  readonly url: string
  readonly child: ChildProcess
  /** Kills it the way a crash does (SIGKILL), and waits until it is gone. */
  kill(): Promise<void>
}

/** Starts the upstream in a child process on `port` (0: a free one). */
export async function startUpstreamProcess(port = 0, timeoutMs = 15_000): Promise<UpstreamProcess> {
  const child = tsChild(UPSTREAM_CHILD, [String(port)])
  const listening = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`the upstream did not start within ${timeoutMs} ms`))
    }, timeoutMs)
    child.once('message', (m) => {
      clearTimeout(timer)
      resolve((m as { port: number }).port)
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`the upstream exited (${code}) before listening`))
    })
  })
  return {
    port: listening,
    url: `http://127.0.0.1:${listening}`,
    child,
    kill: async () => {
      child.kill('SIGKILL')
      await exited(child)
    },
  }
}

export interface LoadRun {
  /** The latest tally the generator sent. */
  latest(): LoadTally | undefined
  /** The final tally; rejects if the generator dies or overruns its plan by `graceMs`. */
  readonly finished: Promise<LoadTally>
  /** Ends the run now: each connection finishes its request in flight, then the final tally comes. */
  finish(): Promise<LoadTally>
  /** Waits until the generator has reported a tally for which `predicate` holds. */
  until(predicate: (tally: LoadTally) => boolean, timeoutMs: number, what: string): Promise<LoadTally>
  stop(): Promise<void>
}

/** Runs the load generator in a child process. */
export function startLoad(
  plan: Omit<LoadPlan, 'reportEveryMs'> & { reportEveryMs?: number },
  graceMs = 20_000,
): LoadRun {
  const full: LoadPlan = { reportEveryMs: 250, ...plan }
  const child = tsChild(LOAD_CHILD, [JSON.stringify(full)])
  let latest: LoadTally | undefined
  const watchers = new Set<() => void>()
  const finished = new Promise<LoadTally>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`the load generator overran ${full.durationMs} ms by ${graceMs} ms`))
    }, full.durationMs + graceMs)
    child.on('message', (m) => {
      latest = m as LoadTally
      for (const w of watchers) w()
      if (latest.done) {
        clearTimeout(timer)
        resolve(latest)
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      if (!latest?.done) reject(new Error(`the load generator exited (${code}) before reporting`))
    })
  })
  finished.catch(() => {})
  return {
    latest: () => latest,
    finished,
    finish: () => {
      if (child.connected) child.send('finish')
      return finished
    },
    until: (predicate, timeoutMs, what) =>
      new Promise<LoadTally>((resolve, reject) => {
        const check = () => {
          if (latest && predicate(latest)) {
            cleanup()
            resolve(latest)
          } else if (latest?.done) {
            cleanup()
            reject(new Error(`${what}: the load ended first`))
          }
        }
        const timer = setTimeout(() => {
          cleanup()
          reject(new Error(`${what}: not within ${timeoutMs} ms`))
        }, timeoutMs)
        const cleanup = () => {
          clearTimeout(timer)
          watchers.delete(check)
        }
        watchers.add(check)
        check()
      }),
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGKILL')
      await exited(child)
    },
  }
}

/**
 * A window's view of the live stream, kept lean so that 100k+ exchanges cost a few bytes each: it keeps a
 * bitmap of the seqs it was sent (so a duplicate is noticed), counts by outcome, and the `recording` events.
 */
export interface LiveSubscriber {
  invoke<K extends CommandName>(name: K, args: ArgsOf<K>, timeoutMs?: number): Promise<ResultOf<K>>
  /** Exchanges received live (duplicates included). */
  readonly received: number
  /** Seqs received more than once. */
  readonly duplicates: number
  /** Distinct seqs received. */
  readonly distinct: number
  /** Highest seq received. */
  readonly highestSeq: number
  /** Received exchanges by outcome kind (`failed:<cause>` for failures) and by status. */
  readonly outcomes: Record<string, number>
  readonly statuses: Record<string, number>
  readonly recordingEvents: RecordingInfo[]
  /** Resolves once `predicate` holds, or rejects after `timeoutMs`. */
  waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void>
  close(): void
}

export async function connectLiveSubscriber(url: string, timeoutMs = 10_000): Promise<LiveSubscriber> {
  const ws = new WebSocket(url)
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no WebSocket connection within ${timeoutMs} ms`)), timeoutMs)
    ws.once('open', () => {
      clearTimeout(timer)
      resolve()
    })
    ws.once('error', (e) => {
      clearTimeout(timer)
      reject(e)
    })
  })
  let seen = new Uint8Array(1 << 16)
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>()
  const waiters = new Set<() => void>()
  let nextId = 1
  const state = { received: 0, duplicates: 0, distinct: 0, highestSeq: 0 }
  const outcomes: Record<string, number> = {}
  const statuses: Record<string, number> = {}
  const recordingEvents: RecordingInfo[] = []
  const take = (e: ExchangeSummary) => {
    // An exchange also arrives as pending when a batch goes out while it is in flight: counted once, when it ends.
    if (e.outcome.kind === 'pending' && e.status === undefined) return
    state.received++
    if (e.seq >= seen.length) {
      const grown = new Uint8Array(Math.max(seen.length * 2, e.seq + 1))
      grown.set(seen)
      seen = grown
    }
    if (seen[e.seq]) state.duplicates++
    else {
      seen[e.seq] = 1
      state.distinct++
    }
    if (e.seq > state.highestSeq) state.highestSeq = e.seq
    const kind = e.outcome.kind === 'failed' ? `failed:${e.outcome.cause}` : e.outcome.kind
    outcomes[kind] = (outcomes[kind] ?? 0) + 1
    const status = String(e.status ?? 'none')
    statuses[status] = (statuses[status] ?? 0) + 1
  }
  ws.on('message', (data) => {
    const message = JSON.parse(String(data)) as WireMessage
    if (message.type === 'result') {
      const p = pending.get(message.id)
      pending.delete(message.id)
      if (message.ok) p?.resolve(message.value)
      else p?.reject(new Error(message.error))
      return
    }
    if (message.type !== 'event') return
    if (message.name === 'exchanges')
      for (const e of (eventFromWire(message.name, message.payload) as { exchanges: ExchangeSummary[] }).exchanges)
        take(e)
    if (message.name === 'recording') recordingEvents.push(message.payload as RecordingInfo)
    for (const w of waiters) w()
  })
  return {
    invoke: (name, args, ms = 15_000) =>
      new Promise((resolve, reject) => {
        const id = nextId++
        const timer = setTimeout(() => {
          pending.delete(id)
          reject(new Error(`${name}: no answer within ${ms} ms`))
        }, ms)
        pending.set(id, {
          resolve: (v) => {
            clearTimeout(timer)
            resolve(v as never)
          },
          reject: (e) => {
            clearTimeout(timer)
            reject(e)
          },
        })
        ws.send(JSON.stringify({ type: 'command', id, name, args }))
      }),
    get received() {
      return state.received
    },
    get duplicates() {
      return state.duplicates
    },
    get distinct() {
      return state.distinct
    },
    get highestSeq() {
      return state.highestSeq
    },
    outcomes,
    statuses,
    recordingEvents,
    waitFor: (predicate, ms, what) =>
      new Promise<void>((resolve, reject) => {
        if (predicate()) return resolve()
        const check = () => {
          if (predicate()) {
            cleanup()
            resolve()
          }
        }
        const poll = setInterval(check, 50)
        const timer = setTimeout(() => {
          cleanup()
          reject(new Error(`${what}: not within ${ms} ms`))
        }, ms)
        const cleanup = () => {
          clearTimeout(timer)
          clearInterval(poll)
          waiters.delete(check)
        }
        waiters.add(check)
      }),
    close: () => ws.terminate(),
  }
}

let gcFunction: (() => void) | undefined

/** A full garbage collection (the runner starts node without --expose-gc, so the flag is set at run time). */
export function forceGc(): void {
  if (!gcFunction) {
    v8.setFlagsFromString('--expose-gc')
    gcFunction = vm.runInNewContext('gc') as () => void
  }
  gcFunction()
  gcFunction()
}

/** Heap in use after a full collection, in MiB. */
export function heapAfterGc(): number {
  forceGc()
  return process.memoryUsage().heapUsed / 1024 / 1024
}

/** Buffer memory (outside the heap: bodies, sockets) in MiB, as of the last collection. */
export function buffersMiB(): number {
  return process.memoryUsage().arrayBuffers / 1024 / 1024
}

/**
 * Cleanup that runs in reverse order of registration (the last thing started stops first), after the test.
 * Each step is bounded by the step itself; one failing step does not skip the others.
 */
export function cleanupStack(t: { after(fn: () => unknown): void }): (step: () => unknown) => void {
  const steps: Array<() => unknown> = []
  t.after(async () => {
    for (const step of steps.reverse())
      await Promise.resolve()
        .then(step)
        .catch(() => {})
  })
  return (step) => {
    steps.push(step)
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Adds `b` into `a` (count maps). */
export function sum(counts: Record<string, number>): number {
  return Object.values(counts).reduce((x, y) => x + y, 0)
}
