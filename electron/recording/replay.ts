/**
 * Replay against a server: sends a recording's requests again, in recorded order, keeping the recorded gaps
 * divided by the speed (Infinity: back to back), at most `concurrency` at a time, then compares each answer
 * with the recording. Always bounded: by `limit` (count) and `timeoutMs` (the whole run); whatever the
 * deadline cuts off is reported as not sent or failed, never waited for.
 */
import { setMaxListeners } from 'node:events'
import { Readable } from 'node:stream'
import type { ReplayResultData as ReplayResult, ReplayReportData as ReplayReport } from '../../shared/exchange.ts'
import { pipeline, type HttpHandler } from '../core/http.ts'
import {
  bodyBytes,
  bytesBody,
  header,
  replacedHeaders,
  streamBody,
  type Headers,
  type Request,
  type Response,
} from '../core/message.ts'
import { systemClock, type Clock } from '../core/clock.ts'
import { catchAll } from '../core/filters/catch-all.ts'
import { removeHopByHop } from '../core/filters/hop-by-hop.ts'
import { nodeClient, type ClientOptions } from '../core/client/node-client.ts'
import { tagResponses } from './tag-responses.ts'
import type { RecordedExchange } from './recorded-exchange.ts'
import { compareBodies, compareHeaders, latencyStats, VOLATILE_HEADERS } from './replay-compare.ts'
import { splitUrl } from './match.ts'

export interface ReplayOptions {
  /** Send every request under this base URL instead of its recorded one (path and query kept). */
  readonly target?: string
  /** 1 keeps the recorded gaps, 2 halves them, Infinity sends as fast as possible. Default 1. */
  readonly speed?: number
  /** Requests in flight at once. Default 1, which also keeps the server's arrival order. */
  readonly concurrency?: number
  /** Send at most this many (the first ones). */
  readonly limit?: number
  /** The whole run's deadline in milliseconds. Default 300000. */
  readonly timeoutMs?: number
  /** Each request's response-head timeout. Default the smaller of 30000 and `timeoutMs`. */
  readonly requestTimeoutMs?: number
  /** Skip verifying https servers' certificates (`--insecure-upstream`). Default false. */
  readonly insecureUpstream?: boolean
  /** Extra PEM certificate authorities trusted for https servers (`--upstream-ca FILE`). */
  readonly upstreamCa?: readonly string[]
  /** What sends the requests. Default: `replayClient` (Node client, responses tagged 'replayed'). */
  readonly send?: HttpHandler
  readonly clock?: Clock
  readonly onProgress?: (progress: ReplayProgress) => void
  /** Stops the run early: unsent requests are reported as not sent. */
  readonly signal?: AbortSignal
  /** With a stream of records, how many it is expected to hold (a session's manifest count), for progress. */
  readonly expectedTotal?: number
}

export interface ReplayProgress {
  readonly done: number
  readonly total: number
  readonly result: ReplayResult
}

/** The report's shapes are the ones the Sessions pane receives (shared/exchange.ts). */
export type {
  ReplayOutcome,
  ReplayResultData as ReplayResult,
  ReplayReportData as ReplayReport,
} from '../../shared/exchange.ts'

export const DEFAULT_REPLAY_TIMEOUT_MS = 300_000

/** What replays send through unless told otherwise: the Node client, hop-by-hop headers removed, each answer tagged 'replayed', a throw a 500. */
export function replayClient(options: ClientOptions = {}): { readonly send: HttpHandler; close(): void } {
  const client = nodeClient(options)
  return { send: pipeline([catchAll(), tagResponses('replayed'), removeHopByHop()], client), close: client.close }
}

/**
 * Replays `records`: a list, or a stream (a session read as it downloads, session-location.ts's
 * `streamSessionAt`), taken one at a time as each is due, so a stream is never read ahead of the sending
 * by more than one record. With a stream, progress's `total` is `expectedTotal` (or the count so far, if more).
 */
