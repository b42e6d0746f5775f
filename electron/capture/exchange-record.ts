/**
 * The `CapturedExchange` the capture filter delivers, built once from the exchange's request, response and
 * timings. A class, so every record has one shape with its fields inside the object (a literal given its
 * optional fields one by one grows a separate property store several times per record).
 */
import { header, type Header, type Headers, type Request, type Response, type TunnelStats } from '../core/message.ts'
import type { Outcome, Timings } from '../../shared/exchange.ts'
import type { CapturedExchange, StoredBody } from './captured-exchange.ts'
import { locateTarget, type RequestLocation } from './request-location.ts'

/** What capture knows when an exchange is delivered. */
export interface RecordParts {
  readonly id: string
  readonly listenerId: string
  readonly startedAt: number
  readonly req: Request
  readonly res: Response | undefined
  readonly requestBody: StoredBody
  /** Whether the request body was read to its end. */
  readonly requestComplete: boolean
  readonly responseBody: StoredBody | null
  readonly responseComplete: boolean
  readonly timings: Timings
  readonly durationMs: number | undefined
  readonly outcome: Outcome
  readonly tunnel: TunnelStats | undefined
}

/**
 * Fields are set in the order the UI reads them; absent optional fields are left out, as in a literal.
 *
 * Kept small, because a store holds up to 100,000 of these and each one outlives many young-generation
 * collections: headers are packed into one string per message (unpacked when asked for), and the location
 * (url, host, path) and content type are worked out when asked for. Packed, a record is about half the objects
 * and bytes it was with header pairs, and the collector copies each record once before it settles.
 */
export class ExchangeRecord implements CapturedExchange {
  declare readonly id: string
  declare readonly listenerId: string
  declare readonly startedAt: number
  declare readonly method: string
  declare readonly target: string
  declare readonly httpVersion: string
  declare readonly status?: number
  declare readonly reason?: string
  declare readonly requestSize?: number
  declare readonly responseSize?: number
  declare readonly timings: Timings
  declare readonly durationMs?: number
  declare readonly outcome: Outcome
  declare readonly tags: readonly string[]
  declare readonly note?: string
  declare readonly requestBody: StoredBody | null
  declare readonly responseBody: StoredBody | null
  declare readonly tunnel?: TunnelStats
  /** The request's headers, packed (see `packed`). */
  declare readonly packedRequestHeaders: PackedHeaders
  /** The response's headers, packed; none when there was no response. */
  declare readonly packedResponseHeaders: PackedHeaders

  constructor(p: RecordParts) {
    const { req, res, requestBody, responseBody } = p
    const tags = mergeTags(req.tags, res ? tagsOf(res) : noTags)
    const note = res && tags.includes('chaos') ? header(res, CHAOS_NOTE_HEADER) : undefined
    this.id = p.id
    this.listenerId = p.listenerId
    this.startedAt = p.startedAt
    this.method = req.method
    this.target = req.target
    this.httpVersion = req.version
    if (res) { this.status = res.status; this.reason = res.reason }
    if (sizeOf(requestBody, p.requestComplete) !== undefined) this.requestSize = requestBody.size
    if (responseBody && sizeOf(responseBody, p.responseComplete) !== undefined) this.responseSize = responseBody.size
    this.timings = p.timings
    if (p.durationMs !== undefined) this.durationMs = p.durationMs
    this.outcome = p.outcome
    this.tags = tags
    if (note !== undefined) this.note = note
    this.requestBody = requestBody
    this.responseBody = responseBody
    if (p.tunnel) this.tunnel = p.tunnel
    this.packedRequestHeaders = packed(req.headers)
    this.packedResponseHeaders = res ? packed(res.headers) : ''
  }

  get requestHeaders(): Headers {
    return unpacked(this.packedRequestHeaders)
  }

  get responseHeaders(): Headers {
    return unpacked(this.packedResponseHeaders)
  }

  get url(): string {
    return this.location().url
  }

  get host(): string {
    return this.location().host
  }

  get path(): string {
    return this.location().path
  }

