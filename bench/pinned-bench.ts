/**
 * The proxy benchmarks as issue 19's table measured them: wrk as the load generator and nginx as the origin, both
 * pinned to CPU 0, the proxy under test alone on CPU 1 (`taskset`), so neither the generator's cost nor the origin's
 * hides the proxy's. The helpers (the orchestrating process, the user's path's WebSocket subscriber) stay on CPU 0.
 *
 * Every round starts every scenario fresh, then measures each in turn (the order rotating round by round) in three
 * cells: 1 KiB and 64 KiB at `connections`, and 1 KiB on one connection, where `direct` (wrk straight to the origin) is
 * measured too, for the latency each proxy adds to the p50. Ratios are taken per round against the bare pipe (or the
 * scenario's own anchor) measured in the same round, and the median of the rounds' ratios is the figure.
 */
import { cpuMicrosOf } from './serve-process.ts'
import { startChild } from './child.ts'
import { cpusOf, pinTree, processTree } from './cpu-pin.ts'
import { nginxBinary, startNginxOrigin } from './nginx-proxy.ts'
import { median, target, type Cell, type Size, type Target } from './report.ts'
import { startScenario, type RunningScenario, type Scenario, type ScenarioName } from './scenarios.ts'
import type { Measurement } from './load.ts'
import { runWrk } from './wrk.ts'

export interface PinnedSettings {
  readonly rounds: number
  readonly durationS: number
  readonly warmupS: number
  readonly connections: number
}

export interface PinnedResult {
  /** 1 KiB and 64 KiB at `connections`: the same shape as the autocannon part's, so its targets read them alike. */
  readonly cells: Cell[]
  /** 1 KiB on one connection, `direct` included. */
  readonly single: Cell[]
  readonly deliveries: Record<string, unknown>[]
  readonly pipelines: Record<string, readonly string[]>
  readonly origin: string
  readonly targets: Target[]
  /** The issue's table, in Markdown: every scenario's medians against the bare pipe. */
  readonly summary: string
  /** Every round's ratios to the bare pipe, a line per scenario. */
  readonly everyRound: string[]
}

const LOAD_CPU = '0'
const PROXY_CPU = '1'

export const PINNED_ARRANGEMENT =
  'wrk (one thread) and the origin (nginx serving files, or bench/upstream.ts without nginx) pinned to CPU 0 with ' +
  'taskset, with the orchestrating process and the WebSocket subscriber; the proxy under test alone on CPU 1 ' +
  '(every other scenario idle beside it)'

interface Grid {
  readonly size: Size
  readonly connections: number
}

