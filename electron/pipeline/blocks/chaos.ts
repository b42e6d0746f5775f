/**
 * `chaos`: seed app 7's engine as a block, with http4k's chaos JSON for its stages and its control API on the
 * listener's own address (`/chaos/status`, `/chaos/activate`, …, forward mode) and, with `controlPort`, on a
 * port of its own (any mode). The window's Chaos pane drives the same engine.
 */
import { z } from 'zod'
import { describe } from '../../core/http.ts'
import { createChaosEngine } from '../../chaos/engine.ts'
import { parseStages, type StageJson } from '../../chaos/chaos-json.ts'
import { serveChaosControls } from '../../chaos/chaos-controls.ts'
import { chaosControlApi } from '../../chaos/control-api.ts'
import { startServer, type RunningServer } from '../../core/server/node-server.ts'
import type { BlockKind } from '../block.ts'
import { describeMatch } from '../match.ts'
import { commonFields, whenMatched } from './common.ts'

const schema = z
  .strictObject({
    use: z.literal('chaos'),
    ...commonFields,
    active: z.boolean().optional().describe('on from the start (default off: switch it on from the window or the API)'),
    stages: z
      .unknown()
      .optional()
      .describe('http4k chaos JSON: one stage or a list (default: 100–500 ms of latency, always)'),
    seed: z.number().int().optional().describe('makes random decisions reproducible'),
    controlPort: z
      .number()
      .int()
      .min(0)
      .max(65535)
      .optional()
      .describe('also serve the control API on this port of 127.0.0.1 (0: any free one)'),
  })
  .superRefine((b, ctx) => {
    if (b.stages === undefined) return
    const parsed = parseStages(b.stages)
    if (!parsed.ok)
      ctx.addIssue({ code: 'custom', path: ['stages'], message: `${parsed.problem.field} ${parsed.problem.message}` })
  })
export type ChaosBlock = z.infer<typeof schema>

export const chaosBlock: BlockKind<ChaosBlock> = {
  use: 'chaos',
  summary: 'the chaos engine (latency, errors, cut bodies, resets) with its OpenAPI control API (seed app 7)',
  schema,
  example: {
    use: 'chaos',
    active: true,
    stages: [
      { type: 'trigger', behaviour: { type: 'status', status: 503 }, trigger: { type: 'percentage', percentage: 50 } },
    ],
  },
  describe: (b) =>
    `applies chaos to ${describeMatch(b.match)} (${b.active ? 'on' : 'off'} at start; control API at /chaos)`,
  build: (b, context) => {
    const stages =
      b.stages === undefined ? undefined : (parseStages(b.stages) as { ok: true; stages: readonly StageJson[] }).stages
    const engine =
      context.engine ??
      createChaosEngine({
        clock: context.clock,
        active: b.active ?? false,
        ...(b.seed !== undefined ? { seed: b.seed } : {}),
        ...(stages ? { stages } : {}),
      })
    // Unmatched, the engine's own filter keeps its live description (countdowns, rounds).
    const chaos = b.match
      ? describe(
          `applies chaos to ${describeMatch(b.match)}`,
          whenMatched(b.match, 'chaosOnMatch', (req, next) => engine.filter(next)(req)),
        )
      : engine.filter
    let control: RunningServer | undefined
    return {
      filter: chaos,
      outer: serveChaosControls({ engine, self: context.self, ...(context.target ? { target: context.target } : {}) }),
      chaos: engine,
      async start() {
        if (b.controlPort === undefined) return
        const api = chaosControlApi(engine)
        control = await startServer(api.handler, { host: '127.0.0.1', port: b.controlPort })
        return `chaos control API on ${control.url}${api.basePath} (docs: ${control.url}${api.basePath}/docs)`
      },
      async close() {
        await control?.stop()
      },
    }
  },
}