  get contentType(): string | undefined {
    return packedHeader(this.packedResponseHeaders, 'content-type')
  }

  /** Worked out once for the url, host and path a summary reads one after another (the last one is remembered). */
  private location(): RequestLocation {
    if (lastLocated !== this) {
      lastLocation = locateTarget(this.target, hostOf, this)
      lastLocated = this
    }
    return lastLocation!
  }
}

function hostOf(record: ExchangeRecord): string | undefined {
  return packedHeader(record.packedRequestHeaders, 'host')
}

let lastLocated: ExchangeRecord | undefined
let lastLocation: RequestLocation | undefined

/**
 * A header list as one string, `name LF value LF name LF value`: one flat string instead of a pair array and two
 * strings per header. Names and values cannot hold a line feed on the wire; a list built in code whose names or
 * values do is kept as a compact copy instead, so nothing is ever misread.
 */
export type PackedHeaders = string | Headers

function packed(headers: Headers): PackedHeaders {
  const n = headers.length
  if (n === 0) return ''
  const flat = new Array<string>(2 * n)
  for (let i = 0; i < n; i++) {
    const [name, value] = headers[i]!
    if (name.includes('\n') || value.includes('\n')) return compact(headers)
    flat[2 * i] = name
    flat[2 * i + 1] = value
  }
  return flat.join('\n')
}

function unpacked(headers: PackedHeaders): Headers {
  if (typeof headers !== 'string') return headers
  if (headers === '') return noHeaders
  const flat = headers.split('\n')
  const pairs = new Array<Header>(flat.length >>> 1)
  for (let i = 0; i < pairs.length; i++) pairs[i] = pair(flat[2 * i]!, flat[2 * i + 1]!)
  return Object.freeze(pairs)
}

/** The first value of a header by its lower-case name, read from the packed text without unpacking it. */
function packedHeader(headers: PackedHeaders, lowerName: string): string | undefined {
  if (typeof headers !== 'string') return header({ headers }, lowerName)
  const n = lowerName.length
  let at = 0
  while (at < headers.length) {
    const nameEnd = headers.indexOf('\n', at)
    if (nameEnd < 0) return undefined
    const valueEnd = headers.indexOf('\n', nameEnd + 1)
    const end = valueEnd < 0 ? headers.length : valueEnd
    if (nameEnd - at === n && headers.slice(at, nameEnd).toLowerCase() === lowerName) return headers.slice(nameEnd + 1, end)
    at = end + 1
  }
  return undefined
}

function pair(name: string, value: string): Header {
  return Object.freeze([name, value]) as Header
}

const noHeaders: Headers = Object.freeze([])

/**
 * A frozen copy of a header list with no room to spare (the pairs are shared, not copied). Copied by hand:
 * `slice()` of a frozen array takes V8's slow path (about a microsecond for a few headers).
 */
function compact(headers: Headers): Headers {
  const copy = new Array<Header>(headers.length)
  for (let i = 0; i < headers.length; i++) copy[i] = headers[i]!
  return Object.freeze(copy)
}

function mergeTags(fromRequest: readonly string[] | undefined, fromResponse: readonly string[]): readonly string[] {
  if (!fromRequest?.length) return fromResponse
  return [...new Set([...fromRequest, ...fromResponse])]
}

/** Chaos behaviours name what they did in this response header; the inspector shows it as the exchange's note. */
const CHAOS_NOTE_HEADER = 'X-Nanoscope-Chaos'

const noTags: readonly string[] = Object.freeze([])

function tagsOf(res: Response): readonly string[] {
  if (!res.generated && !res.tunnel) return res.tags ?? noTags
  const tags = [...(res.tags ?? [])]
  if (res.generated && !tags.includes('generated')) tags.push('generated')
  if (res.tunnel && !tags.includes('tunnel')) tags.push('tunnel')
  return tags
}

/** The size worth reporting: the real one when the body was read to the end, or a declared one. */
function sizeOf(body: StoredBody, complete: boolean): number | undefined {
  return complete || body.size > 0 ? body.size : undefined
}