export async function pinnedBench(
  scenarios: readonly Scenario[],
  settings: PinnedSettings,
  say: (line: string) => void,
): Promise<PinnedResult> {
  const restore = cpusOf(process.pid)
  pinTree(process.pid, LOAD_CPU)
  const origin = nginxBinary() ? await startNginxOrigin() : await startChild<{ port: number }>('./upstream.ts')
  const originUrl = 'url' in origin ? origin.url : `http://127.0.0.1:${origin.ready.port}`
  const originName =
    'url' in origin ? 'nginx (files, sendfile)' : 'bench/upstream.ts (node:http; nginx is not installed)'
  pinTree(origin.pid, LOAD_CPU)
  await checkOrigin(originUrl).catch(async (error: unknown) => {
    await origin.stop()
    pinTree(process.pid, restore)
    throw error
  })
  const grids: Grid[] = [
    { size: '1k', connections: settings.connections },
    { size: '64k', connections: settings.connections },
    ...(settings.connections === 1 ? [] : [{ size: '1k', connections: 1 } as const]),
  ]
  const byCell = new Map<string, Measurement[]>()
  const deliveries: Record<string, unknown>[] = []
  const pipelines: Record<string, readonly string[]> = {}
  const proxies = scenarios.filter((s) => s.name !== 'direct')
  try {
    for (let round = 1; round <= settings.rounds; round++) {
      const running = new Map<ScenarioName, RunningScenario>()
      try {
        for (const s of proxies) {
          const r = await startScenario(s.name, originUrl)
          running.set(s.name, r)
          if (r.pipeline) pipelines[s.name] = r.pipeline
          if (r.pid) pinTree(r.pid, PROXY_CPU)
        }
        running.set('direct', { url: originUrl, stop: async () => {} })
        for (const grid of grids) {
          const list =
            grid.connections === 1 ? ['direct' as const, ...proxies.map((s) => s.name)] : proxies.map((s) => s.name)
          const shift = (round - 1) % list.length
          for (const name of [...list.slice(shift), ...list.slice(0, shift)]) {
            const r = running.get(name)!
            const url = `${r.url}/${grid.size}`
            await runWrk(url, { connections: grid.connections, durationS: settings.warmupS, cpu: LOAD_CPU })
            const before = r.pid ? cpuOfTree(r.pid) : NaN
            const m = await runWrk(url, { connections: grid.connections, durationS: settings.durationS, cpu: LOAD_CPU })
            const proxyUs = r.pid ? (cpuOfTree(r.pid) - before) / Math.max(1, m.requests) : undefined
            const measured: Measurement = {
              ...m,
              ...(proxyUs === undefined ? {} : { cpuUsPerReq: { proxy: proxyUs, upstream: NaN, loadGenerator: NaN } }),
            }
            const key = `${name}|${grid.size}|${grid.connections}`
            byCell.set(key, [...(byCell.get(key) ?? []), measured])
            if (m.non2xx > 0 || m.errors > 0)
              say(
                `  WARNING: ${name} ${grid.size} answered ${m.non2xx} of ${m.requests} with an error status, ${m.errors} socket errors`,
              )
            say(
              `  round ${round} ${name.padEnd(20)} ${grid.size.padEnd(3)} ×${String(grid.connections).padEnd(2)} ${m.reqPerS.toFixed(0).padStart(6)} req/s  p50 ${m.p50Ms.toFixed(3)} ms  p99 ${m.p99Ms.toFixed(2)} ms  proxy CPU ${proxyUs?.toFixed(0) ?? '-'} µs/req${m.errors || m.non2xx ? `  errors ${m.errors} non-2xx ${m.non2xx}` : ''}`,
            )
            // The subscriber (on the load's CPU) may still be reading the batches of the load just ended: the next cell
            // waits for it, or its backlog would be measured as the next scenario's slowness.
            if (r.deliveryCheck) {
              const waiting = Date.now()
              await r.deliveryCheck()
              say(`  (${name}'s subscriber caught up ${Date.now() - waiting} ms after its load)`)
            }
          }
        }
        for (const [name, r] of running) {
          if (!r.deliveryCheck) continue
          const d = await r.deliveryCheck()
          const rssMb = r.rssMb?.()
          deliveries.push({ round, scenario: name, ...d, lost: d.captured - d.delivered, rssMb })
          say(
            `  round ${round} ${name}: subscriber was sent ${d.delivered} of ${d.captured} captured exchanges in ${d.batches} batches${rssMb === undefined ? '' : `; serve RSS ${rssMb.toFixed(0)} MB`}`,
          )
        }
      } finally {
        for (const r of running.values()) await r.stop()
      }
    }
  } finally {
    await origin.stop()
    pinTree(process.pid, restore)
  }
  const cellsOf = (connections: number): Cell[] => {
    const out: Cell[] = []
    for (const s of scenarios) {
      for (const size of ['1k', '64k'] as const) {
        const rounds = byCell.get(`${s.name}|${size}|${connections}`)
        if (rounds?.length) out.push({ scenario: s.name, size, rounds, best: bestByRate(rounds) })
      }
    }
    return out
  }
  const cells = cellsOf(settings.connections)
  const single = cellsOf(1)
  const targets = (['nanoscope-subscribed', 'nanoscope-plain'] as const)
    .filter((s) => single.some((c) => c.scenario === s))
    .map((s) => {
      const a = addedP50Ratio(single, s)
      return target(
        `${s}'s added p50 ÷ nginx's, 1 KiB, 1 connection`,
        a?.median,
        '<=',
        1.2,
        undefined,
        a && `median of ${a.perRound.length} rounds (${a.perRound.map((r) => r.toFixed(2)).join(', ')})`,
      )
    })
  return {
    cells,
    single,
    deliveries,
    pipelines,
    origin: originName,
    targets,
    summary: summaryTable(cells, single, settings.connections),
    everyRound: roundsLines(cells, single, settings.connections),
  }
}

/** Throws unless the origin answers `/1k` and `/64k` with 200 and that many bytes: a bench of error pages measures nothing. */
async function checkOrigin(url: string): Promise<void> {
  for (const [path, bytes] of [
    ['/1k', 1024],
    ['/64k', 64 * 1024],
  ] as const) {
    const res = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(5000) })
    const got = (await res.arrayBuffer()).byteLength
    if (res.status !== 200 || got !== bytes)
      throw new Error(`the origin answered ${path} with ${res.status} and ${got} bytes, not 200 and ${bytes}`)
  }
}

function bestByRate(rounds: readonly Measurement[]): Measurement {
  return [...rounds].sort((a, b) => b.reqPerS - a.reqPerS)[0]!
}

/** User + system CPU microseconds of a process and its descendants (10 ms resolution, from /proc). */
function cpuOfTree(pid: number): number {
  return processTree(pid).reduce((sum, p) => sum + cpuMicrosOf(p), 0)
}

/**
 * Round by round, the p50 a scenario adds over `direct` divided by the p50 nginx adds, on one connection; undefined
 * where nginx or direct was not measured, or nginx added nothing measurable.
 */
