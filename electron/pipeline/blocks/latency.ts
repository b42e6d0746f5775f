/** `latency`: seed app 2's filter as a block: one line per exchange, `GET http://h/p 200 12.3ms`. */
import { z } from 'zod'
import { formatLatency, reportLatency } from '../../core/filters/report-latency.ts'
import type { BlockKind } from '../block.ts'
import { commonFields, whenMatched } from './common.ts'
import { outField, outTarget } from './out-file.ts'
import { describe } from '../../core/http.ts'
import { describeMatch } from '../match.ts'

const schema = z.strictObject({ use: z.literal('latency'), ...commonFields, ...outField })
export type LatencyBlock = z.infer<typeof schema>

export const latencyBlock: BlockKind<LatencyBlock> = {
  use: 'latency',
  summary: 'prints one line per exchange with its status and how long it took (seed app 2)',
  schema,
  example: { use: 'latency' },
  describe: (b) => (b.match ? `reports the latency of ${describeMatch(b.match)}` : "reports each exchange's latency"),
  build: (b, context) => {
    const target = outTarget(b.out, context)
    const report = reportLatency((r) => target.out.write(formatLatency(r) + '\n'), context.clock)
    const filter = b.match
      ? describe(
          latencyBlock.describe(b),
          whenMatched(b.match, 'reportMatchedLatency', (req, next) => report(next)(req)),
        )
      : report
    return { filter, start: target.start, close: target.close }
  },
}
