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
import { bodySlabs, headSlabs, slabTextLength, type BodySlab } from './record-slab.ts'
import {
  packedHeader,
  packedLength,
  packHeaders,
  unpackHeaders,
  writePackedHeaders,
  type PackedHeaders,
} from './packed-headers.ts'
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
  /** Trailer fields after each body, when capture heard them (empty or absent: none came). */
  readonly requestTrailers?: Headers
  readonly responseTrailers?: Headers
}

/**
 * Fields are set in the order the UI reads them; absent optional fields are left out, as in a literal.
 *
 * Kept small, because a store holds up to 100,000 of these and each one outlives young-generation collections,
 * which copy every surviving object: headers are packed into one string per message, and that text is copied
 * into a shared slab outside the JS heap, bodies up to `SLAB_BODY_MAX` bytes into another (`record-slab.ts`), read
 * back when asked for; the location (url, host, path) and content type are worked out when asked for. A record is
 * then one object with a few numbers, where it was some fifty objects with header pairs and body buffers.
 *
 * `dropBodies()` drops its body bytes in place (sizes kept, marked `dropped`): the store uses it to keep within its
 * byte bound while the row stays, and the memory the bodies held is freed.
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
   * latin1). A length of -1 means that part is held in `held` instead (text that is not plain ASCII).
   */
  declare private readonly slab: Buffer
  declare private readonly at: number
  declare private readonly targetLength: number
  declare private readonly requestHeadersLength: number
  declare private readonly responseHeadersLength: number
  /**
   * The bodies, request then response, from `bodyAt` (`BodySlabs.keep`). Undefined when there are no body bytes, or
   * they were dropped (`bodyAt` is then `DROPPED`). A response body length of -1: no response.
   */
  declare private readonly bodySlab: BodySlab | undefined
  declare private readonly bodyAt: number
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
  /** Set only for HTTP/2 requests: their pseudo-header fields, packed. */
  declare private readonly pseudo?: PackedHeaders
  /** Set only for an exchange that carried trailers (HTTP/2, gRPC, chunked), which is rare: both lists, packed. */
  declare private readonly trailers?: Trailers

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
    const tl = slabTextLength(target)
    const resHeaders = res ? res.headers : noHeaders
    // Header lists are packed straight into the slab (no packed string on the way); one that is not plain ASCII
    // is packed as a string (or a list) and held instead.
    const slab = headSlabs.slabFor(
      NUMBERS_BYTES + Math.max(0, tl) + packedLength(req.headers) + packedLength(resHeaders),
    )
    const start = headSlabs.used
    const { timings } = p
    slab.writeDoubleLE(p.startedAt, start)
    slab.writeDoubleLE(p.durationMs ?? NaN, start + 8)
    slab.writeDoubleLE(timings.requestBodyDone ?? NaN, start + 16)
    slab.writeDoubleLE(timings.responseHeaders ?? NaN, start + 24)
    slab.writeDoubleLE(timings.responseDone ?? NaN, start + 32)
    let at = start + NUMBERS_BYTES
    if (tl > 0) at += slab.write(target, at, tl, 'latin1')
    const qh = writePackedHeaders(req.headers, slab, at)
    if (qh > 0) at += qh
    const sh = writePackedHeaders(resHeaders, slab, at)
    if (sh > 0) at += sh
    headSlabs.taken(at - start)
    this.slab = slab
    this.at = start
    this.targetLength = tl
    this.requestHeadersLength = qh
    this.responseHeadersLength = sh
    // Chunks (`parts`) are copied straight into place, never joined first.
    const requestBytes = requestBody.parts ?? requestBody.bytes
    const responseBytes = responseBody ? (responseBody.parts ?? responseBody.bytes) : undefined
    const kept = bodySlabs.keep(requestBytes, responseBytes)
    const qb = kept ? lengthOfBody(requestBody) : 0
    const sb = responseBody && kept ? lengthOfBody(responseBody) : 0
    this.bodySlab = kept?.slab
    this.bodyAt = kept?.at ?? 0
    this.requestBodyLength = qb
    this.responseBodyLength = responseBody ? sb : -1
    this.requestBodySize = requestBody.size
    this.responseBodySize = responseBody ? responseBody.size : 0
    if (requestBody.missing !== undefined) this.requestMissing = requestBody.missing
    if (responseBody?.missing !== undefined) this.responseMissing = responseBody.missing
    if (req.pseudoHeaders && req.pseudoHeaders.length > 0) this.pseudo = packHeaders(req.pseudoHeaders)
    const qt = p.requestTrailers,
      st = p.responseTrailers
    if ((qt && qt.length > 0) || (st && st.length > 0))
      this.trailers = { request: packHeaders(qt ?? noHeaders), response: packHeaders(st ?? noHeaders) }
    this.held =
      tl < 0 || qh < 0 || sh < 0
        ? {
            // Stryker disable ConditionalExpression,EqualityOperator: a part is read from `held` only when its length is -1, so holding one that is also in the slab changes nothing read
            target: tl < 0 ? target : undefined,
            requestHeaders: qh < 0 ? packHeaders(req.headers) : undefined,
            responseHeaders: sh < 0 ? packHeaders(resHeaders) : undefined,
            // Stryker restore ConditionalExpression,EqualityOperator
          }
        : undefined
  }

  /**
   * Drops the body bytes, in place (the one change a record ever sees, made by the store to keep within its byte
   * bound): sizes stay, each body that had bytes reads back empty, truncated and `dropped`, and their slab is told
   * (it is reused once no record holds bodies in it). Beware: so a body read from a record is a view that is good
   * until its bodies are dropped; use it at once (as the detail, search and HAR export do), or copy it. In place,
   * not a copy, so the record keeps its shape (a copy made by `Object.assign` onto `Object.create` of the prototype
   * weighed over a kilobyte in V8's dictionary mode, where a record is ~300 bytes). Returns whether there were bytes
   * to drop.
   */
  dropBodies(): boolean {
    const slab = this.bodySlab
    if (slab === undefined) return false
    const self = this as unknown as Mutable<{
      bodySlab: BodySlab | undefined
      bodyAt: number
      requestBodyLength: number
      responseBodyLength: number
    }>
    self.bodySlab = undefined
    self.bodyAt = DROPPED
    self.requestBodyLength = 0
    // Stryker disable next-line ConditionalExpression,EqualityOperator: a dropped body reads back empty by `bodyAt` alone (`storedBody`); the length is reset only for tidiness
    if (this.responseBodyLength > 0) self.responseBodyLength = 0
    bodySlabs.release(slab)
    return true
  }

  /** The body bytes this record keeps (both bodies), read without making a body view: what the store counts. */
  get keptBodyBytes(): number {
    return this.bodyAt === DROPPED ? 0 : this.requestBodyLength + Math.max(0, this.responseBodyLength)
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
    const body = this.storedBody(this.bodyAt, this.requestBodyLength, this.requestBodySize)
    return this.requestMissing === undefined ? body : { ...body, missing: this.requestMissing }
  }

  get responseBody(): StoredBody | null {
    const n = this.responseBodyLength
    if (n < 0) return null
    const body = this.storedBody(this.bodyAt + this.requestBodyLength, n, this.responseBodySize)
    return this.responseMissing === undefined ? body : { ...body, missing: this.responseMissing }
  }

  private storedBody(from: number, length: number, size: number): StoredBody {
    if (length === 0 && size === 0) return noBody
    if (this.bodyAt === DROPPED && size > 0) return { bytes: noBytes, size, truncated: true, dropped: true }
    const bytes = length === 0 ? noBytes : this.bodySlab!.bytes.subarray(from, from + length)
    return { bytes, size, truncated: length < size }
  }

  /** An HTTP/2 request's pseudo-header fields as the wire had them; undefined for HTTP/1.1. */
  get requestPseudoHeaders(): Headers | undefined {
    const p = this.pseudo
    return p === undefined ? undefined : unpackHeaders(p)
  }

  /** The request's trailer fields; undefined when none came. */
  get requestTrailers(): Headers | undefined {
    const t = this.trailers?.request
    return t === undefined || t.length === 0 ? undefined : unpackHeaders(t)
  }

  /** The response's trailer fields (gRPC's `grpc-status`…); undefined when none came. */
  get responseTrailers(): Headers | undefined {
    const t = this.trailers?.response
    return t === undefined || t.length === 0 ? undefined : unpackHeaders(t)
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
}

/** A record's trailer lists, packed (an empty list is ''). */
interface Trailers {
  readonly request: PackedHeaders
  readonly response: PackedHeaders
}

const noHeaders: Headers = Object.freeze([])

/** `bodyAt` of a record whose bodies were dropped. */
const DROPPED = -1

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

const noBytes = new Uint8Array(0)

const noBody: StoredBody = Object.freeze({ bytes: noBytes, size: 0, truncated: false })

/** The bytes a stored body keeps, without joining its parts. */
function lengthOfBody(body: StoredBody): number {
  if (body.parts === undefined) return body.bytes.byteLength
  let n = 0
  for (const p of body.parts) n += p.byteLength
  return n
}

function hostOf(record: ExchangeRecord): string | undefined {
  return packedHeader(record.packedRequestHeaders, 'host')
}

let lastLocated: ExchangeRecord | undefined
let lastLocation: RequestLocation | undefined

/** The size worth reporting: the real one when the body was read to the end, or a declared one. */
function sizeOf(body: StoredBody, complete: boolean): number | undefined {
  return complete || body.size > 0 ? body.size : undefined
}
