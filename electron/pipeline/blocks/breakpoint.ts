/**
 * `breakpoint`: holds a matching request before it goes upstream, and/or its response before it goes to the
 * client, until someone continues it (as edited), aborts it or answers it (Charles's and mitmproxy's
 * breakpoints, HTTP Toolkit's "pause"). The pauses live in the host's `Breakpoints`, which the contract and
 * the window drive; nobody answering means it continues unchanged after `timeoutSeconds`.
 */
import { z } from 'zod'
import { describe } from '../../core/http.ts'
import { bytesBody, response, withTags, type Headers, type Request, type Response } from '../../core/message.ts'
import { resettingBody } from '../../chaos/body-cuts.ts'
import type { PausedEdits } from '../../../shared/exchange.ts'
import type { BlockKind, BlockContext } from '../block.ts'
import { Breakpoints, type Resolution } from '../breakpoints.ts'
import { holdBody } from '../hold-body.ts'
import { describeMatch } from '../match.ts'
import { commonFields, whenMatched } from './common.ts'

const schema = z.strictObject({
  use: z.literal('breakpoint'),
  ...commonFields,
  on: z
    .array(z.enum(['request', 'response']))
    .min(1)
    .optional()
    .describe('what to pause; default ["request"]'),
  timeoutSeconds: z.number().gt(0).max(86_400).optional().describe('continue unchanged after this long; default 300'),
})
export type BreakpointBlock = z.infer<typeof schema>

export const DEFAULT_TIMEOUT_SECONDS = 300

export const breakpointBlock: BlockKind<BreakpointBlock> = {
  use: 'breakpoint',
  summary: 'pauses matching requests (and/or their responses) until you continue, edit, abort or answer them',
  schema,
  example: { use: 'breakpoint', match: { path: '/api/*' }, on: ['request'], timeoutSeconds: 60 },
  describe: (b) =>
    `pauses ${(b.on ?? ['request']).join(' and ')} of ${describeMatch(b.match)} (continues by itself after ${b.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS} s)`,
  build: (b, context) => {
    const registry = context.breakpoints ?? new Breakpoints(context.clock)
    const on = new Set(b.on ?? ['request'])
    const timeoutMs = (b.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000
    const filter = whenMatched(b.match, 'pauseAtBreakpoint', async (original, next) => {
      let req = original
      const notes: string[] = []
      if (on.has('request')) {
        const held = await holdBody(req.body)
        if ('passed' in held) notes.push('breakpoint: request body too large to hold; passed unchanged')
        else {
          req = Object.freeze({ ...req, body: bytesBody(held.held) })
          const r = await registry.pause({
            ...common(req, context, timeoutMs),
            phase: 'request',
            requestSize: held.held.byteLength,
            requestBody: held.held.toString('base64'),
          })
          if (r.kind === 'abort') return aborted()
          if (r.kind === 'respond') return answered(r)
          if (req.signal?.aborted) return aborted() // the client left while paused: nothing goes upstream
          if (r.why) notes.push(`breakpoint ${r.why}: request continued unchanged`)
          req = editedRequest(req, r.edits)
        }
      }
      let res = await next(req)
      if (on.has('response') && !res.tunnel) {
        const held = await holdBody(res.body)
        if ('passed' in held) {
          res = Object.freeze({ ...res, body: held.passed })
          notes.push('breakpoint: response body too large to hold; passed unchanged')
        } else {
          res = Object.freeze({ ...res, body: bytesBody(held.held) })
          const r = await registry.pause({
            ...common(req, context, timeoutMs),
            phase: 'response',
            requestSize: 0,
            status: res.status,
            reason: res.reason,
            responseHeaders: res.headers.map(([n, v]) => [n, v] as const),
            responseSize: held.held.byteLength,
            responseBody: held.held.toString('base64'),
          })
          if (r.kind === 'abort') return aborted()
          if (r.kind === 'respond') return answered(r)
          if (r.why) notes.push(`breakpoint ${r.why}: response continued unchanged`)
          res = editedResponse(res, r.edits)
        }
      }
      return notes.length ? withTags(res, 'breakpoint', ...notes.map((n) => `note:${n}`)) : withTags(res, 'breakpoint')
    })
    return { filter: describe(breakpointBlock.describe(b), filter) }
  },
}

function common(req: Request, context: BlockContext, timeoutMs: number) {
  return {
    ...(req.exchangeId ? { exchangeId: req.exchangeId } : {}),
    listenerName: context.listenerName,
    timeoutMs,
    signal: req.signal,
    method: req.method,
    url: req.target,
    requestHeaders: req.headers.map(([n, v]) => [n, v] as const),
  }
}

/** Closes the client's connection: the body fails at once, so the server adapter destroys the socket. */
function aborted(): Response {
  return response(200, { body: resettingBody(), tags: ['breakpoint', 'aborted-at-breakpoint'] })
}

function answered(r: Extract<Resolution, { kind: 'respond' }>): Response {
  return response(r.status, {
    ...(r.reason ? { reason: r.reason } : {}),
    headers: lengthFollows(r.headers, r.headers, r.body),
    body: r.body,
    tags: ['breakpoint', 'answered-at-breakpoint'],
  })
}

function bodyOf(edits: PausedEdits): Buffer | undefined {
  if (!edits.body) return undefined
  return 'text' in edits.body ? Buffer.from(edits.body.text, 'utf8') : Buffer.from(edits.body.base64, 'base64')
}

export function editedRequest(req: Request, edits: PausedEdits | undefined): Request {
  if (!edits) return req
  const body = bodyOf(edits)
  const headers = edits.headers ?? req.headers
  return Object.freeze({
    ...req,
    ...(edits.method ? { method: edits.method } : {}),
    ...(edits.url ? { target: edits.url } : {}),
    headers: body ? lengthFollows(headers, req.headers, body) : headers.map(([n, v]) => [n, v] as const),
    ...(body ? { body: bytesBody(body) } : {}),
  })
}

export function editedResponse(res: Response, edits: PausedEdits | undefined): Response {
  if (!edits) return res
  const body = bodyOf(edits)
  const headers = edits.headers ?? res.headers
  return Object.freeze({
    ...res,
    ...(edits.status
      ? {
          status: edits.status,
          reason: edits.reason ?? (edits.status === res.status ? res.reason : response(edits.status).reason),
        }
      : {}),
    ...(edits.reason !== undefined && !edits.status ? { reason: edits.reason } : {}),
    headers: body ? lengthFollows(headers, res.headers, body) : headers.map(([n, v]) => [n, v] as const),
    ...(body ? { body: bytesBody(body) } : {}),
  })
}

/**
 * Content-Length follows an edited body, unless the user changed Content-Length by hand (then theirs stands).
 * A chunked message keeps its framing; a message with neither gets a Content-Length (RFC 9112 §6.3).
 */
function lengthFollows(edited: Headers, before: Headers, body: Buffer): (readonly [string, string])[] {
  const lengthOf = (hs: Headers) => hs.find(([n]) => n.toLowerCase() === 'content-length')?.[1]
  const out = edited.map(([n, v]) => [n, v] as const)
  if (lengthOf(edited) !== lengthOf(before) && lengthOf(edited) !== undefined) return out
  if (edited.some(([n]) => n.toLowerCase() === 'transfer-encoding')) return out
  const length = String(body.byteLength)
  if (lengthOf(edited) === undefined) return body.byteLength === 0 ? out : [...out, ['Content-Length', length] as const]
  return out.map(([n, v]) => (n.toLowerCase() === 'content-length' ? ([n, length] as const) : ([n, v] as const)))
}
