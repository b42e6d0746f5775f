/**
 * `sniff`: seed app 3's filter as a block: what crossed the wire upstream, printed: each request as it was sent
 * (hop-by-hop headers gone, Via added), the response as it came back, and websocket frames one line each. It
 * sits last in the pipeline whatever its place in the list, so it sees the wire; an exchange a block answered
 * without going upstream (a mock, a block) never crossed it and is not printed.
 */
import { z } from 'zod'
import { printExchange } from '../../core/filters/print-exchange.ts'
import { compose, describe, type HttpHandler } from '../../core/http.ts'
import { printFrames } from '../../proxy/print-frames.ts'
import type { BlockKind } from '../block.ts'
import { describeMatch } from '../match.ts'
import { commonFields, whenMatched } from './common.ts'
import { outField, outTarget } from './out-file.ts'

const schema = z.strictObject({ use: z.literal('sniff'), ...commonFields, ...outField })
export type SniffBlock = z.infer<typeof schema>

const passOn = describe('prints what crosses the wire (the sniffer sits last in the pipeline)', (next: HttpHandler) =>
  next)

export const sniffBlock: BlockKind<SniffBlock> = {
  use: 'sniff',
  summary: 'prints every request and response as it crossed the wire, and websocket frames (seed app 3)',
  schema,
  example: { use: 'sniff' },
  describe: (b) =>
    b.match ? `prints ${describeMatch(b.match)} as on the wire` : 'prints every request and response as on the wire',
  build: (b, context) => {
    const target = outTarget(b.out, context)
    const print = compose(printExchange(target.out), printFrames(target.out))
    const innermost = b.match
      ? describe(
          sniffBlock.describe(b),
          whenMatched(b.match, 'printMatchedExchange', (req, next) => print(next)(req)),
        )
      : print
    return { filter: passOn, innermost, start: target.start, close: target.close }
  },
}
