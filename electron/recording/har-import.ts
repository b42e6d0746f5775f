/**
 * HAR import that tolerates what real browsers and proxies write (REFERENCE.md §4.11): a UTF-8 BOM, HTTP/2
 * pseudo-headers, decoded bodies still labelled with Content-Encoding, missing bodies, -1 timings, vendor `_`
 * fields, headers as `[name, value]` arrays, any `httpVersion` spelling. It never guesses silently: every
 * adjustment and every entry it could not import is listed in `warnings` and `skipped`.
 */
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib'
import { header, type Header } from '../core/message.ts'
import { HOP_BY_HOP_HEADERS } from '../core/filters/hop-by-hop.ts'
import { TOKEN } from '../core/wire/framing.ts'
import { mayTrail } from '../core/wire/chunked-trailers.ts'
import type { RecordedExchange } from './recorded-exchange.ts'
import { splitUrl } from './match.ts'

export interface HarImport {
  readonly records: RecordedExchange[]
  /** What was adjusted, one line per kind of adjustment, with how many entries it touched. */
  readonly warnings: string[]
  /** Entries that could not be imported, by 0-based index in `log.entries`. */
  readonly skipped: Array<{ readonly entry: number; readonly reason: string }>
}

export class HarError extends Error {}

/** Larger files are refused rather than parsed (JSON.parse holds the whole text). */
export const MAX_HAR_BYTES = 1024 * 1024 * 1024

type Json = Record<string, unknown>

