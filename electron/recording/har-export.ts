/**
 * HAR 1.2 export of recorded exchanges (a session) or of captured traffic (the inspector's exchange records).
 *
 * Bodies: text that is valid UTF-8 goes in as text, anything else as base64 (`encoding: "base64"`). A response
 * body sent with Content-Encoding gzip, deflate or br is decoded, as HAR expects (`content.text` is the decoded
 * body, `content.size` its length, `bodySize` the bytes on the wire), and the header is kept as sent.
 * Request bodies that are not text go in `postData.text` as base64 with `_encoding: "base64"` (HAR 1.2 has
 * no encoding for postData). Header sizes are -1 (unknown); `timings.send` is 0. HAR 1.2 has no place for trailer
 * fields (HTTP/2, chunked; gRPC's status): they go in `request._trailers` and `response._trailers`, as `{name, value}`
 * pairs like `headers` (custom fields start with `_`, as the spec allows), and `har import` reads them back.
 */
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib'
import { GENERATED_HEADER, header, headerValues, type Headers } from '../core/message.ts'
import type { ExchangeDetail } from '../../shared/exchange.ts'
import type { RecordedExchange } from './recorded-exchange.ts'
import type { Har, HarCookie, HarEntry, HarNameValue } from './har-types.ts'
import { splitUrl } from './match.ts'

export interface HarExportOptions {
  readonly creator?: { name: string; version: string }
  readonly comment?: string
}

export const NANOSCOPE_CREATOR = Object.freeze({ name: 'Nanoscope', version: '0.1.0' })

export function toHar(records: readonly RecordedExchange[], options: HarExportOptions = {}): Har {
  return {
    log: {
      version: '1.2',
      creator: { ...(options.creator ?? NANOSCOPE_CREATOR) },
      entries: records.map(harEntry),
      ...(options.comment ? { comment: options.comment } : {}),
    },
  }
}

/** HAR for captured traffic, as the host holds it (plain exchange records with base64 bodies). */
export function exchangesToHar(exchanges: readonly ExchangeDetail[], options: HarExportOptions = {}): Har {
  return toHar(exchanges.map(detailToRecorded), options)
}

/** A captured exchange as a recorded one; an exchange with no response gets status 0, as browsers write. */
export function detailToRecorded(d: ExchangeDetail): RecordedExchange {
  const reqBody = Buffer.from(d.requestBody?.base64 ?? '', 'base64')
  const resBody = Buffer.from(d.responseBody?.base64 ?? '', 'base64')
  // `truncated` is what the cap cut off of what went by; `incomplete` what never went by at all.
  const truncated = {
    ...(d.requestBody && capped(d.requestBody, reqBody)
      ? { request: d.requestBody.size - (d.requestBody.missing ?? 0) }
      : {}),
    ...(d.responseBody && capped(d.responseBody, resBody)
      ? { response: d.responseBody.size - (d.responseBody.missing ?? 0) }
      : {}),
  }
  const incomplete = {
    ...(d.requestBody?.missing !== undefined ? { request: d.requestBody.missing } : {}),
    ...(d.responseBody?.missing !== undefined ? { response: d.responseBody.missing } : {}),
  }
  const note = d.outcome.kind === 'failed' || d.outcome.kind === 'aborted' ? d.outcome.message : d.note
  const generated =
    d.outcome.kind === 'failed' &&
    d.responseHeaders.some(([name]) => name.toLowerCase() === GENERATED_HEADER.toLowerCase())
      ? { cause: d.outcome.cause, message: d.outcome.message }
      : undefined
  return {
    startedAt: d.startedAt,
    durationMs: d.durationMs ?? d.timings.responseDone ?? 0,
    ...(d.timings.responseHeaders !== undefined ? { waitMs: d.timings.responseHeaders } : {}),
    request: {
      method: d.method,
      url: d.url,
      version: d.httpVersion,
      headers: d.requestHeaders,
      body: reqBody,
      ...(d.requestTrailers ? { trailers: d.requestTrailers } : {}),
    },
    response: {
      status: d.status ?? 0,
      reason: d.reason ?? '',
      version: d.httpVersion,
      headers: d.responseHeaders,
      body: resBody,
      ...(d.responseTrailers ? { trailers: d.responseTrailers } : {}),
    },
    ...(Object.keys(truncated).length > 0 ? { truncated } : {}),
    ...(Object.keys(incomplete).length > 0 ? { incomplete } : {}),
    ...(generated ? { generated } : {}),
    ...(d.tags.length > 0 ? { tags: d.tags } : {}),
    ...(note !== undefined ? { note } : {}),
  }
}

/** Whether the cap kept fewer bytes than went by. */
function capped(
  body: { readonly size: number; readonly truncated: boolean; readonly missing?: number | null },
  kept: Uint8Array,
): boolean {
  return body.truncated && kept.byteLength < body.size - (body.missing ?? 0)
}

