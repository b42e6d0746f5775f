/**
 * The stand-in: answers requests from a recording in place of the server, and never contacts it.
 *
 * - Forward-proxy requests (absolute-form) match on method, scheme, host, path and query; when no recording has
 *   the same scheme, one made over the other scheme answers (a session recorded through HTTPS interception or
 *   with `--https-upstream` answers plain-HTTP clients, and the reverse).
 * - Reverse-style requests (origin-form, the stand-in is the server) match on path and query; the host counts
 *   only when the Host header names a recorded host, and otherwise every recorded host is tried in order.
 * - Repeats of a request get the recorded responses in order, then the last one again.
 * - A miss is a 404 whose JSON body names the nearest recorded requests (by path likeness, then method and
 *   query: see `nearness`) and what differed.
 * - HTTPS clients (CONNECT) are answered too when the app is given interception: see `stand-in-https.ts`.
 */
import type { HttpHandler } from '../core/http.ts'
import {
  bodyBytes,
  GENERATED_HEADER,
  generatedResponse,
  header,
  response,
  type Request,
  type Response,
} from '../core/message.ts'
import { parseTarget, normaliseAuthority } from '../core/wire/request-target.ts'
import { withoutHopByHop } from '../core/filters/hop-by-hop.ts'
import type { RecordedExchange } from './recorded-exchange.ts'
import {
  compareNearness,
  differences,
  matchKey,
  nearness,
  parseQuery,
  splitUrl,
  type MatchOptions,
  type RequestShape,
} from './match.ts'

export type StandInOptions = MatchOptions

/** How many near misses a 404 lists. */
export const NEAREST_CANDIDATES = 3

/** What a stand-in answers from: the records, or a stream of them (a session read as it downloads). */
export type Recording = readonly RecordedExchange[] | AsyncIterable<RecordedExchange>

export interface StandIn extends HttpHandler {
  readonly description: string
  /** Forgets how many times each request was answered, so repeats start from the first recording again. */
  reset(): void
  /** Resolves with how many records it answers from once all are in; rejects if a stream of them failed. */
  readonly loaded: Promise<number>
}

/**
 * Answers from `records`. Given a stream, it answers while the stream is still arriving, and answers exactly
 * as it would with every record in: a forward-proxy request is answered as soon as the recording of it (the
 * n-th one, for the n-th repeat) has arrived; anything else (a miss, an origin-form request, a match only over
 * the other scheme) waits for the end. If the stream fails, waiting requests get a 502 naming why.
 */
