/**
 * The seed apps' block lists, in one place: the apps are built from them, `--print-pipeline` prints them, and
 * the window offers them as presets. Each app is its list plus where it sends requests.
 */
import type { BlockSpec } from './block.ts'

export const seedPipelines = {
  proxy: (): BlockSpec[] => [],
  latency: (out?: string): BlockSpec[] => [{ use: 'latency', ...(out ? { out } : {}) }],
  sniff: (out?: string): BlockSpec[] => [{ use: 'sniff', ...(out ? { out } : {}) }],
  record: (dir: string, sessionName?: string): BlockSpec[] => [
    { use: 'record', dir, ...(sessionName ? { sessionName } : {}) },
  ],
  chaos: (o: { active?: boolean; seed?: number; controlPort?: number } = {}): BlockSpec[] => [
    {
      use: 'chaos',
      ...(o.active ? { active: true } : {}),
      ...(o.seed !== undefined ? { seed: o.seed } : {}),
      ...(o.controlPort !== undefined ? { controlPort: o.controlPort } : {}),
    },
  ],
}
