/** `record`: seed app 4's recorder as a block: every exchange appended to a session folder (FORMAT.md). */
import path from 'node:path'
import { z } from 'zod'
import { describe } from '../../core/http.ts'
import { recordTo } from '../../recording/record-to.ts'
import type { SessionWriter } from '../../recording/session-store.ts'
import { createSessionAt, isS3Ref } from '../../recording/session-location.ts'
import type { ExchangeWriter } from '../../recording/recorded-exchange.ts'
import type { BlockKind } from '../block.ts'
import { describeMatch } from '../match.ts'
import { commonFields, whenMatched } from './common.ts'

const schema = z.strictObject({
  use: z.literal('record'),
  ...commonFields,
  dir: z
    .string()
    .min(1)
    .describe(
      'the session folder, relative to the pipeline file (made if missing; appended to if a session), or s3://bucket/prefix/NAME',
    ),
  sessionName: z.string().min(1).optional().describe("the session's name in its manifest"),
})
export type RecordBlock = z.infer<typeof schema>

export const recordBlock: BlockKind<RecordBlock> = {
  use: 'record',
  summary: 'records every exchange to a session folder on disk (seed app 4)',
  schema,
  example: { use: 'record', dir: './sessions/today' },
  describe: (b) => `records ${b.match ? describeMatch(b.match) : 'each exchange'} to the session in ${b.dir}`,
  build: (b, context) => {
    const dir = isS3Ref(b.dir) ? b.dir : path.resolve(context.baseDir, b.dir)
    if (context.session) {
      const record = recordTo(context.session, { clock: context.clock })
      return {
        filter: b.match
          ? describe(
              recordBlock.describe(b),
              whenMatched(b.match, 'recordMatched', (req, next) => record(next)(req)),
            )
          : record,
      }
    }
    let writer: SessionWriter | undefined
    // The filter exists before the session is open; start() opens it before the listener serves.
    const lateWriter: ExchangeWriter = {
      description: `records each exchange to the session in ${dir}`,
      append: (exchange) =>
        writer ? writer.append(exchange) : Promise.reject(new Error(`the session in ${dir} is not open`)),
      enqueue: (exchange, settled) => {
        if (!writer) settled(new Error(`the session in ${dir} is not open`))
        else if (writer.enqueue) writer.enqueue(exchange, settled)
        else writer.append(exchange).then(() => settled(undefined), settled)
      },
    }
    const record = recordTo(lateWriter, { clock: context.clock })
    const filter = b.match ? whenMatched(b.match, 'recordMatched', (req, next) => record(next)(req)) : record
    return {
      filter: describe(recordBlock.describe({ ...b, dir }), filter),
      async start() {
        writer = await createSessionAt(dir, {
          ...(b.sessionName ? { name: b.sessionName } : {}),
          source: `nanoscope pipeline (${context.listenerName})`,
          clock: context.clock,
        })
        return `recording to ${dir}${writer.count > 0 ? ` (appending after ${writer.count} exchanges)` : ''}`
      },
      async close() {
        await writer?.close()
      },
    }
  },
}
