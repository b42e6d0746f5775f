/**
 * What the load-engine exports (k6-export.ts, artillery-export.ts) share: a session's requests as steps a
 * virtual user takes in order, each with the pause before it. Engines send requests one after another, so the
 * pause is the recorded idle time between one exchange's end and the next one's start (not start to start),
 * divided by the speed; at `max` there is none.
 *
 * Headers: hop-by-hop fields (RFC 9110 §7.6.1, the list the proxy drops) go, and so do `Host` and
 * `Content-Length`, which the engine's client writes from the URL and the body it sends.
 */
import { HOP_BY_HOP_HEADERS } from '../core/filters/hop-by-hop.ts'
import type { Headers } from '../core/message.ts'
import type { RecordedExchange } from './recorded-exchange.ts'
import { rebaser } from './replay.ts'

export interface LoadStep {
  /** Position in the session, from 0. */
  readonly index: number
  readonly method: string
  /** Absolute URL, under `target` when one was given. */
  readonly url: string
  readonly headers: Headers
  readonly body: Uint8Array
  /** The body as text when it is UTF-8 with no control characters (the engines' scripts carry it inline). */
  readonly text?: string
  /** Whole milliseconds to wait before sending it. */
  readonly pauseMs: number
  /** Set when the recording kept only the start of the body: the export sends that start. */
  readonly truncatedFrom?: number
}

export interface LoadExportOptions {
  /** Base URL the requests are sent under instead of their recorded origin. */
  readonly target?: string
  /** 1 keeps the recorded pauses, 2 halves them, Infinity drops them. Default 1. */
  readonly speed?: number
}

const DROPPED = new Set([...HOP_BY_HOP_HEADERS, 'host', 'content-length'])

export function loadSteps(records: readonly RecordedExchange[], options: LoadExportOptions = {}): LoadStep[] {
  const speed = options.speed ?? 1
  if (!(speed > 0)) throw new Error(`speed must be above 0 (Infinity for no pauses), got ${speed}`)
  const rebase = options.target ? rebaser(options.target) : (url: string) => url
  let previousEnd: number | undefined
  return records.map((x, index) => {
    const idle = previousEnd === undefined ? 0 : Math.max(0, x.startedAt - previousEnd)
    previousEnd = x.startedAt + Math.max(0, x.durationMs)
    const named = connectionNamed(x.request.headers)
    const headers = x.request.headers.filter(
      ([name]) => !DROPPED.has(name.toLowerCase()) && !named.has(name.toLowerCase()),
    )
    const text = textOf(x.request.body)
    return {
      index,
      method: x.request.method,
      // Stryker disable next-line Regex: a recorded URL holds no line break, so /#.*/ ends where /#.*$/ does; the other regex mutants are caught by load-steps.test.ts and go with it
      url: rebase(x.request.url).replace(/#.*$/, ''),
      headers,
      body: x.request.body,
      ...(text !== undefined ? { text } : {}),
      pauseMs: speed === Infinity ? 0 : Math.round(idle / speed),
      ...(x.truncated?.request !== undefined ? { truncatedFrom: x.truncated.request } : {}),
    }
  })
}

/** Fields a `Connection` header names are hop-by-hop too (RFC 9110 §7.6.1). */
function connectionNamed(headers: Headers): Set<string> {
  const names = new Set<string>()
  for (const [name, value] of headers) {
    if (name.toLowerCase() === 'connection')
      for (const t of value.split(',')) if (t.trim()) names.add(t.trim().toLowerCase())
  }
  return names
}

/** UTF-8 text without control characters (tab, CR and LF allowed), else undefined. */
export function textOf(bytes: Uint8Array): string | undefined {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const text = b.toString('utf8')
  // eslint-disable-next-line no-control-regex
  if (Buffer.byteLength(text) !== b.byteLength || /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffd]/.test(text))
    return undefined
  return text
}

/**
 * Headers as the engines take them, an object: a repeated name is sent once with its values joined, `Cookie`'s
 * with "; " (RFC 6265 §5.4), others with ", " (RFC 9110 §5.3).
 */
export function joinedHeaders(headers: Headers): Array<[string, string]> {
  const byName = new Map<string, [string, string]>()
  for (const [name, value] of headers) {
    const key = name.toLowerCase()
    const seen = byName.get(key)
    if (seen) seen[1] += `${key === 'cookie' ? '; ' : ', '}${value}`
    else byName.set(key, [name, value])
  }
  return [...byName.values()]
}

/** `/a/b.yml` → `/a/b.bodies`: the folder beside a script that holds the bodies it cannot carry inline. */
export function bodiesDirFor(script: string): string {
  return script.replace(/\.[^./\\]*$/, '') + '.bodies'
}
