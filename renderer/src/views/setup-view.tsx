/** A browser launched through the proxy (first: the one-click way), then how to point other clients at it, each line copyable. */
import { useState } from 'react'
import { CopyButton } from '../components/copy-button.tsx'
import { HttpsSetup } from '../components/https-setup.tsx'
import { isProxyListener } from '../store/listener-kinds.ts'
import { useApp, useAppStore } from '../store/use-app.ts'

export function SetupView() {
  const listener = useApp((s) => s.listeners.find(isProxyListener) ?? s.listeners[0])
  const [intercepting, setIntercepting] = useState<boolean | undefined>(undefined)
  const store = useAppStore()
  const [launch, setLaunch] = useState<{ busy: boolean; message?: string; ok?: boolean }>({ busy: false })
  const url = listener?.url ?? 'http://127.0.0.1:8080'
  const lines = [
    { id: 'http', label: 'Shell: plain HTTP through the proxy', text: `export HTTP_PROXY=${url}` },
    {
      id: 'https',
      label: 'Shell: HTTPS through the proxy',
      text: `export HTTPS_PROXY=${url}`,
      note:
        intercepting === undefined
          ? undefined
          : intercepting
            ? 'HTTPS is intercepted: clients that trust the Nanoscope CA (below) show their HTTPS requests and responses in full; others see a certificate error.'
            : 'HTTPS interception is off (started with --no-intercept): HTTPS is tunnelled with CONNECT, so you see the tunnel (host, bytes, timing) but not what is inside.',
    },
    { id: 'curl', label: 'One request with curl', text: `curl -x ${url} http://example.com/` },
  ]
  return (
    <div className="page setup" data-testid="setup-view">
      <h2>Send traffic through Nanoscope</h2>
      {!listener && (
        <p className="label label-warn">
          No proxy is running; these commands assume the default address. Start one under Pipelines.
        </p>
      )}
      <section className="card setup-line">
        <h3>The quickest way: a browser through the proxy</h3>
        <p className="muted small">
          Launches Chromium with a fresh profile that uses the proxy, where Chromium is installed. It trusts the
          Nanoscope CA by its public key for that browser only.
        </p>
        <button
          type="button"
          className="btn btn-primary"
          disabled={!listener || launch.busy}
          data-testid="launch-browser"
          onClick={() => {
            if (!listener) return
            setLaunch({ busy: true })
            store
              .getState()
              .command('launchBrowser', { listenerId: listener.id })
              .then(
                (r) => setLaunch({ busy: false, ok: r.launched, message: r.message }),
                (e: unknown) =>
                  setLaunch({ busy: false, ok: false, message: e instanceof Error ? e.message : String(e) }),
              )
          }}
        >
          {launch.busy ? 'Launching…' : 'Launch Chromium through the proxy'}
        </button>
        {launch.message && (
          <p className={launch.ok ? 'ok-text' : 'error-text'} role="status" data-testid="launch-message">
            {launch.message}
          </p>
        )}
      </section>
      {lines.map((l) => (
        <section key={l.id} className="card setup-line">
          <h3>{l.label}</h3>
          <div className="snippet" data-testid={`setup-${l.id}`}>
            <code>{l.text}</code>
            <CopyButton text={l.text} />
          </div>
          {l.note && <p className="muted small">{l.note}</p>}
        </section>
      ))}
      <HttpsSetup proxyUrl={url} onIntercepting={setIntercepting} />
    </div>
  )
}