export function standIn(records: Recording, options: StandInOptions = {}): StandIn {
  const ignore = new Set(options.ignoreQuery ?? [])
  type Entry = { exchange: RecordedExchange; shape: RequestShape; key: string; loose: string }
  const entries: Entry[] = []
  const byKey = new Map<string, RecordedExchange[]>()
  const origins: Array<{ scheme: string; host: string }> = []
  let count = 0
  const add = (exchange: RecordedExchange): void => {
    count++
    const shape = shapeOfRecorded(exchange, ignore)
    if (!shape) return
    const e = { exchange, shape, key: matchKey(shape, options), loose: matchKey(shape, options, true) }
    entries.push(e)
    for (const k of [e.key, e.loose]) {
      const list = byKey.get(k)
      if (list) list.push(exchange)
      else byKey.set(k, [exchange])
    }
    if (!origins.some((o) => o.scheme === shape.scheme && o.host === shape.host))
      origins.push({ scheme: shape.scheme, host: shape.host })
  }
  const hits = new Map<string, number>()
  let complete = Array.isArray(records)
  let failure: Error | undefined
  /** Resolved (and replaced) whenever records arrive or the stream ends. */
  let changed = signal()
  let loaded: Promise<number>
  if (Array.isArray(records)) {
    for (const x of records as readonly RecordedExchange[]) add(x)
    loaded = Promise.resolve(count)
  } else {
    loaded = (async () => {
      try {
        for await (const x of records as AsyncIterable<RecordedExchange>) {
          add(x)
          changed = changed.fire()
        }
        return count
      } catch (error) {
        failure = error as Error
        throw error
      } finally {
        complete = true
        changed = changed.fire()
      }
    })()
    loaded.catch(() => {}) // said to whoever awaits `loaded`, and to each request as a 502
  }

  const handler = async function answerFromRecording(req: Request): Promise<Response> {
    const body = await bodyBytes(req.body)
    const target = parseTarget(req.target)
    if (!target || target.form === 'authority' || target.form === 'asterisk') {
      return miss(
        req,
        [],
        `the stand-in answers only origin-form and absolute-form requests, not ${JSON.stringify(req.target)} (HTTPS through CONNECT is answered only with interception on)`,
      )
    }
    const q = target.pathAndQuery.indexOf('?')
    // Stryker disable next-line EqualityOperator: its `q <= 0` mutant is equivalent (a parsed target's path and query starts with "/", so "?" is never at 0); `q >= 0` is caught by stand-in.test.ts and goes with it
    const path = q < 0 ? target.pathAndQuery : target.pathAndQuery.slice(0, q)
    const query = parseQuery(q < 0 ? '' : target.pathAndQuery.slice(q + 1), ignore)
    const shapeAt = (o: { scheme: string; host: string }): RequestShape => ({
      method: req.method,
      scheme: o.scheme,
      host: o.host,
      path,
      query,
      headers: req.headers,
      body,
    })
    if (target.form === 'absolute') {
      const only = shapeAt({
        scheme: target.scheme,
        host: normaliseAuthority(target.scheme, target.authority)?.toLowerCase() ?? target.authority,
      })
      // Before the end, only a same-scheme recording of this very repeat is an answer that more records cannot change.
      const key = matchKey(only, options)
      for (;;) {
        const found = byKey.get(key)
        const n = hits.get(key) ?? 0
        if (found && found.length > n) {
          hits.set(key, n + 1)
          return recordedResponse(found[n]!)
        }
        if (complete) break
        await changed.promise
      }
    } else while (!complete) await changed.promise
    if (failure) return unreadable(failure)
    let tries: Array<{ scheme: string; host: string }>
    if (target.form === 'absolute') {
      tries = [
        {
          scheme: target.scheme,
          host: normaliseAuthority(target.scheme, target.authority)?.toLowerCase() ?? target.authority,
        },
      ]
    } else {
      const hostHeader = header(req, 'Host')?.trim().toLowerCase()
      const named = origins.filter(
        (o) => hostHeader !== undefined && normaliseAuthority(o.scheme, hostHeader) === o.host,
      )
      tries = named.length > 0 ? named : origins
    }
    const shapes = tries.map(shapeAt)
    // The same scheme first, then either scheme: a recording made over HTTPS answers plain HTTP and the reverse.
    for (const anyScheme of [false, true]) {
      for (const shape of shapes) {
        const key = matchKey(shape, options, anyScheme)
        const found = byKey.get(key)
        if (!found) continue
        const n = hits.get(key) ?? 0
        hits.set(key, n + 1)
        return recordedResponse(found[Math.min(n, found.length - 1)]!)
      }
    }
    const asked = shapes[0] ?? {
      method: req.method,
      scheme: 'http',
      // Stryker disable next-line StringLiteral: this fallback is used only when the recording has no origin, and then no entry to compare it with
      host: header(req, 'Host') ?? '',
      path,
      query,
      headers: req.headers,
      body,
    }
    // Stryker disable next-line EqualityOperator: its `>= 1` mutant is equivalent (with one origin an origin-form request is asked at that origin's host, so no host differs); `< 1` and `<= 1` are caught by stand-in-answers.test.ts and go with it
    const compareHost = target.form === 'absolute' || origins.length > 1
    const nearest = entries
      .map((e) => {
        const diff = differences(asked, e.shape, options, compareHost)
        return { e, diff, rank: nearness(asked, e.shape, diff) }
      })
      .sort((a, b) => compareNearness(a.rank, b.rank))
      .slice(0, NEAREST_CANDIDATES)
      .map(({ e, diff }) => ({ method: e.exchange.request.method, url: e.exchange.request.url, differences: diff }))
    return miss(req, nearest, entries.length === 0 ? 'the recording is empty' : 'no recorded request matches')
  }
  return Object.defineProperty(Object.assign(handler, { reset: () => hits.clear(), loaded }), 'description', {
    get: () =>
      complete
        ? `answers from a recording of ${count} exchanges (never contacts the server)`
        : `answers from a recording still arriving (${count} exchanges so far; never contacts the server)`,
    enumerable: true,
  }) as StandIn
}

/** A promise to wait on and the function that resolves it, returning the next one. */
function signal(): { promise: Promise<void>; fire(): ReturnType<typeof signal> } {
  let resolve: () => void = () => {}
  const promise = new Promise<void>((r) => {
    resolve = r
  })
  return {
    promise,
    fire() {
      resolve()
      return signal()
    },
  }
}

/** A 502 made by the stand-in: its recording could not be read to the end. */
function unreadable(error: Error): Response {
  return generatedResponse(502, 'bad-gateway', `the stand-in could not read its recording: ${error.message}`)
}

function shapeOfRecorded(x: RecordedExchange, ignore: ReadonlySet<string>): RequestShape | undefined {
  const url = splitUrl(x.request.url)
  if (!url) return undefined
  return {
    method: x.request.method,
    scheme: url.scheme,
    host: url.host,
    path: url.path,
    query: parseQuery(url.query, ignore),
    headers: x.request.headers,
    body: x.request.body,
  }
}

/** The recorded response, without hop-by-hop headers, its length fixed if the recording was truncated or incomplete. */
export function recordedResponse(x: RecordedExchange): Response {
  let headers = withoutHopByHop(response(x.response.status, { headers: x.response.headers })).headers
  if (x.truncated?.response !== undefined || x.incomplete?.response !== undefined)
    headers = headers.map(([n, v]) =>
      n.toLowerCase() === 'content-length' ? ([n, String(x.response.body.byteLength)] as const) : ([n, v] as const),
    )
  const res = response(x.response.status, {
    reason: x.response.reason,
    headers,
    body: x.response.body,
    tags: ['replayed', 'stand-in'],
  })
  return x.response.trailers ? Object.freeze({ ...res, trailers: Promise.resolve(x.response.trailers) }) : res
}

function miss(req: Request, nearest: unknown[], error: string): Response {
  const body =
    JSON.stringify(
      { error, request: { method: req.method, target: req.target, host: header(req, 'Host') ?? null }, nearest },
      null,
      2,
    ) + '\n'
  return response(404, {
    headers: [
      ['Content-Type', 'application/json; charset=utf-8'],
      [GENERATED_HEADER, 'stand-in-miss'],
    ],
    body,
    tags: ['stand-in', 'stand-in-miss'],
  })
}