export function fromHar(input: string | Uint8Array): HarImport {
  let text: string
  if (typeof input === 'string') text = input
  else {
    if (input.byteLength > MAX_HAR_BYTES)
      throw new HarError(`the HAR file is ${input.byteLength} bytes; at most ${MAX_HAR_BYTES} can be imported`)
    text = Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8')
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (error) {
    throw new HarError(`not a HAR file: the JSON does not parse (${(error as Error).message})`)
  }
  const log = (doc as Json | null)?.log as Json | undefined
  if (!log || typeof log !== 'object' || !Array.isArray(log.entries))
    throw new HarError('not a HAR file: there is no "log.entries" array')

  const notes = new Map<string, number>()
  const note = (what: string) => notes.set(what, (notes.get(what) ?? 0) + 1)
  const skipped: HarImport['skipped'] = []
  const imported: Array<{ at: number; x: RecordedExchange }> = []
  let lastTime = 0
  log.entries.forEach((raw: unknown, index: number) => {
    const result = importEntry(raw, note, lastTime)
    if (typeof result === 'string') {
      skipped.push({ entry: index, reason: result })
      return
    }
    lastTime = result.startedAt
    imported.push({ at: index, x: result })
  })
  imported.sort((a, b) => a.x.startedAt - b.x.startedAt || a.at - b.at)
  const warnings = [...notes].map(([what, n]) => `${what} (${n} ${n === 1 ? 'entry' : 'entries'})`)
  return { records: imported.map((i) => i.x), warnings, skipped }
}

function importEntry(raw: unknown, note: (what: string) => void, previousStart: number): RecordedExchange | string {
  if (!raw || typeof raw !== 'object') return 'the entry is not an object'
  const e = raw as Json
  const req = e.request as Json | undefined,
    res = e.response as Json | undefined
  if (!req || typeof req !== 'object') return 'the entry has no request'
  if (!res || typeof res !== 'object') return 'the entry has no response'
  const url = typeof req.url === 'string' ? req.url.replace(/#.*$/, '') : ''
  const where = splitUrl(url)
  if (!where || (where.scheme !== 'http' && where.scheme !== 'https'))
    return `the URL ${JSON.stringify(url.slice(0, 80))} is not an absolute http(s) URL`
  const method = typeof req.method === 'string' ? req.method.trim() : ''
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(method)) return `the method ${JSON.stringify(method)} is not an HTTP method`
  const status = Number(res.status)
  if (!Number.isInteger(status) || status < 100 || status > 999) {
    return status === 0
      ? 'there was no response (status 0: the request failed or was blocked)'
      : `the status ${JSON.stringify(res.status)} is not an HTTP status`
  }

  let startedAt = Date.parse(String(e.startedDateTime))
  if (Number.isNaN(startedAt)) {
    note("unreadable startedDateTime: used the previous entry's time")
    startedAt = previousStart
  }

  const requestHeaders = readHeaders(req.headers, note)
  if (header({ headers: requestHeaders.headers }, 'host') === undefined) {
    requestHeaders.headers.unshift(['Host', requestHeaders.authority ?? where.host])
  }
  let responseHeaders = readHeaders(res.headers, note).headers

  const requestBody = readPostData(req.postData, note)
  if (requestBody.byteLength === 0 && Number(req.bodySize) > 0) note('request body missing: imported as empty')
  const content = (res.content ?? {}) as Json
  const responseBody: Buffer = readText(content.text, content.encoding, note)
  const bodiless =
    method.toUpperCase() === 'HEAD' || status === 204 || status === 304 || (status >= 100 && status < 200)
  if (content.text === undefined && !bodiless && (Number(content.size) > 0 || Number(res.bodySize) > 0))
    note('response body missing: imported as empty')

  const encoding = header({ headers: responseHeaders }, 'content-encoding')?.trim().toLowerCase()
  if (encoding && encoding !== 'identity' && responseBody.byteLength > 0 && !isEncoded(responseBody, encoding)) {
    responseHeaders = responseHeaders.filter(([n]) => n.toLowerCase() !== 'content-encoding')
    note(`response body was already decoded but labelled Content-Encoding: removed the header`)
  }
  if (!bodiless) {
    const length = header({ headers: responseHeaders }, 'content-length')
    if (length !== undefined && Number(length) !== responseBody.byteLength) {
      responseHeaders = responseHeaders.map(([n, v]) =>
        n.toLowerCase() === 'content-length' ? [n, String(responseBody.byteLength)] : [n, v],
      )
      note("Content-Length did not match the body: set to the body's length")
    }
  }
  const reqLength = header({ headers: requestHeaders.headers }, 'content-length')
  let reqHeaders: Header[] = requestHeaders.headers
  if (reqLength !== undefined && Number(reqLength) !== requestBody.byteLength) {
    reqHeaders = reqHeaders.map(([n, v]) =>
      n.toLowerCase() === 'content-length' ? [n, String(requestBody.byteLength)] : [n, v],
    )
    note("request Content-Length did not match the body: set to the body's length")
  }

  const timings = (e.timings ?? {}) as Json
  const parts = ['blocked', 'dns', 'connect', 'send', 'wait', 'receive']
    .map((k) => Number(timings[k]))
    .filter((t) => Number.isFinite(t) && t >= 0)
  const time = Number(e.time)
  const durationMs = Number.isFinite(time) && time >= 0 ? time : parts.reduce((a, b) => a + b, 0)
  const wait = Number(timings.wait)
  const ours = (e._nanoscope ?? {}) as Json
  const tags = Array.isArray(ours.tags) ? ours.tags.filter((t): t is string => typeof t === 'string') : undefined
  const truncated = byteCounts(ours.truncated, false) as RecordedExchange['truncated']
  const incomplete = byteCounts(ours.incomplete, true)
  const made = ours.generated as { cause?: unknown; message?: unknown } | undefined
  const generated =
    made && typeof made.cause === 'string' && typeof made.message === 'string'
      ? { cause: made.cause, message: made.message }
      : undefined
  return {
    startedAt,
    durationMs,
    ...(Number.isFinite(wait) && wait >= 0 ? { waitMs: wait } : {}),
    request: {
      method,
      url,
      version: version(req.httpVersion),
      headers: reqHeaders,
      body: requestBody,
      ...trailersOf(req._trailers, note),
    },
    response: {
      status,
      reason: typeof res.statusText === 'string' ? res.statusText : '',
      version: version(res.httpVersion),
      headers: responseHeaders,
      body: responseBody,
      ...trailersOf(res._trailers, note),
    },
    ...(truncated ? { truncated } : {}),
    ...(incomplete ? { incomplete } : {}),
    ...(generated ? { generated } : {}),
    ...(tags && tags.length > 0 ? { tags } : {}),
    ...(typeof ours.note === 'string' ? { note: ours.note } : {}),
  }
}

/**
 * Nanoscope's own `_trailers` (`{name, value}` objects, as HAR writes headers), when there are any. Only fields that
 * can go on the wire as trailers are kept (a token name, a value without control characters, a field a trailer may
 * carry, RFC 9110 §6.5.1); the others are dropped with a note, as malformed headers are.
 */
function trailersOf(raw: unknown, note: (what: string) => void): { trailers?: Header[] } {
  if (!Array.isArray(raw)) return {}
  const trailers: Header[] = []
  let dropped = false
  for (const t of raw as Json[]) {
    const name: unknown = t?.name
    const value: unknown = t?.value
    if (
      typeof name === 'string' &&
      typeof value === 'string' &&
      TOKEN.test(name) &&
      !/[^\t\x20-\x7e\x80-\xff]/.test(value) &&
      mayTrail(name)
    )
      trailers.push([name, value])
    else dropped = true
  }
  if (dropped) note('trailers that cannot be sent as trailers dropped')
  return trailers.length > 0 ? { trailers } : {}
}

/** Headers as `{name, value}` objects or `[name, value]` arrays; pseudo-headers and hop-by-hop fields dropped. */
function readHeaders(raw: unknown, note: (what: string) => void): { headers: Header[]; authority?: string } {
  const headers: Header[] = []
  let authority: string | undefined
  let pseudo = false,
    hop = false,
    bad = false
  for (const h of Array.isArray(raw) ? raw : []) {
    const [name, value] = Array.isArray(h)
      ? [h[0], h[1]]
      : h && typeof h === 'object'
        ? [(h as Json).name, (h as Json).value]
        : // Stryker disable next-line ArrayDeclaration: destructuring an empty array gives the same two undefineds
          [undefined, undefined]
    if (typeof name !== 'string' || name === '' || (typeof value !== 'string' && typeof value !== 'number')) {
      bad = true
      continue
    }
    if (name.startsWith(':')) {
      pseudo = true
      if (name === ':authority') authority = String(value)
      continue
    }
    if (HOP_BY_HOP_HEADERS.has(name.toLowerCase())) {
      hop = true
      continue
    }
    if (/[\r\n]/.test(String(value))) {
      bad = true
      continue
    }
    headers.push([name, String(value)])
  }
  if (pseudo) note('HTTP/2 pseudo-headers (:authority, :method, :path, :scheme, :status) dropped')
  if (hop) note('hop-by-hop headers (Connection, Transfer-Encoding, …) dropped')
  if (bad) note('malformed headers dropped')
  // Stryker disable next-line ConditionalExpression: its `true` mutant is equivalent (an `authority: undefined` is read as none, `authority ?? host`); `false` is caught by har-import-entries.test.ts and goes with it
  return { headers, ...(authority !== undefined ? { authority } : {}) }
}

function readPostData(raw: unknown, note: (what: string) => void): Buffer {
  if (!raw || typeof raw !== 'object') return Buffer.alloc(0)
  const p = raw as Json
  if (typeof p.text === 'string') return readText(p.text, p.encoding ?? p._encoding, note)
  if (Array.isArray(p.params)) {
    note('request body rebuilt from postData.params as a URL-encoded form')
    return Buffer.from(
      p.params
        .map((x: Json) => `${encodeURIComponent(String(x?.name ?? ''))}=${encodeURIComponent(String(x?.value ?? ''))}`)
        .join('&'),
    )
  }
  return Buffer.alloc(0)
}

function readText(text: unknown, encoding: unknown, note: (what: string) => void): Buffer {
  if (typeof text !== 'string') return Buffer.alloc(0)
  if (encoding === 'base64') return Buffer.from(text, 'base64')
  if (encoding !== undefined && encoding !== null && encoding !== '')
    note(`unknown body encoding ${JSON.stringify(encoding)}: body read as UTF-8 text`)
  return Buffer.from(text, 'utf8')
}

/** True when the body really is in that encoding (it decodes), false when it was already decoded. */
function isEncoded(body: Buffer, encoding: string): boolean {
  try {
    if (encoding === 'gzip' || encoding === 'x-gzip') gunzipSync(body)
    else if (encoding === 'br') brotliDecompressSync(body)
    else if (encoding === 'deflate') {
      try {
        inflateSync(body)
      } catch {
        inflateRawSync(body)
      }
    } else return true
    return true
  } catch {
    return false
  }
}

/** `HTTP/1.1` → `1.1`, `http/2.0`, `HTTP/2`, `h2` → `2.0`, `HTTP/3` → `3`; anything else → `1.1`. */
function version(raw: unknown): string {
  const s = typeof raw === 'string' ? raw.trim().toLowerCase() : ''
  const m = /^(?:https?\/)?(\d)(?:\.(\d))?$/.exec(s) ?? /^h(\d)$/.exec(s)
  if (!m) return '1.1'
  const major = m[1]!
  if (major === '3') return '3'
  if (major === '2') return '2.0'
  return `${major}.${m[2] ?? (major === '1' ? '1' : '0')}`
}

/**
 * `request`/`response` byte counts (or null, where allowed) from a HAR's `_nanoscope` object; anything else is
 * dropped, so an odd HAR cannot write a record that readers refuse (FORMAT.md).
 */
function byteCounts(o: unknown, nullable: boolean): { request?: number | null; response?: number | null } | undefined {
  if (!o || typeof o !== 'object') return undefined
  const out: { request?: number | null; response?: number | null } = {}
  for (const key of ['request', 'response'] as const) {
    const v = (o as Record<string, unknown>)[key]
    if ((nullable && v === null) || (typeof v === 'number' && Number.isInteger(v) && v >= 0)) out[key] = v
  }
  return Object.keys(out).length > 0 ? out : undefined
}
