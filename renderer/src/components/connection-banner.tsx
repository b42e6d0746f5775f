/** Connecting, lost (with retry) and unauthorised states of the link to Nanoscope. */
import { useEffect, useState } from 'react'
import { useApp } from '../store/use-app.ts'

export function ConnectionBanner() {
  const connection = useApp((s) => s.connection)
  const synced = useApp((s) => s.synced)
  const reconnect = useApp((s) => s.reconnect)
  const [now, setNow] = useState(Date.now())
  useEffect(() => {
    if (connection.status !== 'lost') return
    const t = setInterval(() => setNow(Date.now()), 500)
    return () => clearInterval(t)
  }, [connection.status])

  switch (connection.status) {
    case 'open':
      return synced ? null : (
        <div className="banner banner-info" data-testid="connection" data-state="loading" role="status">
          Loading traffic…
        </div>
      )
    case 'connecting':
      return (
        <div className="banner banner-info" data-testid="connection" data-state="connecting" role="status">
          <span className="spinner" aria-hidden="true" /> Connecting to Nanoscope
          {connection.attempt > 1 ? ` (attempt ${connection.attempt})` : ''}…
        </div>
      )
    case 'lost': {
      const secs = Math.max(0, Math.ceil((connection.retryAt - now) / 1000))
      return (
        <div className="banner banner-error" data-testid="connection" data-state="lost" role="alert">
          <span className="banner-text">
            Connection lost: {connection.reason}. Retrying in {secs} s.
          </span>
          <button type="button" className="btn btn-small" onClick={reconnect}>
            Retry now
          </button>
        </div>
      )
    }
    case 'unauthorised':
      return (
        <div className="banner banner-error" data-testid="connection" data-state="unauthorised" role="alert">
          <span className="banner-text">
            <strong>Not authorised.</strong> {connection.reason}
          </span>
        </div>
      )
  }
}
