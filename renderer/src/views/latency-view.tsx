/**
 * Live latency: p50/p95/p99 and requests per second over the last five minutes, the latency histogram, and
 * per-host figures. Reads the store's aggregator once a second (charts never redraw faster than that).
 */
import { useEffect, useMemo, useState } from 'react'
import uPlot from 'uplot'
import { UplotChart } from '../components/uplot-chart.tsx'
import { formatMs } from '../lib/format.ts'
import { binUpperBound, WINDOW_SECONDS, type HostRow } from '../store/latency.ts'
import { useAppStore } from '../store/use-app.ts'

interface Frame {
  readonly percentiles: uPlot.AlignedData
  readonly throughput: uPlot.AlignedData
  readonly histogram: uPlot.AlignedData
  readonly hosts: readonly HostRow[]
  readonly inWindow: number
  readonly p50?: number | undefined
  readonly p95?: number | undefined
  readonly p99?: number | undefined
  readonly lastRate: number
}

/** The charts' data, recomputed every second; `host` narrows the percentile chart to one host. */
function useFrame(host: string | undefined): Frame {
  const store = useAppStore()
  const compute = (): Frame => {
    const agg = store.getState().latency
    const now = Math.floor(Date.now() / 1000)
    const series = agg.series(now)
    const hostSeries = host === undefined ? series : agg.series(now, WINDOW_SECONDS, host)
    const xs = series.map((p) => p.second)
    const hist = agg.windowHistogram(now)
    let first = hist.bins.findIndex((n) => n > 0)
    let last = hist.bins.length - 1
    while (last > 0 && hist.bins[last] === 0) last--
    if (first < 0) {
      first = 40
      last = 100
    }
    const binX: number[] = []
    const binY: number[] = []
    for (let i = Math.max(0, first - 2); i <= Math.min(hist.bins.length - 1, last + 2); i++) {
      binX.push(i)
      binY.push(hist.bins[i]!)
    }
    const prev = series[series.length - 2]
    return {
      percentiles: [
        xs,
        hostSeries.map((p) => p.p50 ?? null),
        hostSeries.map((p) => p.p95 ?? null),
        hostSeries.map((p) => p.p99 ?? null),
      ],
      throughput: [xs, series.map((p) => p.count), series.map((p) => p.errors)],
      histogram: [binX, binY],
      hosts: agg.hostRows().slice(0, 100),
      inWindow: hist.count,
      p50: hist.quantile(0.5),
      p95: hist.quantile(0.95),
      p99: hist.quantile(0.99),
      lastRate: prev?.count ?? 0,
    }
  }
  const [frame, setFrame] = useState(compute)
  useEffect(() => {
    setFrame(compute())
    const t = setInterval(() => setFrame(compute()), 1000)
    return () => clearInterval(t)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [store, host])
  return frame
}

const msAxis = (_u: uPlot, splits: number[]): string[] => splits.map((v) => formatMs(v))

/**
 * Points drawn only where a sample has no neighbour to join (a line needs two): so a chart with one sample, or a
 * second alone between gaps, still shows it.
 */
const isolatedPoints: uPlot.Series.Points.Filter = (u, seriesIdx) => {
  const ys = u.data[seriesIdx] as ReadonlyArray<number | null | undefined>
  const shown: number[] = []
  for (let i = 0; i < ys.length; i++) if (ys[i] != null && ys[i - 1] == null && ys[i + 1] == null) shown.push(i)
  return shown // an empty list draws none (null would draw them all)
}
const lonePoints = { show: true, size: 6, filter: isolatedPoints }

/** Tick steps for counts: whole numbers only (no "1.5 exchanges"). */
const COUNT_STEPS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000,
]

export function LatencyView() {
  const [host, setHost] = useState<string | undefined>(undefined)
  const frame = useFrame(host)
  const options = useMemo(() => chartOptions(), [])
  return (
    // Focusable, so the keyboard can scroll it when the charts are taller than the window (WCAG 2.1.1).
    <div className="page latency" data-testid="latency-view" role="region" aria-label="Latency" tabIndex={0}>
      <div className="stat-row">
        <Stat label="Requests/s (last second)" value={frame.lastRate.toLocaleString()} />
        <Stat label={`Exchanges, last ${WINDOW_SECONDS / 60} min`} value={frame.inWindow.toLocaleString()} />
        <Stat label="p50" value={formatMs(frame.p50) || '—'} />
        <Stat label="p95" value={formatMs(frame.p95) || '—'} />
        <Stat label="p99" value={formatMs(frame.p99) || '—'} />
      </div>
      <div className="chart-grid">
        <figure className="card">
          <figcaption className="caption-with-control">
            <span>Latency percentiles, last 5 minutes</span>
            <select
              aria-label="Host for the percentile chart"
              data-testid="latency-host"
              value={host ?? ''}
              onChange={(e) => setHost(e.target.value === '' ? undefined : e.target.value)}
            >
              <option value="">All hosts</option>
              {host !== undefined && !frame.hosts.some((h) => h.host === host) && <option value={host}>{host}</option>}
              {frame.hosts.map((h) => (
                <option key={h.host} value={h.host}>
                  {h.host}
                </option>
              ))}
            </select>
          </figcaption>
          <UplotChart
            options={options.percentiles}
            data={frame.percentiles}
            testid="latency-chart-percentiles"
            label="Latency p50, p95 and p99 per second"
          />
        </figure>
        <figure className="card">
          <figcaption>Requests per second</figcaption>
          <UplotChart
            options={options.throughput}
            data={frame.throughput}
            testid="latency-chart-throughput"
            label="Requests and errors per second"
          />
        </figure>
        <figure className="card">
          <figcaption>Latency histogram, last 5 minutes</figcaption>
          <UplotChart
            options={options.histogram}
            data={frame.histogram}
            testid="latency-chart-histogram"
            label="Latency histogram"
          />
        </figure>
      </div>
      <HostTable rows={frame.hosts} />
    </div>
  )
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div className="stat">
      <div className="stat-value num">{value}</div>
      <div className="stat-label">{label}</div>
    </div>
  )
}

