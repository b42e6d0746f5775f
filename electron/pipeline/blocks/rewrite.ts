/**
 * `rewrite`: changes matching requests on their way up and their responses on their way back: headers, body,
 * path and query, status. Body replacement reads the body into memory and sets Content-Length to match; it
 * leaves compressed bodies (any Content-Encoding but identity) as they are and says so in the marks.
 */
import { z } from 'zod'
import { describe } from '../../core/http.ts'
import {
  bodyBytes,
  header,
  reasonPhrase,
  replacedHeaders,
  withTags,
  type Header,
  type Headers,
  type Request,
  type Response,
} from '../../core/message.ts'
import { targetPathAndQuery } from '../../core/wire/request-target.ts'
import { markActed, type BlockKind } from '../block.ts'
import { describeMatch } from '../match.ts'
import { commonFields, headerPairs, headersSchema, statusSchema, whenMatched } from './common.ts'

const replacement = z
  .strictObject({
    find: z.string().min(1).describe('text to find (every occurrence), or a regular expression with regex: true'),
    replace: z.string().describe('what to put instead; with regex, $1 names a group'),
    regex: z.boolean().optional(),
  })
  .refine(
    (r) => {
      if (!r.regex) return true
      try {
        new RegExp(r.find)
        return true
      } catch {
        return false
      }
    },
    { message: 'find is not a valid regular expression', path: ['find'] },
  )
const replaceBody = z
  .union([z.string(), replacement, z.array(replacement).min(1)])
  .describe('a string is the whole new body; {find, replace} (or a list of them) edits it')

const sideFields = {
  setHeaders: headersSchema.optional().describe('set (replacing any of that name) or add these headers'),
  removeHeaders: z.array(z.string().min(1)).optional().describe('header names to remove, any case'),
  replaceBody: replaceBody.optional(),
}

const schema = z
  .strictObject({
    use: z.literal('rewrite'),
    ...commonFields,
    request: z
      .strictObject({
        ...sideFields,
        setPath: z
          .string()
          .startsWith('/')
          .optional()
          .describe('the new path (the query is kept unless setQuery says)'),
        setQuery: z
          .record(z.string(), z.union([z.string(), z.null()]))
          .optional()
          .describe('name → value sets it, null removes it'),
      })
      .optional(),
    response: z.strictObject({ ...sideFields, status: statusSchema.optional() }).optional(),
  })
  .refine((b) => b.request !== undefined || b.response !== undefined, 'say what to rewrite: request, response or both')
export type RewriteBlock = z.infer<typeof schema>
type Side = z.infer<typeof replaceBody> | undefined

export const rewriteBlock: BlockKind<RewriteBlock> = {
  use: 'rewrite',
  summary:
    'changes headers, body, path and query of matching requests, and status, headers and body of their responses',
  schema,
  example: {
    use: 'rewrite',
    match: { host: 'api.example.com' },
    request: { setHeaders: { Authorization: 'Bearer dev' } },
    response: { removeHeaders: ['Set-Cookie'] },
  },
  describe: (b) => {
    const what = [
      ...(b.request ? ['the request'] : []),
      ...(b.response ? [b.response.status ? `the response (status ${b.response.status})` : 'the response'] : []),
    ].join(' and ')
    return `rewrites ${what} of ${describeMatch(b.match)}`
  },
  build: (b, context) => {
    const label = b.name ?? 'rewrite'
    const filter = whenMatched(b.match, 'rewriteExchange', async (req, next) => {
      const sent = b.request ? await rewriteRequest(req, b.request) : req
      let res = await next(sent)
      if (b.response) res = await rewriteResponse(res, b.response)
      return markActed(res, 'rewritten', context, label)
    })
    return { filter: describe(rewriteBlock.describe(b), filter) }
  },
}

async function rewriteRequest(req: Request, r: NonNullable<RewriteBlock['request']>): Promise<Request> {
  let out: Request = { ...req, headers: editHeaders(req.headers, r.setHeaders, r.removeHeaders) }
  if (r.setPath !== undefined || r.setQuery !== undefined)
    out = { ...out, target: newTarget(out.target, r.setPath, r.setQuery) }
  if (r.replaceBody !== undefined) out = await replacedBody(out, r.replaceBody)
  return Object.freeze(out)
}

async function rewriteResponse(res: Response, r: NonNullable<RewriteBlock['response']>): Promise<Response> {
  let out: Response = { ...res, headers: editHeaders(res.headers, r.setHeaders, r.removeHeaders) }
  if (r.status !== undefined) out = { ...out, status: r.status, reason: reasonPhrase(r.status) }
  if (r.replaceBody !== undefined) out = await replacedBody(out, r.replaceBody)
  return Object.freeze(out)
}

function editHeaders(
  headers: Headers,
  set: Parameters<typeof headerPairs>[0],
  remove: readonly string[] | undefined,
): Headers {
  let out: Headers = headers
  if (remove?.length) {
    const drop = new Set(remove.map((n) => n.toLowerCase()))
    out = out.filter(([n]) => !drop.has(n.toLowerCase()))
  }
  for (const [name, value] of headerPairs(set)) out = replacedHeaders(out, name, value)
  return out
}

function newTarget(
  target: string,
  setPath: string | undefined,
  setQuery: Readonly<Record<string, string | null>> | undefined,
): string {
  const pathAndQuery = targetPathAndQuery(target)
  if (pathAndQuery === undefined) return target
  const before = target.slice(0, target.length - pathAndQuery.length)
  const q = pathAndQuery.indexOf('?')
  const oldPath = q < 0 ? pathAndQuery : pathAndQuery.slice(0, q)
  const params = new URLSearchParams(q < 0 ? '' : pathAndQuery.slice(q + 1))
  for (const [name, value] of Object.entries(setQuery ?? {})) {
    if (value === null) params.delete(name)
    else params.set(name, value)
  }
  const query = setQuery ? params.toString() : q < 0 ? '' : pathAndQuery.slice(q + 1)
  return `${before}${setPath ?? oldPath}${query ? `?${query}` : ''}`
}

async function replacedBody<M extends Request | Response>(message: M, spec: Side): Promise<M> {
  const encoding = header(message, 'content-encoding')?.trim().toLowerCase()
  if (encoding && encoding !== 'identity') {
    return 'status' in message ? (withTags(message as Response, 'rewrite skipped: compressed body') as M) : message
  }
  const text = (await bodyBytes(message.body)).toString('utf8')
  let next = text
  if (typeof spec === 'string') next = spec
  else
    for (const r of Array.isArray(spec) ? spec : spec ? [spec] : []) {
      next = r.regex ? next.replace(new RegExp(r.find, 'g'), r.replace) : next.split(r.find).join(r.replace)
    }
  const bytes = Buffer.from(next, 'utf8')
  const headers: Header[] = message.headers.filter(([n]) => n.toLowerCase() !== 'transfer-encoding')
  return {
    ...message,
    headers: replacedHeaders(headers, 'Content-Length', String(bytes.byteLength)),
    body: { kind: 'bytes', bytes },
  }
}
