/** Turns measurements into the printed table, the target verdicts and the JSON written to bench/results/. */
import type { Measurement } from './load.ts'
import type { ScenarioName } from './scenarios.ts'

export type Size = '1k' | '64k'

export interface Cell {
  readonly scenario: ScenarioName
  readonly size: Size
  /** The best round by req/s (noise on a shared machine only ever slows a run); every round is in `rounds`. */
  readonly best: Measurement
  readonly rounds: readonly Measurement[]
}

export interface Target {
  readonly name: string
  readonly value: number | undefined
  readonly comparison: '>=' | '<='
  readonly threshold: number
  readonly unit?: string
  readonly verdict: 'PASS' | 'MISS' | 'SKIPPED'
  readonly note?: string
}

export function target(name: string, value: number | undefined, comparison: '>=' | '<=', threshold: number, unit?: string, note?: string): Target {
  const verdict = value === undefined || Number.isNaN(value)
    ? 'SKIPPED'
    : (comparison === '>=' ? value >= threshold : value <= threshold) ? 'PASS' : 'MISS'
  return { name, value, comparison, threshold, verdict, ...(unit ? { unit } : {}), ...(note ? { note } : {}) }
}

export function bestOf(rounds: readonly Measurement[]): Measurement {
  return [...rounds].sort((a, b) => b.reqPerS - a.reqPerS)[0]!
}

export function find(cells: readonly Cell[], scenario: ScenarioName, size: Size): Measurement | undefined {
  return cells.find((c) => c.scenario === scenario && c.size === size)?.best
}

export function ratio(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined || b === 0 ? undefined : a / b
}

export function table(cells: readonly Cell[]): string {
  const header = ['scenario', 'size', 'req/s', 'p50 ms', 'p99 ms', 'MB/s', '÷ bare req/s', '÷ bare p99', 'proxy CPU µs/req', '÷ bare CPU', 'errors', 'non-2xx']
  const rows = cells.map((c) => {
    const bare = find(cells, 'bare-pipe', c.size)
    const m = c.best
    return [c.scenario, c.size, m.reqPerS.toFixed(0), m.p50Ms.toFixed(1), m.p99Ms.toFixed(1), m.mbPerS.toFixed(1),
      fmt(ratio(m.reqPerS, bare?.reqPerS)), fmt(ratio(m.p99Ms, bare?.p99Ms)),
      m.cpuUsPerReq?.proxy === undefined ? '-' : m.cpuUsPerReq.proxy.toFixed(0), fmt(ratio(m.cpuUsPerReq?.proxy, bare?.cpuUsPerReq?.proxy)),
      String(m.errors), String(m.non2xx)]
  })
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (r: string[]): string => r.map((v, i) => (i < 2 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ')
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
}

export function targetLine(t: Target): string {
  const shown = t.value === undefined ? 'n/a' : `${fmt(t.value)}${t.unit ? ` ${t.unit}` : ''}`
  return `${t.verdict.padEnd(7)} ${t.name}: ${shown} (target ${t.comparison} ${t.threshold}${t.unit ? ` ${t.unit}` : ''})${t.note ? ` — ${t.note}` : ''}`
}

function fmt(n: number | undefined): string {
  if (n === undefined) return 'n/a'
  return Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(2)
}
