/**
 * The `CapturedExchange` the capture filter delivers, built once from the exchange's request, response and
 * timings. A class, so every record has one shape with its fields inside the object (a literal given its
 * optional fields one by one grows a separate property store several times per record).
 */
import { header, type Header, type Headers, type Request, type Response, type TunnelStats } from '../core/message.ts'
import type { Outcome, Timings } from '../../shared/exchange.ts'
import type { CapturedExchange, StoredBody } from './captured-exchange.ts'
import { locate } from './request-location.ts'

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
 * Fields are set in the order the UI reads them; absent optional fields are left out, as in a literal. Headers
 * are compact copies of the lists the filters built (which may have room to spare), sharing their pairs.
 */
export class ExchangeRecord implements CapturedExchange {
  declare readonly id: string
  declare readonly listenerId: string
  declare readonly startedAt: number
  declare readonly method: string
  declare readonly target: string
  declare readonly url: string
  declare readonly host: string
  declare readonly path: string
  declare readonly httpVersion: string
  declare readonly requestHeaders: Headers
  declare readonly responseHeaders: Headers
  declare readonly status?: number
  declare readonly reason?: string
  declare readonly contentType?: string
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

  constructor(p: RecordParts) {
    const { req, res, requestBody, responseBody } = p
    const where = locate(req)
    const contentType = res ? header(res, 'Content-Type') : undefined
    const tags = mergeTags(req.tags, res ? tagsOf(res) : noTags)
    const note = res && tags.includes('chaos') ? header(res, CHAOS_NOTE_HEADER) : undefined
    this.id = p.id
    this.listenerId = p.listenerId
    this.startedAt = p.startedAt
    this.method = req.method
    this.target = req.target
    this.url = where.url
    this.host = where.host
    this.path = where.path
    this.httpVersion = req.version
    this.requestHeaders = compact(req.headers)
    this.responseHeaders = res ? compact(res.headers) : noHeaders
    if (res) { this.status = res.status; this.reason = res.reason }
    if (contentType !== undefined) this.contentType = contentType
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
  }
}

const noHeaders: Headers = Object.freeze([])

/**
 * A frozen copy of a header list with no room to spare (the pairs are shared, not copied). Copied by hand:
 * `slice()` of a frozen array takes V8's slow path (about a microsecond for a few headers).
 */
function compact(headers: Headers): Headers {
  const n = headers.length
  if (n === 0) return noHeaders
  const copy = new Array<Header>(n)
  for (let i = 0; i < n; i++) copy[i] = headers[i]!
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