export function addedP50Ratio(
  single: readonly Cell[],
  scenario: ScenarioName,
): { median: number; perRound: number[] } | undefined {
  const rounds = (name: ScenarioName): readonly Measurement[] =>
    single.find((c) => c.scenario === name && c.size === '1k')?.rounds ?? []
  const [s, n, d] = [rounds(scenario), rounds('nginx'), rounds('direct')]
  const perRound: number[] = []
  for (let i = 0; i < Math.min(s.length, n.length, d.length); i++) {
    const nginxAdds = n[i]!.p50Ms - d[i]!.p50Ms
    if (nginxAdds > 0) perRound.push((s[i]!.p50Ms - d[i]!.p50Ms) / nginxAdds)
  }
  return perRound.length === 0 ? undefined : { median: median(perRound), perRound }
}

/** The median over rounds of `metric(scenario) ÷ metric(anchor)`, each round's pair measured in the same round. */
function medianRatio(
  cells: readonly Cell[],
  scenario: ScenarioName,
  anchor: ScenarioName,
  size: Size,
  metric: (m: Measurement) => number,
): number | undefined {
  const s = cells.find((c) => c.scenario === scenario && c.size === size)?.rounds ?? []
  const a = cells.find((c) => c.scenario === anchor && c.size === size)?.rounds ?? []
  const r = s.slice(0, a.length).map((m, i) => metric(m) / metric(a[i]!))
  return r.length === 0 ? undefined : median(r)
}

function medianOf(cells: readonly Cell[], scenario: ScenarioName, size: Size, metric: (m: Measurement) => number) {
  const rounds = cells.find((c) => c.scenario === scenario && c.size === size)?.rounds ?? []
  return rounds.length === 0 ? undefined : median(rounds.map(metric))
}

/** Every round's req/s ÷ the bare pipe's, per scenario and cell, one line per scenario (what the medians are of). */
export function roundsLines(cells: readonly Cell[], single: readonly Cell[], connections: number): string[] {
  const ratios = (list: readonly Cell[], s: ScenarioName, size: Size): string => {
    const a = list.find((c) => c.scenario === 'bare-pipe' && c.size === size)?.rounds ?? []
    const r = list.find((c) => c.scenario === s && c.size === size)?.rounds ?? []
    return r
      .slice(0, a.length)
      .map((m, i) => (m.reqPerS / a[i]!.reqPerS).toFixed(2))
      .join(', ')
  }
  const names = [...new Set([...cells, ...single].map((c) => c.scenario))].filter(
    (s) => s !== 'bare-pipe' && s !== 'direct',
  )
  return names.map(
    (s) =>
      `${s}: 1 KiB ×${connections} ${ratios(cells, s, '1k') || '–'}; 64 KiB ×${connections} ${ratios(cells, s, '64k') || '–'}; 1 KiB ×1 ${ratios(single, s, '1k') || '–'}`,
  )
}

/** Markdown: per scenario, req/s ÷ the bare pipe's (median of rounds) in each cell, p99 and CPU per request (medians). */
export function summaryTable(cells: readonly Cell[], single: readonly Cell[], connections: number): string {
  const f = (n: number | undefined, digits = 2, unit = ''): string =>
    n === undefined || Number.isNaN(n) ? '–' : `${n.toFixed(digits)}${unit}`
  const rate = (m: Measurement): number => m.reqPerS
  const rows = [...new Set([...cells, ...single].map((c) => c.scenario))].map((s) => {
    const added = medianOf(single, s, '1k', (m) => m.p50Ms)
    const direct = medianOf(single, 'direct', '1k', (m) => m.p50Ms)
    return [
      s,
      f(medianRatio(cells, s, 'bare-pipe', '1k', rate), 2, '×'),
      f(medianRatio(cells, s, 'bare-pipe', '64k', rate), 2, '×'),
      f(medianRatio(single, s, 'bare-pipe', '1k', rate), 2, '×'),
      `${f(
        medianOf(cells, s, '1k', (m) => m.p99Ms),
        1,
      )} / ${f(
        medianOf(cells, s, '64k', (m) => m.p99Ms),
        1,
      )} ms`,
      s === 'direct' || added === undefined || direct === undefined
        ? '–'
        : `${((added - direct) * 1000).toFixed(0)} µs`,
      `${f(
        medianOf(cells, s, '1k', (m) => m.cpuUsPerReq?.proxy ?? NaN),
        0,
      )} / ${f(
        medianOf(cells, s, '64k', (m) => m.cpuUsPerReq?.proxy ?? NaN),
        0,
      )}`,
    ]
  })
  const header = [
    'config',
    `1 KiB, ${connections} conns`,
    `64 KiB, ${connections} conns`,
    '1 KiB, 1 conn',
    'p99 1 KiB / 64 KiB',
    'added p50, 1 conn',
    'CPU µs/req 1 KiB / 64 KiB',
  ]
  return [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n')
}
