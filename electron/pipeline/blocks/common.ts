/** What the block files share: the common fields' schema, header lists, and running only on a match. */
import { z } from 'zod'
import type { Filter, HttpHandler } from '../../core/http.ts'
import type { Request, Response } from '../../core/message.ts'
import { compileMatch, matchSchema, type MatchSpec } from '../match.ts'

export const commonFields = {
  match: matchSchema.optional(),
  enabled: z.boolean().optional().describe('false keeps the block in the list but switched off'),
  name: z.string().min(1).max(80).optional().describe('a label for the window and the marks on exchanges'),
}

/** Headers as `{ "Name": "value" }` or, to keep order and duplicates, `[["Name", "value"], …]`. */
export const headersSchema = z.union([
  z.record(z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be a header name (a token)'), z.string()),
  z.array(z.tuple([z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be a header name (a token)'), z.string()])),
])
export type HeadersSpec = z.infer<typeof headersSchema>

export function headerPairs(spec: HeadersSpec | undefined): [string, string][] {
  if (!spec) return []
  return Array.isArray(spec) ? spec.map(([n, v]) => [n, v]) : Object.entries(spec)
}

export const statusSchema = z
  .number()
  .int('must be a whole number')
  .min(100, 'must be between 100 and 599')
  .max(599, 'must be between 100 and 599')

/**
 * A filter that calls `act` for matching requests and passes the rest on untouched. A match that reads the
 * body hands the buffered request on, whichever way it goes.
 */
export function whenMatched(
  match: MatchSpec | undefined,
  name: string,
  act: (req: Request, next: HttpHandler) => Promise<Response>,
): Filter {
  const matches = compileMatch(match)
  const filter = (next: HttpHandler): HttpHandler => {
    // Not an async function: an unmatched request is handed to `next` with no promise of its own (no extra hop).
    const inner = function runBlock(req: Request): Promise<Response> {
      const m = matches(req)
      if (m === true) return act(req, next)
      if (m === false) return next(req)
      return m.then(({ matched, buffered }) => (matched ? act(buffered, next) : next(buffered)))
    }
    Object.defineProperty(inner, 'name', { value: name })
    return inner
  }
  return filter
}