export async function replay(
  records: readonly RecordedExchange[] | AsyncIterable<RecordedExchange>,
  options: ReplayOptions = {},
): Promise<ReplayReport> {
  const clock = options.clock ?? systemClock
  const speed = options.speed ?? 1
  if (!(speed > 0)) throw new Error(`replay speed must be above 0 (Infinity for as fast as possible), got ${speed}`)
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 1))
  const timeoutMs = options.timeoutMs ?? DEFAULT_REPLAY_TIMEOUT_MS
  const limit = options.limit ?? Infinity
  const source: AsyncIterable<RecordedExchange> = Array.isArray(records)
    ? fromList((records as readonly RecordedExchange[]).slice(0, limit))
    : (records as AsyncIterable<RecordedExchange>)
  const expected = Array.isArray(records)
    ? Math.min(limit, records.length)
    : Math.min(limit, options.expectedTotal ?? 0)
  const client = options.send
    ? undefined
    : replayClient({
        timeoutMs: Math.min(options.requestTimeoutMs ?? 30_000, timeoutMs),
        ...(options.insecureUpstream ? { rejectUnauthorized: false } : {}),
        ...(options.upstreamCa?.length ? { ca: [...options.upstreamCa] } : {}),
      })
  const send = options.send ?? client!.send
  const rebase = options.target ? rebaser(options.target) : undefined

  const stop = new AbortController()
  // Every request in flight listens to the one stop signal: `concurrency` listeners is expected, not a leak.
  setMaxListeners(concurrency + 8, stop.signal)
  const deadline = setTimeout(() => stop.abort(new Error(`the replay deadline of ${timeoutMs} ms passed`)), timeoutMs)
  const outer = options.signal
  const onOuter = () => stop.abort(new Error('the replay was stopped'))
  // Stryker disable next-line ObjectLiteral,BooleanLiteral: a signal aborts once, so its listener runs once with or without `once`
  outer?.addEventListener('abort', onOuter, { once: true })
  if (outer?.aborted) onOuter()

  const results: ReplayResult[] = []
  let done = 0
  let seen = 0
  const finish = (result: ReplayResult) => {
    results[result.index] = result
    done++
    options.onProgress?.({ done, total: Math.max(expected, seen), result })
  }
  const start = clock.monotonic()
  let first: number | undefined
  // In flight, bounded by `concurrency`: a finished request (or the stop) wakes the loop waiting for a slot.
  // (Racing every in-flight promise per request would cost O(concurrency) reactions each time.)
  let active = 0
  let progressError: unknown
  let wake: (() => void) | undefined
  const slotFreed = () => {
    const w = wake
    wake = undefined
    w?.()
  }
  const settled = (result: ReplayResult) => {
    try {
      finish(result)
    } catch (error) {
      progressError ??= error
    }
    active--
    slotFreed()
  }
  const slot = () =>
    new Promise<void>((resolve) => {
      wake = resolve
    })
  // Stryker disable next-line ObjectLiteral,BooleanLiteral: a signal aborts once, so its listener runs once with or without `once`
  stop.signal.addEventListener('abort', slotFreed, { once: true })
  try {
    for await (const x of source) {
      const i = seen++
      if (i >= limit) {
        seen--
        break
      }
      // Whatever a stopped run has not sent is reported as not sent, so it is still read to the end (or limit).
      // Stryker disable next-line ConditionalExpression: its `false` mutant is equivalent (the check after the wait for a slot reports the record as not sent all the same: the wait and the pause end at once on a stopped run); `true` is caught by replay-report.test.ts and goes with it
      if (stop.signal.aborted) {
        finish(notSent(i, x, rebase, reasonOf(stop.signal)))
        continue
      }
      first ??= x.startedAt
      const url = rebase ? rebase(x.request.url) : x.request.url
      while (active >= concurrency && !stop.signal.aborted) await slot()
      // Stryker disable next-line ConditionalExpression: its `true` mutant is equivalent (a gap divided by an infinite speed is no wait); `false` is caught by record-replay.test.ts and goes with it
      if (speed !== Infinity)
        await sleep(start + Math.max(0, x.startedAt - first) / speed - clock.monotonic(), stop.signal)
      if (stop.signal.aborted) {
        finish(notSent(i, x, rebase, reasonOf(stop.signal)))
        continue
      }
      active++
      void sendOne(i, x, url).then(settled)
    }
  } catch (error) {
    // The source failed (a segment that cannot be read): what is in flight ends, then the failure is thrown.
    stop.abort(error)
    progressError ??= error
  } finally {
    while (active > 0) await slot()
    clearTimeout(deadline)
    outer?.removeEventListener('abort', onOuter)
    client?.close()
  }
  if (progressError !== undefined) throw progressError

  async function sendOne(index: number, x: RecordedExchange, url: string): Promise<ReplayResult> {
    const t0 = clock.monotonic()
    try {
      const res: Response = await send(replayRequest(x, url, rebase !== undefined, stop.signal))
      const body = await bodyBytes(res.body)
      const replayedMs = round(clock.monotonic() - t0)
      if (res.generated)
        return failed(
          index,
          x,
          url,
          stop.signal.aborted ? reasonOf(stop.signal) : res.generated.message,
          replayedMs,
          res.status,
          res.tags ?? NO_TAGS,
        )
      return compared(index, x, url, res, body, replayedMs)
    } catch (error) {
      return failed(
        index,
        x,
        url,
        stop.signal.aborted ? reasonOf(stop.signal) : (error as Error).message,
        round(clock.monotonic() - t0),
      )
    }
  }

  const counts = { same: 0, changed: 0, failed: 0, 'not-sent': 0 }
  for (const r of results) counts[r.outcome]++
  const sent = results.filter((r) => r.outcome !== 'not-sent')
  return {
    ...(options.target ? { target: options.target } : {}),
    speed: speed === Infinity ? 'max' : speed,
    total: results.length,
    counts,
    results,
    latency: {
      recorded: latencyStats(sent.map((r) => r.recordedMs)),
      replayed: latencyStats(
        sent.flatMap((r) => (r.outcome === 'failed' || r.replayedMs === undefined ? [] : [r.replayedMs])),
      ),
    },
    elapsedMs: round(clock.monotonic() - start),
    ignoredHeaders: [...VOLATILE_HEADERS, 'content-length (when the body differs or only one side has it)'],
  }
}

