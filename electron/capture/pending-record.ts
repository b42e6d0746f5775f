/**
 * What capture knows of an exchange the moment its request head is read: a record marked pending, so the
 * inspector can show a request in flight (DevTools, HTTP Toolkit) and complete the same row in place later.
 *
 * Cheap on purpose, because it is made on the request path for every exchange: one small object holding the
 * request by reference, its location worked out only when a summary is asked for (and no summary is made when
 * nobody watches). The store replaces it with the `ExchangeRecord` when the exchange ends.
 */
import type { Headers, Request } from '../core/message.ts'
import { header } from '../core/message.ts'
import type { Outcome, Timings } from '../../shared/exchange.ts'
import type { CapturedExchange } from './captured-exchange.ts'
import { locateTarget, type RequestLocation } from './request-location.ts'

export class PendingRecord implements CapturedExchange {
  /** Set when the exchange's completed record has been queued after this one: a batch holding both sends only that. */
  superseded = false
  private located: RequestLocation | undefined

  constructor(
    readonly id: string,
    readonly listenerId: string,
    readonly startedAt: number,
    private readonly req: Request,
  ) {}

  get method(): string {
    return this.req.method
  }
  get httpVersion(): string {
    return this.req.version
  }
  get target(): string {
    return this.req.target
  }
  get requestHeaders(): Headers {
    return this.req.headers
  }
  get responseHeaders(): Headers {
    return noHeaders
  }
  get requestPseudoHeaders(): Headers | undefined {
    return this.req.pseudoHeaders
  }
  get requestBody(): null {
    return null
  }
  get responseBody(): null {
    return null
  }
  get timings(): Timings {
    return noTimings
  }
  get outcome(): Outcome {
    return pending
  }
  get tags(): readonly string[] {
    return this.req.tags ?? noTags
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

  private location(): RequestLocation {
    return (this.located ??= locateTarget(this.req.target, hostOf, this.req))
  }
}

function hostOf(req: Request): string | undefined {
  return header(req, 'Host')
}

const pending: Outcome = Object.freeze({ kind: 'pending' })
const noTimings: Timings = Object.freeze({})
const noTags: readonly string[] = Object.freeze([])
const noHeaders: Headers = Object.freeze([])