function HostTable({ rows }: { rows: readonly HostRow[] }) {
  return (
    <figure className="card">
      <figcaption>Per host, since the last clear</figcaption>
      {rows.length === 0 ? (
        <p className="muted small">No finished exchanges yet.</p>
      ) : (
        <table className="data-table" data-testid="host-table">
          <thead>
            <tr>
              <th>Host</th>
              <th className="num">Count</th>
              <th className="num">Error rate</th>
              <th className="num">p50</th>
              <th className="num">p95</th>
              <th className="num">p99</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.host}>
                <td className="mono">{r.host}</td>
                <td className="num">{r.count.toLocaleString()}</td>
                <td className={`num ${r.errorRate > 0 ? 'text-error' : ''}`}>{(r.errorRate * 100).toFixed(1)}%</td>
                <td className="num">{formatMs(r.p50)}</td>
                <td className="num">{formatMs(r.p95)}</td>
                <td className="num">{formatMs(r.p99)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </figure>
  )
}

function chartOptions() {
  const css = getComputedStyle(document.documentElement)
  const v = (name: string, fallback: string): string => css.getPropertyValue(name).trim() || fallback
  const axis = {
    stroke: v('--text-muted', '#888'),
    grid: { stroke: v('--grid-line', 'rgba(128,128,128,0.15)'), width: 1 },
    ticks: { show: false },
    labelFont: '600 11px system-ui, sans-serif',
    labelSize: 18,
  }
  const base = { legend: { show: true }, cursor: { drag: { x: false, y: false } } }
  const percentiles: Omit<uPlot.Options, 'width' | 'height'> = {
    ...base,
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
    axes: [
      { ...axis, label: 'Time' },
      { ...axis, values: msAxis, size: 70, label: 'Latency (ms)' },
    ],
    series: [
      {},
      {
        label: 'p50',
        stroke: v('--chart-1', '#3b82f6'),
        width: 1.5,
        value: (_u, x) => formatMs(x ?? undefined),
        points: lonePoints,
      },
      {
        label: 'p95',
        stroke: v('--chart-2', '#f59e0b'),
        width: 1.5,
        value: (_u, x) => formatMs(x ?? undefined),
        points: lonePoints,
      },
      {
        label: 'p99',
        stroke: v('--chart-3', '#ef4444'),
        width: 1.5,
        value: (_u, x) => formatMs(x ?? undefined),
        points: lonePoints,
      },
    ],
  }
  const throughput: Omit<uPlot.Options, 'width' | 'height'> = {
    ...base,
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
    axes: [
      { ...axis, label: 'Time' },
      { ...axis, size: 70, label: 'Requests per second', incrs: COUNT_STEPS },
    ],
    series: [
      {},
      {
        label: 'requests/s',
        stroke: v('--chart-1', '#3b82f6'),
        fill: v('--chart-1-fill', 'rgba(59,130,246,0.15)'),
        width: 1.5,
        points: lonePoints,
      },
      { label: 'errors/s', stroke: v('--chart-3', '#ef4444'), width: 1.5, points: lonePoints },
    ],
  }
  const histogram: Omit<uPlot.Options, 'width' | 'height'> = {
    ...base,
    legend: { show: false },
    scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
    axes: [
      { ...axis, values: (_u, splits) => splits.map((i) => formatMs(binUpperBound(i))), label: 'Latency (ms, up to)' },
      { ...axis, size: 70, label: 'Exchanges', incrs: COUNT_STEPS },
    ],
    series: [
      { label: '≤ latency', value: (_u, i) => (i === null ? '' : `≤ ${formatMs(binUpperBound(i))}`) },
      {
        label: 'exchanges',
        stroke: v('--chart-1', '#3b82f6'),
        fill: v('--chart-1-fill', 'rgba(59,130,246,0.35)'),
        paths: uPlot.paths.bars!({ size: [0.9, 24] }),
        points: { show: false },
      },
    ],
  }
  return { percentiles, throughput, histogram }
}
