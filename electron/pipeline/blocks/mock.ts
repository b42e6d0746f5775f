/** `mock`: answers matching requests itself; the server is never reached (HTTP Toolkit's "return a fixed response"). */
import { readFile } from 'node:fs/promises'
import { existsSync, statSync } from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import { describe } from '../../core/http.ts'
import { bodyBytes, response, type Request } from '../../core/message.ts'
import { markActed, type BlockKind } from '../block.ts'
import { describeMatch } from '../match.ts'
import { commonFields, headerPairs, headersSchema, statusSchema, whenMatched } from './common.ts'

const schema = z.strictObject({
  use: z.literal('mock'),
  ...commonFields,
  respond: z
    .strictObject({
      status: statusSchema.optional().describe('default 200'),
      reason: z.string().optional(),
      headers: headersSchema.optional(),
      body: z.string().optional().describe('the body as text (UTF-8)'),
      bodyFile: z.string().min(1).optional().describe('a file whose bytes are the body, relative to the pipeline file'),
      delayMs: z.number().int().min(0).max(600_000).optional().describe('wait this long before answering'),
    })
    .refine((r) => r.body === undefined || r.bodyFile === undefined, 'give body or bodyFile, not both'),
})
export type MockBlock = z.infer<typeof schema>

export const mockBlock: BlockKind<MockBlock> = {
  use: 'mock',
  summary: 'answers matching requests itself with a fixed response; the server is never reached',
  schema,
  example: {
    use: 'mock',
    match: { path: '/health' },
    respond: { status: 200, headers: { 'Content-Type': 'text/plain' }, body: 'ok' },
  },
  describe: (b) =>
    `answers ${describeMatch(b.match)} with ${b.respond.status ?? 200}${b.respond.delayMs ? ` after ${b.respond.delayMs} ms` : ''}`,
  check: (b, baseDir) => {
    const file = b.respond.bodyFile
    if (file === undefined) return []
    const full = path.resolve(baseDir, file)
    return existsSync(full) && statSync(full).isFile()
      ? []
      : [{ path: ['respond', 'bodyFile'], message: `no file at ${full}` }]
  },
  build: (b, context) => {
    const status = b.respond.status ?? 200
    const headers = headerPairs(b.respond.headers)
    const file = b.respond.bodyFile === undefined ? undefined : path.resolve(context.baseDir, b.respond.bodyFile)
    const label = b.name ?? 'mock'
    const filter = whenMatched(b.match, 'answerWithMock', async (req: Request) => {
      // The request body is read and dropped, so the client's connection stays usable.
      await bodyBytes(req.body).catch(() => undefined)
      if (b.respond.delayMs) await new Promise((resolve) => setTimeout(resolve, b.respond.delayMs))
      const body = file ? await readFile(file) : Buffer.from(b.respond.body ?? '', 'utf8')
      const hasLength = headers.some(
        ([n]) => n.toLowerCase() === 'content-length' || n.toLowerCase() === 'transfer-encoding',
      )
      const res = response(status, {
        ...(b.respond.reason ? { reason: b.respond.reason } : {}),
        headers: hasLength ? headers : [...headers, ['Content-Length', String(body.byteLength)]],
        body,
      })
      return markActed(res, 'mocked', context, label)
    })
    return { filter: describe(mockBlock.describe(b), filter) }
  },
}
