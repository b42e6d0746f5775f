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
import { bodyBytes, GENERATED_HEADER, header, response, type Request, type Response } from '../core/message.ts'
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

export interface StandIn extends HttpHandler {
  readonly description: string
  /** Forgets how many times each request was answered, so repeats start from the first recording again. */
  reset(): void
}

export function standIn(records: readonly RecordedExchange[], options: StandInOptions = {}): StandIn {
  const ignore = new Set(options.ignoreQuery ?? [])
  const entries = records.flatMap((exchange) => {
    const shape = shapeOfRecorded(exchange, ignore)
    return shape ? [{ exchange, shape, key: matchKey(shape, options), loose: matchKey(shape, options, true) }] : []
  })
  const byKey = new Map<string, RecordedExchange[]>()
  for (const e of entries) byKey.set(e.key, [...(byKey.get(e.key) ?? []), e.exchange])
  for (const e of entries) byKey.set(e.loose, [...(byKey.get(e.loose) ?? []), e.exchange])
  const origins: Array<{ scheme: string; host: string }> = []
  for (const e of entries)
    if (!origins.some((o) => o.scheme === e.shape.scheme && o.host === e.shape.host))
      origins.push({ scheme: e.shape.scheme, host: e.shape.host })
  const hits = new Map<string, number>()

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
    const path = q < 0 ? target.pathAndQuery : target.pathAndQuery.slice(0, q)
    const query = parseQuery(q < 0 ? '' : target.pathAndQuery.slice(q + 1), ignore)
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
    const shapes = tries.map(
      (o): RequestShape => ({
        method: req.method,
        scheme: o.scheme,
        host: o.host,
        path,
        query,
        headers: req.headers,
        body,
      }),
    )
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
      host: header(req, 'Host') ?? '',
      path,
      query,
      headers: req.headers,
      body,
    }
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
  return Object.assign(handler, {
    description: `answers from a recording of ${records.length} exchanges (never contacts the server)`,
    reset: () => hits.clear(),
  })
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
  return response(x.response.status, {
    reason: x.response.reason,
    headers,
    body: x.response.body,
    tags: ['replayed', 'stand-in'],
  })
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
