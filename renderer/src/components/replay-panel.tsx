/**
 * Replay a session through a proxy: where to send it, how fast, how many at once; a progress bar from
 * `replayProgress` events; then the report — outcome counts, latency, and one row per request.
 */
import { useState, type FormEvent } from 'react'
import type { LatencyStatsData, ReplayReportData, ReplayResultData } from '../../../shared/exchange.ts'
import { formatMs } from '../lib/format.ts'
import { isProxyListener } from '../store/listener-kinds.ts'
import type { ReplayState } from '../store/recording-slice.ts'
import { useApp, useAppStore } from '../store/use-app.ts'

type Speed = '1' | '2' | 'max'

export function ReplayPanel({ sessionId, onSession }: { sessionId: string; onSession: (id: string) => void }) {
  const store = useAppStore()
  const sessions = useApp((s) => s.sessions)
  const listeners = useApp((s) => s.listeners)
  const replay = useApp((s) => s.replay)
  const proxies = listeners.filter(isProxyListener)
  const [listenerId, setListenerId] = useState('')
  const [target, setTarget] = useState('')
  const [speed, setSpeed] = useState<Speed>('1')
  const [concurrency, setConcurrency] = useState('1')
  const [limit, setLimit] = useState('')
  const [error, setError] = useState<string | undefined>(undefined)
  const via = proxies.some((l) => l.id === listenerId) ? listenerId : (proxies[0]?.id ?? '')
  const running = replay?.status === 'running'

  const submit = (ev: FormEvent): void => {
    ev.preventDefault()
    setError(undefined)
    const c = Number(concurrency)
    const n = limit.trim() === '' ? undefined : Number(limit)
    if (!sessionId) return setError('Pick a session to replay.')
    if (!via) return setError('Start a proxy first: replays go through one, so they show in Traffic.')
    if (!Number.isInteger(c) || c < 1 || c > 256) return setError('Concurrency must be a whole number from 1 to 256.')
    if (n !== undefined && (!Number.isInteger(n) || n < 1))
      return setError('Limit must be a whole number of requests, at least 1 (or empty for all).')
    if (target.trim() && !/^https?:\/\/[^\s]+$/i.test(target.trim()))
      return setError('The target must be a URL like http://127.0.0.1:3000.')
    void store.getState().startReplay({
      sessionId,
      listenerId: via,
      speed: speed === 'max' ? 'max' : Number(speed),
      concurrency: c,
      ...(n !== undefined ? { limit: n } : {}),
      ...(target.trim() ? { target: target.trim() } : {}),
    })
  }

  return (
    <section className="card" aria-labelledby="replay-title" data-testid="replay-panel">
      <h2 id="replay-title">Replay</h2>
      <form className="form-grid" onSubmit={submit} aria-label="Replay a session">
        <label>
          Session
          <select value={sessionId} data-testid="replay-session-select" onChange={(e) => onSession(e.target.value)}>
            <option value="">Choose…</option>
            {sessions.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name} ({s.count})
              </option>
            ))}
          </select>
        </label>
        <label>
          Through proxy
          <select
            value={via}
            data-testid="replay-listener"
            onChange={(e) => setListenerId(e.target.value)}
            disabled={proxies.length === 0}
          >
            {proxies.length === 0 && <option value="">No proxy running</option>}
            {proxies.map((l) => (
              <option key={l.id} value={l.id}>
                {l.url} ({l.kind})
              </option>
            ))}
          </select>
        </label>
        <label className="grow">
          Target URL
          <input
            type="url"
            value={target}
            placeholder="optional: the recorded server"
            title="Send to this base URL instead of the recorded one"
            data-testid="replay-target"
            onChange={(e) => setTarget(e.target.value)}
          />
        </label>
        <div className="field">
          <span className="field-label" id="replay-speed-label">
            Speed
          </span>
          <div className="segmented" role="group" aria-labelledby="replay-speed-label">
            {(['1', '2', 'max'] as const).map((v) => (
              <button
                key={v}
                type="button"
                className="seg"
                aria-pressed={speed === v}
                data-testid={`replay-speed-${v}`}
                onClick={() => setSpeed(v)}
              >
                {v === 'max' ? 'max' : `${v}×`}
              </button>
            ))}
          </div>
        </div>
        <label>
          Concurrency
          <input
            type="number"
            min={1}
            max={256}
            value={concurrency}
            size={4}
            data-testid="replay-concurrency"
            onChange={(e) => setConcurrency(e.target.value)}
          />
        </label>
        <label>
          Limit
          <input
            type="number"
            min={1}
            value={limit}
            placeholder="all"
            size={6}
            data-testid="replay-limit"
            onChange={(e) => setLimit(e.target.value)}
          />
        </label>
        <button type="submit" className="btn btn-primary" disabled={running || !sessionId} data-testid="start-replay">
          {running ? 'Replaying…' : 'Replay'}
        </button>
      </form>
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
      {replay && <ReplayStatus replay={replay} />}
    </section>
  )
}

