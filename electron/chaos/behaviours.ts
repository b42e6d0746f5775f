/**
 * What chaos does to an exchange (http4k `ChaosBehaviours`, plus reset, hang, dribble and truncate).
 *
 * Each behaviour says what it is in one line (`describe`) and marks every response it touches with
 * `X-Nanoscope-Chaos` and `x-http4k-chaos` headers naming what was done, and the tag `chaos`.
 */
import type { HttpHandler } from '../core/http.ts'
import {
  bodyBytes,
  bodyLength,
  bufferBody,
  response,
  withHeader,
  withTags,
  type Headers,
  type Request,
  type Response,
} from '../core/message.ts'
import { cutBody, dribbledBody, resettingBody } from './body-cuts.ts'
import type { ChaosEnv } from './chaos-env.ts'
import { formatDuration } from './duration.ts'

export interface Behaviour {
  apply(req: Request, next: HttpHandler): Promise<Response>
  describe(): string
}

export const CHAOS_HEADER = 'X-Nanoscope-Chaos'
/** The header http4k's chaos engine sets, sent too so http4k-minded tooling sees it. */
export const HTTP4K_CHAOS_HEADER = 'x-http4k-chaos'

/** Marks a response as made or changed by chaos: both headers and the `chaos` tag. */
export function markChaotic(res: Response, note: string): Response {
  return withTags(withHeader(withHeader(res, CHAOS_HEADER, note), HTTP4K_CHAOS_HEADER, note), 'chaos')
}

const behaviour = (describe: string, apply: Behaviour['apply']): Behaviour => ({ apply, describe: () => describe })

/** Waits a random time in [min, max) (exactly `min` when they are equal) before calling next, unless the client left. */
export function latency(minMs: number, maxMs: number, env: ChaosEnv): Behaviour {
  const line =
    minMs === maxMs
      ? `Latency (${formatDuration(minMs)})`
      : `Latency (range = ${formatDuration(minMs)} to ${formatDuration(maxMs)})`
  return behaviour(line, async (req, next) => {
    const ms = maxMs > minMs ? minMs + env.random.nextInt(maxMs - minMs) : minMs
    await env.sleep(ms, req.signal)
    if (req.signal?.aborted)
      return markChaotic(response(200, { body: resettingBody() }), `Latency (${ms}ms, client left)`)
    return markChaotic(await next(req), `Latency (${ms}ms)`)
  })
}

/** An empty response with this status; next is never called. */
export const returnStatus = (status: number): Behaviour =>
  behaviour(`ReturnStatus (${status})`, async () => markChaotic(response(status), `Status ${status}`))

/** This response; next is never called. */
export const returnResponse = (status: number, headers: Headers = [], body = ''): Behaviour =>
  behaviour(`ReturnResponse (${status})`, async () =>
    markChaotic(response(status, { headers, body }), `Response ${status}`),
  )

/** Calls next, then sends the response with no body. */
export const noBody = (): Behaviour =>
  behaviour('NoBody', async (req, next) => markChaotic(cutBody(await next(req), 0), 'Snip body (0b)'))

/** Calls next, then cuts the response body to a random length shorter than it was. */
export const snipBody = (env: ChaosEnv): Behaviour =>
  behaviour('SnipBody', async (req, next) => {
    const res = await knownLength(await next(req))
    const limit = env.random.nextInt(bodyLength(res.body) ?? 0)
    return markChaotic(cutBody(res, limit), `Snip body (${limit}b)`)
  })

/** Cuts the request body to a random length shorter than it was, then calls next. */
export const snipRequestBody = (env: ChaosEnv): Behaviour =>
  behaviour('SnipRequestBody', async (req, next) => {
    const known = await knownLength(req)
    const limit = env.random.nextInt(bodyLength(known.body) ?? 0)
    return markChaotic(await next(cutBody(known, limit)), `Snip request body (${limit}b)`)
  })

/** Calls next, then cuts the response body to at most `bytes`. */
export const truncateBody = (bytes: number): Behaviour =>
  behaviour(`TruncateBody (${bytes}b)`, async (req, next) =>
    markChaotic(cutBody(await next(req), bytes), `Truncate body (${bytes}b)`),
  )

/** Cuts the request body to at most `bytes`, then calls next. */
export const truncateRequestBody = (bytes: number): Behaviour =>
  behaviour(`TruncateRequestBody (${bytes}b)`, async (req, next) =>
    markChaotic(await next(cutBody(req, bytes)), `Truncate request body (${bytes}b)`),
  )

/** Drops the client's connection without an answer; next is never called. */
export const resetConnection = (): Behaviour =>
  behaviour('ResetConnection', async () => markChaotic(response(200, { body: resettingBody() }), 'Reset connection'))

/**
 * Never answers: waits until the client gives up, or until `closeAfterMs` and then drops the connection.
 * Beware: without `closeAfterMs` and without a request signal (a handler called in memory) it waits forever.
 */
export const hang = (env: ChaosEnv, closeAfterMs?: number): Behaviour =>
  behaviour(closeAfterMs === undefined ? 'Hang' : `Hang (close after ${formatDuration(closeAfterMs)})`, async (req) => {
    await (closeAfterMs === undefined ? waitForAbort(req.signal) : env.sleep(closeAfterMs, req.signal))
    return markChaotic(
      response(200, { body: resettingBody() }),
      closeAfterMs === undefined ? 'Hang' : `Hang (closed after ${closeAfterMs}ms)`,
    )
  })

/** Calls next, then sends the response body in small pieces spread over `periodMs`. */
export const dribble = (periodMs: number): Behaviour =>
  behaviour(`Dribble (over ${formatDuration(periodMs)})`, async (req, next) => {
    const res = await next(req)
    const bytes = await bodyBytes(res.body)
    return markChaotic(
      Object.freeze({ ...res, body: dribbledBody(bytes, periodMs) }),
      `Dribble (${bytes.byteLength}b over ${periodMs}ms)`,
    )
  })

export const none = (): Behaviour => behaviour('None', (req, next) => next(req))

async function knownLength<M extends Request | Response>(message: M): Promise<M> {
  // Stryker disable next-line ConditionalExpression: buffering a body whose length is known sends the same bytes, only costing memory (the other way round, a stream of unknown length not buffered, is pinned in behaviour-edges.test.ts)
  return bodyLength(message.body) === undefined ? bufferBody(message) : message
}

function waitForAbort(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!signal) return
    if (signal.aborted) {
      resolve()
      return
    }
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: a signal fires 'abort' once; `once` only lets the listener go
    signal.addEventListener('abort', () => resolve(), { once: true })
  })
}
