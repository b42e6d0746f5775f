/** Running listeners with their pipelines, a Stop button each, and a form to start another. */
import { useState, type FormEvent } from 'react'
import type { ListenerKind, ProxyMode, StartListenerRequest } from '../../../shared/exchange.ts'
import { CopyButton } from '../components/copy-button.tsx'
import { messageOf } from '../store/session-slice.ts'
import { useApp, useAppStore } from '../store/use-app.ts'

export function PipelinesView() {
  const listeners = useApp((s) => s.listeners)
  const store = useAppStore()
  const [stopping, setStopping] = useState<string | undefined>(undefined)
  return (
    <div className="page" data-testid="pipelines-view">
      <h2>Running listeners</h2>
      {listeners.length === 0 ? (
        <div className="empty-state compact"><p>No listener is running. Start one below.</p></div>
      ) : (
        <ul className="listener-list">
          {listeners.map((l) => (
            <li key={l.id} className="card listener" data-testid="listener" data-id={l.id}>
              <div className="listener-head">
                <span className="badge">{l.kind}</span>
                <span className="badge badge-muted">{l.mode}{l.httpsUpstream ? ' · https upstream' : ''}</span>
                <code className="listener-url">{l.url}</code>
                <CopyButton text={l.url} />
                {l.target && <span className="muted">→ <code>{l.target}</code></span>}
                <span className="spacer" />
                <button type="button" className="btn btn-danger btn-small" disabled={stopping === l.id}
                  aria-label={`Stop ${l.url}`}
                  onClick={() => { setStopping(l.id); void store.getState().run('stopListener', { id: l.id }).finally(() => setStopping(undefined)) }}>
                  {stopping === l.id ? 'Stopping…' : 'Stop'}
                </button>
              </div>
              {l.note && <p className="label label-info">{l.note}</p>}
              <ol className="pipeline" aria-label="Pipeline, outermost first">
                {l.pipeline.map((line, i) => <li key={i} className="mono">{line}</li>)}
              </ol>
            </li>
          ))}
        </ul>
      )}
      <StartForm />
    </div>
  )
}

function StartForm() {
  const store = useAppStore()
  const [kind, setKind] = useState<ListenerKind>('proxy')
  const [mode, setMode] = useState<ProxyMode>('forward')
  const [target, setTarget] = useState('')
  const [httpsUpstream, setHttpsUpstream] = useState(false)
  const [port, setPort] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | undefined>(undefined)
  const [started, setStarted] = useState<string | undefined>(undefined)

  const submit = async (ev: FormEvent): Promise<void> => {
    ev.preventDefault()
    setError(undefined); setStarted(undefined)
    const portNumber = port.trim() === '' ? undefined : Number(port)
    if (portNumber !== undefined && !(Number.isInteger(portNumber) && portNumber >= 0 && portNumber <= 65535)) {
      setError('The port must be a whole number from 0 to 65535 (0 or empty picks a free port).')
      return
    }
    if (mode === 'reverse' && target.trim() === '') { setError('A reverse proxy needs a target URL, like http://127.0.0.1:3000.'); return }
    const request: StartListenerRequest = {
      kind, mode, httpsUpstream,
      ...(mode === 'reverse' ? { target: target.trim() } : {}),
      ...(portNumber !== undefined ? { port: portNumber } : {}),
    }
    setBusy(true)
    try {
      const info = await store.getState().command('startListener', request)
      setStarted(`Started ${info.kind} on ${info.url}${info.note ? ` — ${info.note}` : ''}`)
    } catch (e) {
      setError(messageOf(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <form className="card start-form" onSubmit={(e) => void submit(e)} data-testid="start-listener-form" aria-label="Start a proxy">
      <h2>Start a proxy</h2>
      <div className="form-row">
        <label>Kind
          <select value={kind} onChange={(e) => setKind(e.target.value as ListenerKind)}>
            <option value="proxy">proxy</option>
            <option value="latency">latency (reports timing)</option>
            <option value="sniff">sniff (prints the wire)</option>
          </select>
        </label>
        <fieldset className="radio-group">
          <legend>Mode</legend>
          <label><input type="radio" name="mode" value="forward" checked={mode === 'forward'} onChange={() => setMode('forward')} /> forward</label>
          <label><input type="radio" name="mode" value="reverse" checked={mode === 'reverse'} onChange={() => setMode('reverse')} /> reverse</label>
        </fieldset>
        {mode === 'reverse' && (
          <label className="grow">Target URL
            <input type="url" value={target} placeholder="http://127.0.0.1:3000" onChange={(e) => setTarget(e.target.value)} />
          </label>
        )}
        <label>Port
          <input type="text" inputMode="numeric" value={port} placeholder="any" size={7} onChange={(e) => setPort(e.target.value)} />
        </label>
        <label className="checkbox"><input type="checkbox" checked={httpsUpstream} onChange={(e) => setHttpsUpstream(e.target.checked)} /> HTTPS upstream</label>
        <button type="submit" className="btn btn-primary" disabled={busy}>{busy ? 'Starting…' : 'Start'}</button>
      </div>
      {error && <p className="error-text" role="alert" data-testid="start-error">{error}</p>}
      {started && <p className="ok-text" role="status">{started}</p>}
    </form>
  )
}