function harEntry(x: RecordedExchange): HarEntry {
  const time = Math.max(0, x.durationMs)
  const wait = Math.min(time, Math.max(0, x.waitMs ?? time))
  const reqType = header(x.request, 'content-type')
  const resType = header(x.response, 'content-type')
  const decoded = decodeContent(x.response.body, header(x.response, 'content-encoding'))
  const content = bodyText(decoded)
  const location = header(x.response, 'location')
  const extra = {
    ...(x.tags && x.tags.length > 0 ? { tags: [...x.tags] } : {}),
    ...(x.truncated ? { truncated: { ...x.truncated } } : {}),
    ...(x.incomplete ? { incomplete: { ...x.incomplete } } : {}),
    ...(x.generated ? { generated: { ...x.generated } } : {}),
    ...(x.note !== undefined ? { note: x.note } : {}),
  }
  const postText = x.request.body.byteLength > 0 ? bodyText(x.request.body) : undefined
  return {
    startedDateTime: new Date(x.startedAt).toISOString(),
    time,
    request: {
      method: x.request.method,
      url: x.request.url.replace(/#.*$/, ''),
      httpVersion: httpVersion(x.request.version),
      cookies: requestCookies(x.request.headers),
      headers: nameValues(x.request.headers),
      queryString: queryString(x.request.url),
      headersSize: -1,
      bodySize: x.truncated?.request ?? x.request.body.byteLength,
      ...(postText
        ? {
            postData: {
              mimeType: reqType ?? 'application/octet-stream',
              text: postText.text,
              ...(postText.base64 ? { _encoding: 'base64' as const } : {}),
            },
          }
        : {}),
      ...(x.request.trailers && x.request.trailers.length > 0 ? { _trailers: nameValues(x.request.trailers) } : {}),
    },
    response: {
      status: x.response.status,
      statusText: x.response.reason,
      httpVersion: httpVersion(x.response.version),
      cookies: responseCookies(x.response.headers),
      headers: nameValues(x.response.headers),
      content: {
        size: decoded.byteLength,
        mimeType: resType ?? (decoded.byteLength > 0 ? 'application/octet-stream' : ''),
        text: content.text,
        ...(content.base64 ? { encoding: 'base64' as const } : {}),
        ...(decoded !== x.response.body ? { compression: decoded.byteLength - x.response.body.byteLength } : {}),
      },
      redirectURL: location ?? '',
      headersSize: -1,
      bodySize: x.truncated?.response ?? x.response.body.byteLength,
      ...(x.response.trailers && x.response.trailers.length > 0 ? { _trailers: nameValues(x.response.trailers) } : {}),
    },
    cache: {},
    timings: { send: 0, wait, receive: time - wait },
    ...(Object.keys(extra).length > 0 ? { _nanoscope: extra } : {}),
  }
}

/** `1.1` → `HTTP/1.1`; `2.0` → `HTTP/2.0`. */
function httpVersion(v: string): string {
  return /^http\//i.test(v) ? v.toUpperCase() : `HTTP/${v || '1.1'}`
}

function nameValues(headers: Headers): HarNameValue[] {
  return headers.map(([name, value]) => ({ name, value }))
}

/** Body as text when it is UTF-8 without control characters, else base64. */
export function bodyText(bytes: Uint8Array): { text: string; base64: boolean } {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const text = b.toString('utf8')
  // eslint-disable-next-line no-control-regex
  if (Buffer.byteLength(text) === b.byteLength && !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffd]/.test(text))
    return { text, base64: false }
  return { text: b.toString('base64'), base64: true }
}

function decodeContent(body: Uint8Array, encoding: string | undefined): Uint8Array {
  if (!encoding || body.byteLength === 0) return body
  const e = encoding.trim().toLowerCase()
  try {
    if (e === 'gzip' || e === 'x-gzip') return gunzipSync(body)
    if (e === 'br') return brotliDecompressSync(body)
    if (e === 'deflate') {
      try {
        return inflateSync(body)
      } catch {
        return inflateRawSync(body)
      }
    }
  } catch {
    return body
  }
  return body
}

function queryString(url: string): HarNameValue[] {
  const query = splitUrl(url)?.query ?? ''
  if (query === '') return []
  return query.split('&').map((p) => {
    const eq = p.indexOf('=')
    return { name: safeDecode(eq < 0 ? p : p.slice(0, eq)), value: safeDecode(eq < 0 ? '' : p.slice(eq + 1)) }
  })
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '))
  } catch {
    return s
  }
}

function requestCookies(headers: Headers): HarCookie[] {
  return headerValues({ headers }, 'cookie')
    .flatMap((v) => v.split(';'))
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => {
      const eq = p.indexOf('=')
      return { name: eq < 0 ? p : p.slice(0, eq), value: eq < 0 ? '' : p.slice(eq + 1) }
    })
}

function responseCookies(headers: Headers): HarCookie[] {
  return headerValues({ headers }, 'set-cookie').map((v) => {
    const parts = v.split(';').map((p) => p.trim())
    // Stryker disable next-line StringLiteral: split always gives at least one part, so the default never applies
    const [pair = '', ...attributes] = parts
    const eq = pair.indexOf('=')
    const cookie: HarCookie = { name: eq < 0 ? pair : pair.slice(0, eq), value: eq < 0 ? '' : pair.slice(eq + 1) }
    for (const a of attributes) {
      // An attribute's value is everything after its first "=" (RFC 6265 §5.2), "=" included.
      const at = a.indexOf('=')
      // Stryker disable next-line EqualityOperator: its `at <= 0` mutant is equivalent (an attribute starting with "=" is no known attribute whether its name is "" or the whole text); `at >= 0` is caught by har.test.ts and goes with it
      const key = (at < 0 ? a : a.slice(0, at)).toLowerCase()
      const val = at < 0 ? '' : a.slice(at + 1)
      if (key === 'path') cookie.path = val
      else if (key === 'domain') cookie.domain = val
      else if (key === 'expires') {
        const t = Date.parse(val)
        if (!Number.isNaN(t)) cookie.expires = new Date(t).toISOString()
      } else if (key === 'httponly') cookie.httpOnly = true
      else if (key === 'secure') cookie.secure = true
    }
    return cookie
  })
}
