/**
 * The `CapturedExchange` the capture filter delivers, built once from the exchange's request, response and
 * timings. A class, so every record has one shape with its fields inside the object (a literal given its
 * optional fields one by one grows a separate property store several times per record).
 */
import { STATUS_CODES } from 'node:http'
import type { Headers, Request, Response, TunnelStats } from '../core/message.ts'
import type { Outcome, Timings } from '../../shared/exchange.ts'
import type { CapturedExchange, Mutable, StoredBody } from './captured-exchange.ts'
import { locateTarget, type RequestLocation } from './request-location.ts'
import { ownedBody, slabBodyLength, slabFor, slabTaken, slabTextLength, slabUsed, storedBody } from './record-slab.ts'
import { packedHeader, packHeaders, unpackHeaders, type PackedHeaders } from './packed-headers.ts'
import { exchangeNote, exchangeTags } from './exchange-tags.ts'

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
 * Kept small, because a store holds up to 100,000 of these and each one outlives young-generation collections,
 * which copy every surviving object: headers are packed into one string per message, and that text and bodies
 * up to `SLAB_BODY_MAX` bytes are copied into a shared slab outside the JS heap (`record-slab.ts`), read back
 * when asked for; the location (url, host, path) and content type are worked out when asked for. A record is
 * then one object with a few numbers, where it was some fifty objects with header pairs and body buffers.
 */
export class ExchangeRecord implements CapturedExchange {
  declare readonly id: string
  declare readonly listenerId: string
  declare readonly method: string
  declare readonly httpVersion: string
  declare readonly status?: number
  declare readonly reason?: string
  declare readonly requestSize?: number
  declare readonly responseSize?: number
  declare readonly outcome: Outcome
  declare readonly tags: readonly string[]
  declare readonly note?: string
  declare readonly tunnel?: TunnelStats
  /**
   * The bulk, in this order from `at` in `slab`: the numbers (`NUMBERS_BYTES`: start time, duration, timing
   * marks, as doubles, NaN for absent), then the request target, request headers, response headers (packed text,
   * latin1), request body, response body. A length of -1 means that part is held in `held` instead (text that is
   * not plain ASCII, a body larger than `SLAB_BODY_MAX`, no response body).
   */
  declare private readonly slab: Buffer
  declare private readonly at: number
  declare private readonly targetLength: number
  declare private readonly requestHeadersLength: number
  declare private readonly responseHeadersLength: number
  declare private readonly requestBodyLength: number
  declare private readonly responseBodyLength: number
  /** The real body sizes (what went over the wire), which may exceed what was kept. */
  declare private readonly requestBodySize: number
  declare private readonly responseBodySize: number
  /** The parts not in the slab; undefined (no object at all) when every part is there, as it mostly is. */
  declare private readonly held: Held | undefined
  /** Set only for a body that did not all go by (`StoredBody.missing`), which is rare. */
  declare private readonly requestMissing?: number | null
  declare private readonly responseMissing?: number | null

  constructor(p: RecordParts) {
    const { req, res, requestBody, responseBody } = p
    const tags = exchangeTags(req, res)
    const note = exchangeNote(res, tags)
    this.id = p.id
    this.listenerId = p.listenerId
    this.method = req.method
    this.httpVersion = req.version
    if (res) {
      this.status = res.status
      this.reason = sharedReason(res.status, res.reason)
    }
    if (sizeOf(requestBody, p.requestComplete) !== undefined) this.requestSize = requestBody.size
    if (responseBody && sizeOf(responseBody, p.responseComplete) !== undefined) this.responseSize = responseBody.size
    this.outcome = p.outcome
    this.tags = tags
    if (note !== undefined) this.note = note
    if (p.tunnel) this.tunnel = p.tunnel

    const target = req.target
    const requestHeaders = packHeaders(req.headers)
    const responseHeaders = res ? packHeaders(res.headers) : ''
    const tl = slabTextLength(target)
    const qh = slabTextLength(requestHeaders)
    const sh = slabTextLength(responseHeaders)
    const qb = slabBodyLength(requestBody)
    const sb = slabBodyLength(responseBody)
    const slab = slabFor(
      NUMBERS_BYTES + Math.max(0, tl) + Math.max(0, qh) + Math.max(0, sh) + Math.max(0, qb) + Math.max(0, sb),
    )
    const start = slabUsed()
    const { timings } = p
    slab.writeDoubleLE(p.startedAt, start)
    slab.writeDoubleLE(p.durationMs ?? NaN, start + 8)
    slab.writeDoubleLE(timings.requestBodyDone ?? NaN, start + 16)
    slab.writeDoubleLE(timings.responseHeaders ?? NaN, start + 24)
    slab.writeDoubleLE(timings.responseDone ?? NaN, start + 32)
    let at = start + NUMBERS_BYTES
    if (tl > 0) at += slab.write(target, at, tl, 'latin1')
    if (qh > 0) at += slab.write(requestHeaders as string, at, qh, 'latin1')
    if (sh > 0) at += slab.write(responseHeaders as string, at, sh, 'latin1')
    if (qb > 0) {
      slab.set(requestBody.bytes, at)
      at += qb
    }
    if (sb > 0) {
      slab.set(responseBody!.bytes, at)
      at += sb
    }
    slabTaken(at - start)
    this.slab = slab
    this.at = start
    this.targetLength = tl
    this.requestHeadersLength = qh
    this.responseHeadersLength = sh
    this.requestBodyLength = qb
    this.responseBodyLength = sb
    this.requestBodySize = requestBody.size
    this.responseBodySize = responseBody ? responseBody.size : 0
    if (requestBody.missing !== undefined) this.requestMissing = requestBody.missing
    if (responseBody?.missing !== undefined) this.responseMissing = responseBody.missing
    this.held =
      tl < 0 || qh < 0 || sh < 0 || qb < 0 || sb < 0
        ? {
            target: tl < 0 ? target : undefined,
            requestHeaders: qh < 0 ? requestHeaders : undefined,
            responseHeaders: sh < 0 ? responseHeaders : undefined,
            requestBody: qb < 0 ? ownedBody(requestBody) : undefined,
            responseBody: sb < 0 ? ownedBody(responseBody) : undefined,
          }
        : undefined
  }