function ReplayStatus({ replay: r }: { replay: ReplayState }) {
  const clear = useApp((s) => s.clearReplay)
  const fraction = r.total ? Math.min(1, r.done / r.total) : r.status === 'done' ? 1 : 0
  return (
    <div className="replay-status" data-testid="replay-status" data-state={r.status}>
      <div className="progress-line">
        <div
          className="progress"
          role="progressbar"
          aria-label="Replay progress"
          aria-valuemin={0}
          aria-valuemax={r.total ?? 0}
          aria-valuenow={r.done}
          data-testid="replay-progress"
        >
          <div
            className={`progress-fill ${r.status === 'failed' ? 'is-failed' : ''}`}
            style={{ width: `${(fraction * 100).toFixed(1)}%` }}
          />
        </div>
        <span className="num small" data-testid="replay-progress-text">
          {r.done}
          {r.total !== undefined ? ` / ${r.total}` : ''}
        </span>
        {r.status !== 'running' && (
          <button type="button" className="btn btn-small" onClick={clear}>
            Clear
          </button>
        )}
      </div>
      {r.status === 'failed' && (
        <p className="error-text" role="alert">
          The replay failed: {r.error}
        </p>
      )}
      {r.report && <ReplayReport report={r.report} />}
    </div>
  )
}

function ReplayReport({ report }: { report: ReplayReportData }) {
  const c = report.counts
  const speed =
    report.speed === 'max' || report.speed === null || report.speed === Infinity ? 'max' : `${report.speed}×`
  return (
    <>
      <p className="replay-summary" role="status" data-testid="replay-summary">
        <span className="pill pill-ok">{c.same} same</span>
        <span className="pill pill-warn">{c.changed} changed</span>
        <span className="pill pill-error">{c.failed} failed</span>
        <span className="pill">{c['not-sent']} not sent</span>
        <span className="muted small">
          {report.total} requests in {formatMs(report.elapsedMs)} at {speed}
          {report.target ? ` to ${report.target}` : ''}
        </span>
      </p>
      <table className="data-table latency-compare" aria-label="Latency, recorded and replayed">
        <thead>
          <tr>
            <th>Latency</th>
            <th className="num">Count</th>
            <th className="num">p50</th>
            <th className="num">p95</th>
            <th className="num">max</th>
          </tr>
        </thead>
        <tbody>
          <LatencyRow label="Recorded" stats={report.latency.recorded} />
          <LatencyRow label="Replayed" stats={report.latency.replayed} />
        </tbody>
      </table>
      <div className="table-scroll">
        <table className="data-table replay-results" data-testid="replay-results">
          <thead>
            <tr>
              <th className="num">#</th>
              <th>Method</th>
              <th>URL</th>
              <th>Outcome</th>
              <th className="num">Status</th>
              <th>Differences</th>
              <th className="num">Recorded</th>
              <th className="num">Replayed</th>
            </tr>
          </thead>
          <tbody>
            {report.results.map((r) => (
              <tr key={r.index} data-testid="replay-result" data-outcome={r.outcome}>
                <td className="num muted">{r.index + 1}</td>
                <td className="mono">{r.method}</td>
                <td className="mono url-cell" title={r.url}>
                  {r.url}
                </td>
                <td>
                  <span className={`outcome-tag outcome-${r.outcome}`}>{r.outcome}</span>
                </td>
                <td className="num nowrap">
                  {r.recordedStatus}
                  {r.status !== undefined && r.status !== r.recordedStatus ? (
                    <>
                      {' '}
                      → <strong className="text-error">{r.status}</strong>
                    </>
                  ) : (
                    ''
                  )}
                </td>
                <td className="small">{differences(r)}</td>
                <td className="num">{formatMs(r.recordedMs)}</td>
                <td className="num">{formatMs(r.replayedMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted small">Headers left out of the comparison: {report.ignoredHeaders.join(', ')}.</p>
    </>
  )
}

function LatencyRow({ label, stats }: { label: string; stats: LatencyStatsData }) {
  return (
    <tr>
      <td>{label}</td>
      <td className="num">{stats.count}</td>
      <td className="num">{formatMs(stats.p50)}</td>
      <td className="num">{formatMs(stats.p95)}</td>
      <td className="num">{formatMs(stats.max)}</td>
    </tr>
  )
}

/** One line: what differed between the recorded and the replayed response. */
export function differences(r: ReplayResultData): string {
  if (r.error) return r.error
  const parts: string[] = []
  if (r.statusChanged && r.status !== undefined) parts.push(`status ${r.recordedStatus} → ${r.status}`)
  const body = r.body
  if (body) parts.push(`body ${body.recordedSize} → ${body.size} B, first difference at byte ${body.firstDifferenceAt}`)
  const headers = r.headers.map((h) => h.name)
  if (headers.length > 0) parts.push(`headers: ${headers.join(', ')}`)
  return parts.length > 0 ? parts.join('; ') : '—'
}