async function* fromList(list: readonly RecordedExchange[]): AsyncGenerator<RecordedExchange> {
  yield* list
}

/** The recorded request, to be sent to `url`: Host follows a rebased URL, and a truncated or incomplete body the length of what was kept. */
function replayRequest(x: RecordedExchange, url: string, rebased: boolean, signal: AbortSignal): Request {
  let headers = x.request.headers
  if (rebased) headers = replacedHeaders(headers, 'Host', splitUrl(url)?.host ?? '')
  // A chunked body needs no length (the client frames what there is); a declared one must say what is sent.
  const cut = x.truncated?.request !== undefined || x.incomplete?.request !== undefined
  if (cut && header(x.request, 'Content-Length') !== undefined)
    headers = replacedHeaders(headers, 'Content-Length', String(x.request.body.byteLength))
  const trailers = x.request.trailers
  if (trailers && trailers.length > 0) {
    // Trailers need chunked framing (RFC 9112 §7.1.2): the body goes as a stream of unknown length, so the client
    // sends it chunked and ends it with them.
    return Object.freeze({
      method: x.request.method,
      target: url,
      version: x.request.version,
      headers: frozenHeaders(headers.filter(([name]) => name.toLowerCase() !== 'content-length')),
      body: streamBody(Readable.from([Buffer.from(x.request.body)]), undefined),
      signal,
      trailers: Promise.resolve(trailers),
    })
  }
  return Object.freeze({
    method: x.request.method,
    target: url,
    version: x.request.version,
    headers: frozenHeaders(headers),
    body: bytesBody(x.request.body),
    signal,
  })
}

/** The header list itself when frozen (as sessions read from disk give it), else a frozen copy. */
function frozenHeaders(headers: Headers): Headers {
  return Object.isFrozen(headers) ? headers : Object.freeze(headers.map((h) => Object.freeze([h[0], h[1]] as const)))
}

/** The result of an answer that came back: what differs from the recording. */
function compared(
  index: number,
  x: RecordedExchange,
  url: string,
  res: Response,
  body: Buffer,
  replayedMs: number,
): ReplayResult {
  const bodyDiff =
    x.truncated?.response !== undefined || x.incomplete?.response !== undefined
      ? undefined
      : compareBodies(x.response.body, body)
  const headers = compareHeaders(x.response.headers, res.headers, bodyDiff !== undefined)
  const statusChanged = res.status !== x.response.status
  const outcome = statusChanged || bodyDiff || headers.length > 0 ? 'changed' : 'same'
  const tags = res.tags ?? NO_TAGS
  return {
    index,
    method: x.request.method,
    url,
    recordedStatus: x.response.status,
    recordedMs: x.durationMs,
    outcome,
    status: res.status,
    statusChanged,
    ...(bodyDiff ? { body: bodyDiff } : {}),
    headers,
    replayedMs,
    tags,
  }
}

