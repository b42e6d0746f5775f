/**
 * The websocket clock demo: Connect starts the clock app behind a capturing reverse proxy and opens a
 * WebSocket to it from this page; each tick shows here and, as frames of the websocket exchange, in Traffic.
 */
import { formatClock } from '../lib/format.ts'
import { useApp, useAppStore } from '../store/use-app.ts'

export function ClockView() {
  const store = useAppStore()
  const status = useApp((s) => s.clockStatus)
  const url = useApp((s) => s.clockUrl)
  const message = useApp((s) => s.clockMessage)
  const ticks = useApp((s) => s.clockTicks)
  const latest = ticks[0]
  const connected = status === 'open' || status === 'connecting' || status === 'starting'
  const shown = latest ? displayTime(latest.payload) : undefined
  return (
    <div className="page clock" data-testid="clock-view">
      <section className="card clock-card">
        <div className="card-head">
          <h2>WebSocket clock</h2>
          <span className={`conn-state state-${status}`} data-testid="clock-status" role="status">
            {STATUS_TEXT[status]}
          </span>
          <span className="spacer" />
          {connected ? (
            <button
              type="button"
              className="btn"
              data-testid="clock-disconnect"
              onClick={() => store.getState().disconnectClock()}
            >
              Disconnect
            </button>
          ) : (
            <button
              type="button"
              className="btn btn-primary"
              data-testid="clock-connect"
              onClick={() => void store.getState().connectClock()}
            >
              Connect
            </button>
          )}
        </div>
        <p className="muted small">
          A websocket app built from the same parts as the proxies sends the time every second. This page connects
          through a capturing reverse proxy, so the conversation shows in Traffic: open the <code>ws</code> row and its
          Frames tab.
        </p>
        {url && (
          <div className="snippet">
            <code data-testid="clock-url">{url}</code>
          </div>
        )}
        {message && status !== 'open' && (
          <p className={status === 'error' ? 'error-text' : 'muted'} role={status === 'error' ? 'alert' : undefined}>
            {message}
          </p>
        )}
        <div className="clock-face" aria-live="off" data-testid="clock-time">
          {shown ? (
            <>
              <span className="clock-time num">{shown.time}</span>
              <span className="muted small">{shown.date}</span>
            </>
          ) : (
            <span className="muted">
              {status === 'open' || status === 'connecting' ? 'Waiting for the first tick…' : 'Not connected'}
            </span>
          )}
        </div>
      </section>
      <section className="card">
        <h2>
          Recent frames <span className="muted small num">{ticks.length > 0 ? `(${ticks.length} kept)` : ''}</span>
        </h2>
        {ticks.length === 0 ? (
          <p className="muted small" data-testid="clock-no-ticks">
            No frames yet.
          </p>
        ) : (
          <table className="data-table" data-testid="clock-ticks">
            <thead>
              <tr>
                <th className="col-time">Received at</th>
                <th>Payload</th>
              </tr>
            </thead>
            <tbody>
              {ticks.slice(0, 20).map((t, i) => (
                <tr key={`${t.at}-${i}`} data-testid="clock-tick">
                  <td className="tabular nowrap">{formatClock(t.at)}</td>
                  <td className="mono">{t.payload}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  )
}

const STATUS_TEXT: Record<string, string> = {
  idle: 'Not connected',
  starting: 'Starting the clock…',
  connecting: 'Connecting…',
  open: '● Connected',
  closed: 'Disconnected',
  error: 'Failed',
}

/** An ISO timestamp as local hh:mm:ss and a date; any other payload as it is. */
function displayTime(payload: string): { time: string; date: string } {
  const d = new Date(payload)
  if (Number.isNaN(d.getTime()) || !/^\d{4}-\d\d-\d\dT/.test(payload)) return { time: payload, date: '' }
  const two = (n: number): string => String(n).padStart(2, '0')
  return { time: `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`, date: d.toDateString() }
}
