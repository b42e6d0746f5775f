/** What an empty traffic table says: how to send traffic through the proxy. */
import { useApp } from '../store/use-app.ts'
import { CopyButton } from './copy-button.tsx'

export function EmptyTraffic() {
  const proxyUrl = useApp((s) => s.listeners[0]?.url)
  const capturing = useApp((s) => s.capturing)
  const setView = useApp((s) => s.setView)
  const curl = `curl -x ${proxyUrl ?? 'http://127.0.0.1:8080'} http://example.com/`
  return (
    <div className="empty-state" data-testid="empty-traffic">
      <h2>No traffic yet</h2>
      {!capturing && <p className="warn">Capture is paused: resume it to see new exchanges.</p>}
      {proxyUrl ? (
        <p>
          Point an HTTP client at the proxy on <code>{proxyUrl}</code> and every exchange appears here as it happens.
        </p>
      ) : (
        <p>
          No proxy is running. Start one under{' '}
          <button type="button" className="link" onClick={() => setView('pipelines')}>
            Pipelines
          </button>
          .
        </p>
      )}
      <div className="snippet">
        <code>{curl}</code>
        <CopyButton text={curl} />
      </div>
      <p className="muted">
        More ways (HTTP_PROXY, a browser through the proxy) under{' '}
        <button type="button" className="link" onClick={() => setView('setup')}>
          Setup
        </button>
        .
      </p>
    </div>
  )
}