  get startedAt(): number {
    return this.slab.readDoubleLE(this.at)
  }

  get durationMs(): number | undefined {
    return this.number(8)
  }

  /** The timing marks, in a fresh object with only those that were reached. */
  get timings(): Timings {
    const timings: Mutable<Timings> = {}
    const requestBodyDone = this.number(16)
    const responseHeaders = this.number(24)
    const responseDone = this.number(32)
    if (requestBodyDone !== undefined) timings.requestBodyDone = requestBodyDone
    if (responseHeaders !== undefined) timings.responseHeaders = responseHeaders
    if (responseDone !== undefined) timings.responseDone = responseDone
    return timings
  }

  get target(): string {
    const n = this.targetLength
    const from = this.startOf(TARGET)
    return n < 0 ? this.held!.target! : this.slab.toString('latin1', from, from + n)
  }

  get requestHeaders(): Headers {
    return unpackHeaders(this.packedRequestHeaders)
  }

  get responseHeaders(): Headers {
    return unpackHeaders(this.packedResponseHeaders)
  }

  get requestBody(): StoredBody {
    const n = this.requestBodyLength
    const body =
      n < 0 ? this.held!.requestBody! : storedBody(this.slab, this.startOf(REQUEST_BODY), n, this.requestBodySize)
    return this.requestMissing === undefined ? body : { ...body, missing: this.requestMissing }
  }

  get responseBody(): StoredBody | null {
    const n = this.responseBodyLength
    const body =
      n < 0 ? this.held!.responseBody! : storedBody(this.slab, this.startOf(RESPONSE_BODY), n, this.responseBodySize)
    return this.responseMissing === undefined || !body ? body : { ...body, missing: this.responseMissing }
  }

  /** The request's header list, packed (`packed-headers.ts`). */
  get packedRequestHeaders(): PackedHeaders {
    const n = this.requestHeadersLength
    const from = this.startOf(REQUEST_HEADERS)
    return n < 0 ? this.held!.requestHeaders! : this.slab.toString('latin1', from, from + n)
  }

  /** The response's header list, packed; empty when there was no response. */
  get packedResponseHeaders(): PackedHeaders {
    const n = this.responseHeadersLength
    const from = this.startOf(RESPONSE_HEADERS)
    return n < 0 ? this.held!.responseHeaders! : this.slab.toString('latin1', from, from + n)
  }

  /** A number from the slab's number block (NaN there means absent). */
  private number(offset: number): number | undefined {
    const n = this.slab.readDoubleLE(this.at + offset)
    return Number.isNaN(n) ? undefined : n
  }

  /** Where a part of the bulk starts in the slab: after the numbers and the parts before it that are there. */
  private startOf(part: number): number {
    let at = this.at + NUMBERS_BYTES
    if (part > TARGET) at += Math.max(0, this.targetLength)
    if (part > REQUEST_HEADERS) at += Math.max(0, this.requestHeadersLength)
    if (part > RESPONSE_HEADERS) at += Math.max(0, this.responseHeadersLength)
    if (part > REQUEST_BODY) at += Math.max(0, this.requestBodyLength)
    return at
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

/** A record's parts that are not in its slab. */
interface Held {
  readonly target: string | undefined
  readonly requestHeaders: PackedHeaders | undefined
  readonly responseHeaders: PackedHeaders | undefined
  readonly requestBody: StoredBody | null | undefined
  readonly responseBody: StoredBody | null | undefined
}

/** Bytes of numbers at the start of each record's bulk: five doubles. */
const NUMBERS_BYTES = 40

/**
 * The reason phrase: the standard one for the status when it is that (one string shared by every record, not one
 * per response as the parser makes them), else as it came.
 */
function sharedReason(status: number, reason: string): string {
  const standard = STATUS_CODES[status]
  return standard === reason ? standard : reason
}

/** The parts of a record's bulk, in their order in the slab. */
const TARGET = 0
const REQUEST_HEADERS = 1
const RESPONSE_HEADERS = 2
const REQUEST_BODY = 3
const RESPONSE_BODY = 4

function hostOf(record: ExchangeRecord): string | undefined {
  return packedHeader(record.packedRequestHeaders, 'host')
}

let lastLocated: ExchangeRecord | undefined
let lastLocation: RequestLocation | undefined

/** The size worth reporting: the real one when the body was read to the end, or a declared one. */
function sizeOf(body: StoredBody, complete: boolean): number | undefined {
  return complete || body.size > 0 ? body.size : undefined
}
