/**
 * The seed apps' block lists, in one place: the apps are built from them, `--print-pipeline` prints them, and
 * the window offers them as presets. Each app is its list plus where it sends requests.
 */
import type { BlockSpec } from './block.ts'

export const seedPipelines = {
  proxy: (): BlockSpec[] => [],
  latency: (): BlockSpec[] => [{ use: 'latency' }],
  sniff: (): BlockSpec[] => [{ use: 'sniff' }],
  record: (dir: string, sessionName?: string): BlockSpec[] => [{ use: 'record', dir, ...(sessionName ? { sessionName } : {}) }],
  chaos: (o: { active?: boolean; seed?: number; controlPort?: number } = {}): BlockSpec[] => [{
    use: 'chaos', ...(o.active ? { active: true } : {}), ...(o.seed !== undefined ? { seed: o.seed } : {}),
    ...(o.controlPort !== undefined ? { controlPort: o.controlPort } : {}),
  }],
}