function failed(
  index: number,
  x: RecordedExchange,
  url: string,
  error: string,
  replayedMs: number,
  status?: number,
  tags: readonly string[] = NO_TAGS,
): ReplayResult {
  const base = {
    index,
    method: x.request.method,
    url,
    recordedStatus: x.response.status,
    recordedMs: x.durationMs,
    outcome: 'failed' as const,
  }
  return status === undefined
    ? { ...base, statusChanged: true, headers: [], replayedMs, tags, error }
    : { ...base, status, statusChanged: true, headers: [], replayedMs, tags, error }
}

const NO_TAGS: readonly string[] = Object.freeze([])

function notSent(
  index: number,
  x: RecordedExchange,
  rebase: ((u: string) => string) | undefined,
  why: string,
): ReplayResult {
  return {
    index,
    method: x.request.method,
    url: rebase ? rebase(x.request.url) : x.request.url,
    outcome: 'not-sent',
    recordedStatus: x.response.status,
    statusChanged: false,
    headers: [],
    recordedMs: x.durationMs,
    tags: [],
    error: why,
  }
}

/** Puts a recorded URL's path and query under another base URL: `http://new:1/base` + `/a?b`. */
export function rebaser(target: string): (url: string) => string {
  const base = new URL(target)
  if (base.protocol !== 'http:' && base.protocol !== 'https:')
    throw new Error(`the replay target must be an http(s) URL, got ${target}`)
  const prefix = `${base.protocol}//${base.host}${base.pathname.replace(/\/+$/, '')}`
  return (url) => {
    const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*([^#]*)/.exec(url)
    const rest = m?.[1] ?? '/'
    return prefix + (rest.startsWith('/') ? rest : `/${rest}`)
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve()
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
  })
}

function reasonOf(signal: AbortSignal): string {
  const r: unknown = signal.reason
  return r instanceof Error ? r.message : 'stopped'
}

const round = (ms: number): number => Math.round(ms * 10) / 10

/** The report in words: one line per request, then totals and latency. */
export function formatReport(report: ReplayReport): string {
  const lines = report.results.map((r) => {
    const status = r.status === undefined ? '---' : String(r.status)
    const what =
      r.outcome === 'same'
        ? 'same'
        : r.outcome === 'not-sent'
          ? `not sent: ${r.error ?? ''}`
          : r.outcome === 'failed'
            ? `failed: ${r.error ?? ''}`
            : [
                r.statusChanged ? `status ${r.recordedStatus} → ${status}` : '',
                r.body
                  ? `body differs (${r.body.recordedSize} → ${r.body.size} bytes, first at byte ${r.body.firstDifferenceAt})`
                  : '',
                ...r.headers.map((h) => `${h.name}: ${JSON.stringify(h.recorded)} → ${JSON.stringify(h.replayed)}`),
              ]
                .filter(Boolean)
                .join('; ')
    const ms = r.replayedMs === undefined ? '' : ` ${r.replayedMs} ms (recorded ${r.recordedMs} ms)`
    return `#${r.index + 1} ${r.method} ${r.url} → ${status}${ms}: ${what}`
  })
  const c = report.counts
  const l = report.latency
  const answered = c.same + c.changed
  // Stryker disable next-line ConditionalExpression: its `true` mutant is equivalent (this is read only when nothing was answered, when every result failed or was not sent, so the first result is the first failure); `false` is caught by replay-report.test.ts and goes with it
  const firstFailure = report.results.find((r) => r.outcome === 'failed' || r.outcome === 'not-sent')
  return (
    [
      ...lines,
      `${report.total} requests: ${c.same} same, ${c.changed} changed, ${c.failed} failed, ${c['not-sent']} not sent (${report.elapsedMs} ms, speed ${report.speed === 'max' ? 'max' : `${report.speed}x`})`,
      report.total === 0
        ? 'the session holds no requests: nothing was sent'
        : answered === 0
          ? `every request failed, so there is no latency to compare; the first: ${firstFailure?.error ?? 'no answer'}`
          : `latency p50/p95/max: recorded ${l.recorded.p50}/${l.recorded.p95}/${l.recorded.max} ms, replayed ${l.replayed.p50}/${l.replayed.p95}/${l.replayed.max} ms${answered < report.total ? ` (the ${answered} answered)` : ''}`,
      `not compared: ${report.ignoredHeaders.join(', ')}`,
    ].join('\n') + '\n'
  )
}
