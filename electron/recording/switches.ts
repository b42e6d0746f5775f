/**
 * Filters the host installs once per listener (in its `inner` filters) and switches on and off at run time:
 * recording into a session, and answering from a recording instead of the server.
 */
import { describe, type Filter, type HttpHandler } from '../core/http.ts'
import type { Clock } from '../core/clock.ts'
import { recordTo } from './record-to.ts'
import { createSession, newSessionDir, type SessionInfo, type SessionWriter } from './session-store.ts'
import { streamSessionAt } from './session-location.ts'
import { standIn, type StandInOptions } from './stand-in.ts'
import type { RecordedExchange } from './recorded-exchange.ts'
import type { TornTail } from './record-log.ts'

export interface RecordingSwitch extends Filter {
  /** Starts recording into `dir` (default: a new session under the sessions root). Stops any earlier one. */
  start(options?: {
    dir?: string
    name?: string
    source?: string
    root?: string
  }): Promise<{ dir: string; torn?: TornTail }>
  /** Stops recording; resolves with the closed session, or undefined when nothing was recording. */
  stop(): Promise<SessionInfo | undefined>
  /** The session being recorded, if any. */
  readonly active:
    | { readonly dir: string; readonly count: number; readonly failures: number; readonly lastError?: string }
    | undefined
}

export function recordingSwitch(options: { clock?: Clock; onSkip?: (reason: string) => void } = {}): RecordingSwitch {
  let current: { writer: SessionWriter; filter: Filter } | undefined
  const filter = describe('records exchanges into a session while recording is on', (next: HttpHandler) => {
    const wrapped = new WeakMap<Filter, HttpHandler>()
    // Not an async function: while recording is off a request goes on with no promise of its own (no extra hop).
    return function recordWhenOn(req) {
      const c = current
      if (!c) return next(req)
      let h = wrapped.get(c.filter)
      if (!h) {
        h = c.filter(next)
        wrapped.set(c.filter, h)
      }
      return h(req)
    }
  })
  const stop = async (): Promise<SessionInfo | undefined> => {
    const c = current
    current = undefined
    return c?.writer.close()
  }
  return withGetter(
    Object.assign(filter, {
      async start(o: { dir?: string; name?: string; source?: string; root?: string } = {}) {
        await stop()
        const dir = o.dir ?? newSessionDir(o.name, (options.clock ?? { now: Date.now }).now(), o.root)
        const writer = await createSession(dir, {
          ...(o.name ? { name: o.name } : {}),
          ...(o.source ? { source: o.source } : {}),
          ...(options.clock ? { clock: options.clock } : {}),
        })
        current = {
          writer,
          filter: recordTo(writer, {
            ...(options.clock ? { clock: options.clock } : {}),
            ...(options.onSkip ? { onSkip: options.onSkip } : {}),
          }),
        }
        return { dir, ...(writer.torn ? { torn: writer.torn } : {}) }
      },
      stop,
    }),
    'active',
    () => {
      const c = current
      return c
        ? {
            dir: c.writer.dir,
            count: c.writer.count,
            failures: c.writer.failures,
            ...(c.writer.lastError ? { lastError: c.writer.lastError } : {}),
          }
        : undefined
    },
  ) as RecordingSwitch
}

/** Adds a live getter (`Object.assign` would copy a getter's value once instead). */
function withGetter<O extends object>(o: O, name: string, get: () => unknown): O {
  return Object.defineProperty(o, name, { get, enumerable: true })
}

export interface StandInSwitch extends Filter {
  /**
   * Answers from the session in `dir` (a directory or an `s3://` location) from now on, while an S3 one is still
   * arriving; resolves with how many exchanges it holds once all are in, or rejects (and is off) if reading failed.
   */
  use(dir: string, options?: StandInOptions): Promise<{ count: number; torn?: TornTail }>
  /** Answers from these exchanges from now on. */
  useRecords(records: readonly RecordedExchange[], options?: StandInOptions): void
  /** Back to sending requests to the server. */
  off(): void
  readonly active: { readonly dir?: string; readonly count: number } | undefined
}

/** While on, requests are answered from the recording and never reach `next` (a miss is a 404, not a forward). */
export function standInSwitch(): StandInSwitch {
  let current: { dir?: string; count: number; handler: HttpHandler } | undefined
  const filter = describe('answers from a recording while the stand-in is on', (next: HttpHandler) =>
    // Not an async function: while the stand-in is off a request goes on with no promise of its own (no extra hop).
    function standInWhenOn(req) {
      const c = current
      return c ? c.handler(req) : next(req)
    })
  return withGetter(
    Object.assign(filter, {
      async use(dir: string, options: StandInOptions = {}) {
        const session = await streamSessionAt(dir)
        const handler = standIn(session.records, options)
        // On at once: it answers while an S3 session is still arriving (stand-in.ts says how exactly).
        const mine: typeof current = { dir, count: 0, handler }
        current = mine
        try {
          mine.count = await handler.loaded
        } catch (error) {
          if (current === mine) current = undefined
          throw error
        }
        const torn = session.records.torn
        return { count: mine.count, ...(torn ? { torn } : {}) }
      },
      useRecords(records: readonly RecordedExchange[], options: StandInOptions = {}) {
        current = { count: records.length, handler: standIn(records, options) }
      },
      off() {
        current = undefined
      },
    }),
    'active',
    () => {
      const c = current
      return c ? { ...(c.dir ? { dir: c.dir } : {}), count: c.count } : undefined
    },
  ) as StandInSwitch
}
