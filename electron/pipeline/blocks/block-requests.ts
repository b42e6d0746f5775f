/** `block`: refuses matching requests with a status naming the rule, or resets the connection; never forwards. */
import { z } from 'zod'
import { describe } from '../../core/http.ts'
import { bodyBytes, response } from '../../core/message.ts'
import { resettingBody } from '../../chaos/body-cuts.ts'
import { markActed, type BlockKind } from '../block.ts'
import { describeMatch } from '../match.ts'
import { commonFields, statusSchema, whenMatched } from './common.ts'

const schema = z.strictObject({
  use: z.literal('block'),
  ...commonFields,
  status: statusSchema.optional().describe('default 403'),
  close: z.boolean().optional().describe('true: reset the client connection instead of answering'),
})
export type BlockBlock = z.infer<typeof schema>

export const blockBlock: BlockKind<BlockBlock> = {
  use: 'block',
  summary: 'refuses matching requests (403 by default, or a reset connection); the server is never reached',
  schema,
  example: { use: 'block', match: { host: '*.tracker.example' }, status: 403 },
  describe: (b) =>
    b.close
      ? `resets the connection for ${describeMatch(b.match)}`
      : `refuses ${describeMatch(b.match)} with ${b.status ?? 403}`,
  build: (b, context) => {
    const label = b.name ?? 'block'
    const status = b.status ?? 403
    const text = `Blocked by Nanoscope: rule "${label}" on listener "${context.listenerName}" (${blockBlock.describe(b)})\n`
    const filter = whenMatched(b.match, 'refuseBlocked', async (req) => {
      if (b.close) return markActed(response(200, { body: resettingBody() }), 'blocked', context, label)
      await bodyBytes(req.body).catch(() => undefined)
      return markActed(
        response(status, {
          headers: [
            ['Content-Type', 'text/plain; charset=utf-8'],
            ['Content-Length', String(Buffer.byteLength(text))],
          ],
          body: text,
        }),
        'blocked',
        context,
        label,
      )
    })
    return { filter: describe(blockBlock.describe(b), filter) }
  },
}
