/** Every block kind, by its `use` name. A new block is one file in `blocks/` and one line here. */
import type { BlockKind, BlockCommon } from './block.ts'
import { blockBlock } from './blocks/block-requests.ts'
import { breakpointBlock } from './blocks/breakpoint.ts'
import { chaosBlock } from './blocks/chaos.ts'
import { latencyBlock } from './blocks/latency.ts'
import { mapLocalBlock } from './blocks/map-local.ts'
import { mapRemoteBlock } from './blocks/map-remote.ts'
import { mockBlock } from './blocks/mock.ts'
import { recordBlock } from './blocks/record.ts'
import { rewriteBlock } from './blocks/rewrite.ts'
import { scriptBlock } from './blocks/script.ts'
import { sniffBlock } from './blocks/sniff.ts'
import { throttleBlock } from './blocks/throttle.ts'

export const BLOCK_KINDS: readonly BlockKind<BlockCommon>[] = [
  blockBlock,
  breakpointBlock,
  chaosBlock,
  latencyBlock,
  mapLocalBlock,
  mapRemoteBlock,
  mockBlock,
  recordBlock,
  rewriteBlock,
  scriptBlock,
  sniffBlock,
  throttleBlock,
] as unknown as BlockKind<BlockCommon>[]

const BY_USE = new Map(BLOCK_KINDS.map((k) => [k.use, k]))

export function blockKind(use: string): BlockKind<BlockCommon> | undefined {
  return BY_USE.get(use)
}

export const BLOCK_NAMES: readonly string[] = BLOCK_KINDS.map((k) => k.use).sort()
