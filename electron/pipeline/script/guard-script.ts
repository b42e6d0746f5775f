/**
 * Keeps a user's filter from costing more than its own exchange (mitmproxy contains addon errors the same
 * way): a throw or a rejection becomes a 500 made by Nanoscope naming the script and the error; no answer
 * within the timeout becomes a 504. Either way the listener keeps serving.
 */
import type { HttpHandler } from '../../core/http.ts'
import { generatedResponse, response, type Body, type Request, type Response } from '../../core/message.ts'
import { oneLine } from './load-script.ts'

/** How long a script may take to answer when the block does not say (`timeoutMs`). */
export const DEFAULT_SCRIPT_TIMEOUT_MS = 30_000

/** Runs `handler` (a script's, already applied to `next`) with its failures turned into generated responses. */
export function guardScript(label: string, timeoutMs: number, handler: () => HttpHandler): HttpHandler {
  return function runScript(req: Request): Promise<Response> {
    return new Promise<Response>((resolve) => {
      let settled = false
      const timer = setTimeout(() => {
        settled = true
        resolve(generatedResponse(504, 'timeout', `script ${label} did not answer within ${timeoutMs} ms`))
      }, timeoutMs)
      // A hanging script must not keep a stopping process alive.
      timer.unref()
      const finish = (res: Response): void => {
        if (settled) {
          discard(res)
          return
        }
        settled = true
        clearTimeout(timer)
        resolve(res)
      }
      let answer: Promise<unknown>
      try {
        answer = Promise.resolve(handler()(req))
      } catch (error) {
        answer = Promise.reject(error)
      }
      answer.then(
        (res) =>
          finish(
            asResponse(res) ??
              generatedResponse(
                500,
                'internal',
                `script ${label} failed: it answered ${describeAnswer(res)}, not a response (return next(req), or { status, headers, body })`,
              ),
          ),
        (error: unknown) => finish(generatedResponse(500, 'internal', `script ${label} failed: ${oneLine(error)}`)),
      )
    })
  }
}

/**
 * The script's answer as a kernel response. A response from `next` passes as it is; one the script made may
 * leave out `reason`, `version` and `headers`, and give its body as text or bytes (JavaScript users have no
 * `response()` helper at hand).
 */
function asResponse(value: unknown): Response | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const r = value as { status?: unknown; reason?: unknown; version?: unknown; headers?: unknown; body?: unknown }
  if (typeof r.status !== 'number' || !Number.isInteger(r.status) || r.status < 100 || r.status > 599) return undefined
  if (
    r.headers !== undefined &&
    !(
      Array.isArray(r.headers) &&
      r.headers.every((h) => Array.isArray(h) && h.length === 2 && typeof h[0] === 'string' && typeof h[1] === 'string')
    )
  )
    return undefined
  const body = r.body
  const isBody =
    typeof body === 'object' && body !== null && ((body as Body).kind === 'bytes' || (body as Body).kind === 'stream')
  if (isBody && typeof r.reason === 'string' && typeof r.version === 'string' && r.headers !== undefined)
    return value as Response
  if (!(body === undefined || isBody || typeof body === 'string' || body instanceof Uint8Array)) return undefined
  return response(r.status, {
    ...(typeof r.reason === 'string' ? { reason: r.reason } : {}),
    ...(typeof r.version === 'string' ? { version: r.version } : {}),
    headers: (r.headers ?? []) as [string, string][],
    ...(body === undefined ? {} : { body: body as Body | string | Uint8Array }),
    ...((value as Response).tags ? { tags: (value as Response).tags! } : {}),
    ...((value as Response).generated ? { generated: (value as Response).generated! } : {}),
  })
}

function describeAnswer(value: unknown): string {
  if (value === undefined || value === null) return String(value)
  return typeof value === 'object' ? 'an object without a valid status, headers and body' : `a ${typeof value}`
}

/** A late answer, after the 504 went out: its stream is freed so the upstream connection is not held. */
function discard(res: Response): void {
  if (res.body.kind === 'stream') res.body.stream.destroy()
}
