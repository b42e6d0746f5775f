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

export function target(
  name: string,
  value: number | undefined,
  comparison: '>=' | '<=',
  threshold: number,
  unit?: string,
  note?: string,
): Target {
  const verdict =
    value === undefined || Number.isNaN(value)
      ? 'SKIPPED'
      : (comparison === '>=' ? value >= threshold : value <= threshold)
        ? 'PASS'
        : 'MISS'
  return { name, value, comparison, threshold, verdict, ...(unit ? { unit } : {}), ...(note ? { note } : {}) }
}

export function bestOf(rounds: readonly Measurement[]): Measurement {
  return [...rounds].sort((a, b) => b.reqPerS - a.reqPerS)[0]!
}

export function find(cells: readonly Cell[], scenario: ScenarioName, size: Size): Measurement | undefined {
  return cells.find((c) => c.scenario === scenario && c.size === size)?.best
}

/** A scenario compared with its anchor round by round (see `paired`). */
export interface Paired {
  /** The median of the rounds' ratios: the value the target is judged on. */
  readonly median: number
  readonly perRound: readonly number[]
  /** The scenario's best round over the anchor's best round, which may be rounds minutes apart. */
  readonly bestOverBest: number
}

/**
 * `metric(scenario) ÷ metric(anchor)` round by round. Every round measures a scenario and its anchor in alternating
 * slices, so the machine's drift (a third and more here) cancels within each round's ratio, and the median leaves
 * out a round in which either cell met a noisy neighbour. The ratio of the two cells' best rounds pairs
 * measurements minutes apart, and one lucky anchor round decides it: it is reported alongside.
 */
export function paired(
  cells: readonly Cell[],
  scenario: ScenarioName,
  anchor: ScenarioName,
  size: Size,
  metric: (m: Measurement) => number,
): Paired | undefined {
  const s = cells.find((c) => c.scenario === scenario && c.size === size)
  const a = cells.find((c) => c.scenario === anchor && c.size === size)
  if (!s || !a) return undefined
  const n = Math.min(s.rounds.length, a.rounds.length)
  const perRound = Array.from({ length: n }, (_, i) => metric(s.rounds[i]!) / metric(a.rounds[i]!)).filter(
    Number.isFinite,
  )
  if (perRound.length === 0) return undefined
  return { median: median(perRound), perRound, bestOverBest: metric(s.best) / metric(a.best) }
}

export function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((x, y) => x - y)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** The target line's note for a paired comparison: every round's ratio and the best-over-best one. */
export function pairedNote(p: Paired | undefined): string | undefined {
  return (
    p &&
    `median of ${p.perRound.length} rounds (${p.perRound.map((r) => r.toFixed(2)).join(', ')}); best ÷ best ${p.bestOverBest.toFixed(2)}`
  )
}

export function ratio(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined || b === 0 ? undefined : a / b
}

export function table(cells: readonly Cell[]): string {
  const header = [
    'scenario',
    'size',
    'req/s',
    'p50 ms',
    'p99 ms',
    'MB/s',
    '÷ bare req/s',
    '÷ bare p99',
    'proxy CPU µs/req',
    '÷ bare CPU',
    'errors',
    'non-2xx',
  ]
  const rows = cells.map((c) => {
    const bare = find(cells, 'bare-pipe', c.size)
    const m = c.best
    return [
      c.scenario,
      c.size,
      m.reqPerS.toFixed(0),
      m.p50Ms.toFixed(1),
      m.p99Ms.toFixed(1),
      m.mbPerS.toFixed(1),
      fmt(ratio(m.reqPerS, bare?.reqPerS)),
      fmt(ratio(m.p99Ms, bare?.p99Ms)),
      m.cpuUsPerReq?.proxy === undefined ? '-' : m.cpuUsPerReq.proxy.toFixed(0),
      fmt(ratio(m.cpuUsPerReq?.proxy, bare?.cpuUsPerReq?.proxy)),
      String(m.errors),
      String(m.non2xx),
    ]
  })
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (r: string[]): string =>
    r.map((v, i) => (i < 2 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ')
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
