/** `sniff`: seed app 3's filter as a block: every request and response printed as on the wire. */
import { z } from 'zod'
import { printExchange } from '../../core/filters/print-exchange.ts'
import { describe } from '../../core/http.ts'
import type { BlockKind } from '../block.ts'
import { describeMatch } from '../match.ts'
import { commonFields, whenMatched } from './common.ts'

const schema = z.strictObject({ use: z.literal('sniff'), ...commonFields })
export type SniffBlock = z.infer<typeof schema>

export const sniffBlock: BlockKind<SniffBlock> = {
  use: 'sniff',
  summary: 'prints every request and response as on the wire (seed app 3)',
  schema,
  example: { use: 'sniff' },
  describe: (b) => b.match ? `prints ${describeMatch(b.match)} as on the wire` : 'prints every request and response as on the wire',
  build: (b, context) => {
    const print = printExchange(context.out)
    if (!b.match) return { filter: print }
    return { filter: describe(sniffBlock.describe(b), whenMatched(b.match, 'printMatchedExchange', (req, next) => print(next)(req))) }
  },
}
