/**
 * "Break on requests like this": a breakpoint block matching an exchange's method, host and path, and the
 * toggle that adds it to the front of its listener's pipeline, or takes it out when it is already there.
 */
import type { ExchangeSummary } from '../../../shared/exchange.ts'

export interface BreakpointBlock {
  readonly use: 'breakpoint'
  readonly name: string
  readonly match: { readonly method: string; readonly host: string; readonly path: string }
  readonly on: readonly ['request']
}

/** The block for requests like this one, or undefined when its URL has no host and path to match on (CONNECT). */
export function breakpointLike(e: Pick<ExchangeSummary, 'method' | 'url'>): BreakpointBlock | undefined {
  let url: URL
  try {
    url = new URL(e.url)
  } catch {
    return undefined
  }
  if (!url.hostname) return undefined
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase()
  const path = decodeURI(url.pathname)
  return {
    use: 'breakpoint',
    name: `break on ${e.method} ${host}${path}`,
    match: { method: e.method, host, path },
    on: ['request'],
  }
}

const sameMatch = (b: unknown, block: BreakpointBlock): boolean => {
  if (typeof b !== 'object' || b === null) return false
  const x = b as { use?: unknown; match?: { method?: unknown; host?: unknown; path?: unknown } }
  return (
    x.use === 'breakpoint' &&
    x.match?.method === block.match.method &&
    x.match.host === block.match.host &&
    x.match.path === block.match.path
  )
}

/** Whether the listener's blocks already break on requests like this. */
export function breaksOn(blocks: readonly unknown[], block: BreakpointBlock): boolean {
  return blocks.some((b) => sameMatch(b, block))
}

/** The pipeline with the block added at the front, or with every such block taken out when it is there. */
export function toggledBreakpoint(
  blocks: readonly unknown[],
  block: BreakpointBlock,
): { pipeline: unknown[]; added: boolean } {
  if (breaksOn(blocks, block)) return { pipeline: blocks.filter((b) => !sameMatch(b, block)), added: false }
  return { pipeline: [block, ...blocks], added: true }
}
