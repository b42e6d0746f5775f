/**
 * The kernel: two types and their composition, after http4k's `Http4k.kt`.
 *
 * - `HttpHandler` turns a request into a (promised) response. A server, a client and a proxy all share it.
 * - `Filter` wraps a handler in another handler. Every feature is a filter.
 *
 * Thenable hazard: nothing here has a `.then` method. An object with `.then` is treated as a
 * Promise by `await`, so a filter with `.then` returned from an async function would hang. Composition is
 * done with the plain functions `compose` (filter + filter) and `pipeline` (filters + handler), always
 * synchronously; `test/core/http.test.ts` pins that a filter is not a thenable.
 */
import type { Request, Response } from './message.ts'

export type HttpHandler = (request: Request) => Promise<Response>

/** A handler-to-handler function, optionally able to say what it does in one English line. */
export interface Filter {
  (next: HttpHandler): HttpHandler
  readonly description?: string
}

/** Gives a filter its one-line English description (shown in the Pipelines pane and in test names). */
export function describe<F extends (next: HttpHandler) => HttpHandler>(description: string, filter: F): Filter {
  return Object.assign(filter, { description })
}

/** The identity filter. */
export const noOp: Filter = describe('does nothing', (next) => next)

/** Composes filters outermost-first: `compose(a, b)(h)` is `a(b(h))`. */
export function compose(...filters: Filter[]): Filter {
  const composed = (next: HttpHandler): HttpHandler => filters.reduceRight((h, f) => f(h), next)
  return describe(filters.map(describeFilter).join('; then '), composed)
}

/** Applies filters (outermost first) to a handler. */
export function pipeline(filters: readonly Filter[], handler: HttpHandler): HttpHandler {
  return filters.reduceRight<HttpHandler>((h, f) => f(h), handler)
}

/** One line per filter, outermost first, for anything that wants to explain a pipeline. */
export function describePipeline(filters: readonly Filter[], handlerDescription: string): string[] {
  return [...filters.map(describeFilter), handlerDescription]
}

export function describeFilter(filter: Filter): string {
  return filter.description ?? (filter.name ? `filter ${filter.name}` : 'an undescribed filter')
}
