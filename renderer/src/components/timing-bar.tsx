/** The exchange's timing as one bar: sending the request body, waiting for headers, receiving the body. */
import type { ExchangeSummary } from '../../../shared/exchange.ts'
import { formatMs } from '../lib/format.ts'

export function TimingBar({ exchange }: { exchange: ExchangeSummary }) {
  const t = exchange.timings
  const total = exchange.durationMs ?? t.responseDone ?? t.responseHeaders ?? t.requestBodyDone
  if (total === undefined) return <p className="muted small">No timing yet.</p>
  const sent = t.requestBodyDone ?? 0
  const headers = t.responseHeaders ?? sent
  const done = t.responseDone ?? total
  const parts = [
    { key: 'send', label: 'Request body', ms: sent },
    { key: 'wait', label: 'Waiting', ms: Math.max(0, headers - sent) },
    { key: 'receive', label: 'Response body', ms: Math.max(0, done - headers) },
  ]
  const span = Math.max(total, done, 0.001)
  return (
    <div className="timing" data-testid="timing">
      <div className="timing-bar" role="img" aria-label={parts.map((p) => `${p.label} ${formatMs(p.ms)}`).join(', ')}>
        {parts.map((p) => (
          <span key={p.key} className={`timing-${p.key}`} style={{ width: `${(p.ms / span) * 100}%` }} />
        ))}
      </div>
      <dl className="timing-legend">
        {parts.map((p) => (
          <div key={p.key}>
            <dt>
              <span className={`swatch timing-${p.key}`} />
              {p.label}
            </dt>
            <dd className="num">{formatMs(p.ms)}</dd>
          </div>
        ))}
        <div>
          <dt>Total</dt>
          <dd className="num">{formatMs(total)}</dd>
        </div>
      </dl>
    </div>
  )
}
