/** What the pipeline's blocks did to an exchange, read from its tags (`mocked`, `rule:LISTENER/BLOCK`). */
import type { ExchangeSummary } from '../../../shared/exchange.ts'

export const ACTIONS = ['mocked', 'blocked', 'mapped', 'rewritten', 'throttled'] as const

/** The actions in one short phrase with the listener: "mocked · api"; empty when no block acted. */
export function ruleText(e: Pick<ExchangeSummary, 'tags'>): string {
  const actions = ACTIONS.filter((a) => e.tags.includes(a))
  if (actions.length === 0) return ''
  const listeners = [...new Set(rulesOf(e).map((r) => r.listener))]
  return `${actions.join(', ')}${listeners.length ? ` · ${listeners.join(', ')}` : ''}`
}

/** Every block that acted, as `{ listener, block }`, in the order they marked the exchange. */
export function rulesOf(e: Pick<ExchangeSummary, 'tags'>): { listener: string; block: string }[] {
  return e.tags
    .filter((t) => t.startsWith('rule:'))
    .map((t) => {
      const rest = t.slice(5)
      const slash = rest.indexOf('/')
      return slash < 0
        ? { listener: '', block: rest }
        : { listener: rest.slice(0, slash), block: rest.slice(slash + 1) }
    })
}
