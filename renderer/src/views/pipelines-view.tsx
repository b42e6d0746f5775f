/** Running listeners with their pipelines, a Stop button each, and a form to start another. */
import { useState, type FormEvent } from 'react'
import type { ListenerKind, ProxyMode, StartListenerRequest } from '../../../shared/exchange.ts'
import { CopyButton } from '../components/copy-button.tsx'
import { BlockEditor } from '../components/block-editor.tsx'
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
        <div className="empty-state compact">
          <p>No listener is running. Start one below.</p>
        </div>
      ) : (
        <ul className="listener-list">
          {listeners.map((l) => (
            <li key={l.id} className="card listener" data-testid="listener" data-id={l.id}>
              <div className="listener-head">
                <strong className="listener-name">{l.name}</strong>
                <span className="badge">{l.kind}</span>
                <span className="badge badge-muted">
                  {l.mode}
                  {l.httpsUpstream ? ' · https upstream' : ''}
                  {l.h2cUpstream ? ' · h2c upstream' : ''}
                </span>
                <code className="listener-url">{l.url}</code>
                <CopyButton text={l.url} />
                {l.target && (
                  <span className="muted">
                    → <code>{l.target}</code>
                  </span>
                )}
                <span className="spacer" />
                <button
                  type="button"
                  className="btn btn-danger btn-small"
                  disabled={stopping === l.id}
                  aria-label={`Stop ${l.url}`}
                  onClick={() => {
                    setStopping(l.id)
                    void store
                      .getState()
                      .run('stopListener', { id: l.id })
                      .finally(() => setStopping(undefined))
                  }}
                >
                  {stopping === l.id ? 'Stopping…' : 'Stop'}
                </button>
              </div>
              {l.note && <p className="label label-info">{l.note}</p>}
              {l.blocks && <BlockEditor listener={l} />}
              <details className="pipeline-details">
                <summary>Every filter it runs, outermost first</summary>
                <ol className="pipeline" aria-label={`Pipeline of ${l.name}, outermost first`}>
                  {l.pipeline.map((line, i) => (
                    <li key={i} className="mono">
                      {line}
                    </li>
                  ))}
                </ol>
              </details>
            </li>
          ))}
        </ul>
      )}
      <StartForm />
      <StartFromFile />
    </div>
  )
}

function StartForm() {
  const store = useAppStore()
  const [kind, setKind] = useState<ListenerKind>('proxy')
  const [mode, setMode] = useState<ProxyMode>('forward')
  const [target, setTarget] = useState('')
  const [httpsUpstream, setHttpsUpstream] = useState(false)
  const [h2cUpstream, setH2cUpstream] = useState(false)
  const [port, setPort] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | undefined>(undefined)
  const [started, setStarted] = useState<string | undefined>(undefined)

  const submit = async (ev: FormEvent): Promise<void> => {
    ev.preventDefault()
    setError(undefined)
    setStarted(undefined)
    const portNumber = port.trim() === '' ? undefined : Number(port)
    if (portNumber !== undefined && !(Number.isInteger(portNumber) && portNumber >= 0 && portNumber <= 65535)) {
      setError('The port must be a whole number from 0 to 65535 (0 or empty picks a free port).')
      return
    }
    if (mode === 'reverse' && target.trim() === '') {
      setError('A reverse proxy needs a target URL, like http://127.0.0.1:3000.')
      return
    }
    const request: StartListenerRequest = {
      kind,
      mode,
      httpsUpstream,
      ...(h2cUpstream ? { h2cUpstream: true } : {}),
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
    <form
      className="card start-form"
      onSubmit={(e) => void submit(e)}
      data-testid="start-listener-form"
      aria-label="Start a proxy"
    >
      <h2>Start a proxy</h2>
      <div className="form-row">
        <label>
          Kind
          <select value={kind} onChange={(e) => setKind(e.target.value as ListenerKind)}>
            <option value="proxy">proxy</option>
            <option value="latency">latency (reports timing)</option>
            <option value="sniff">sniff (prints the wire)</option>
          </select>
        </label>
        <fieldset className="radio-group">
          <legend>Mode</legend>
          <label>
            <input
              type="radio"
              name="mode"
              value="forward"
              checked={mode === 'forward'}
              onChange={() => setMode('forward')}
            />{' '}
            forward
          </label>
          <label>
            <input
              type="radio"
              name="mode"
              value="reverse"
              checked={mode === 'reverse'}
              onChange={() => setMode('reverse')}
            />{' '}
            reverse
          </label>
        </fieldset>
        {mode === 'reverse' && (
          <label className="grow">
            Target URL
            <input
              type="url"
              value={target}
              placeholder="http://127.0.0.1:3000"
              onChange={(e) => setTarget(e.target.value)}
            />
          </label>
        )}
        <label>
          Port
          <input
            type="text"
            inputMode="numeric"
            value={port}
            placeholder="any"
            size={7}
            onChange={(e) => setPort(e.target.value)}
          />
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={httpsUpstream} onChange={(e) => setHttpsUpstream(e.target.checked)} /> HTTPS
          upstream
        </label>
        <label
          className="checkbox"
          title="Speak HTTP/2 with prior knowledge to http:// upstreams (h2c-only servers, gRPC)"
        >
          <input
            type="checkbox"
            checked={h2cUpstream}
            data-testid="h2c-upstream"
            onChange={(e) => setH2cUpstream(e.target.checked)}
          />{' '}
          h2c upstream
        </label>
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Starting…' : 'Start'}
        </button>
      </div>
      {error && (
        <p className="error-text" role="alert" data-testid="start-error">
          {error}
        </p>
      )}
      {started && (
        <p className="ok-text" role="status">
          {started}
        </p>
      )}
    </form>
  )
}

/** Starts every listener of a pipeline file (as `nanoscope serve --pipeline FILE` would, without following saves). */
function StartFromFile() {
  const store = useAppStore()
  const [said, setSaid] = useState<{ ok: boolean; text: string } | undefined>(undefined)
  const load = async (file: File): Promise<void> => {
    let parsed: { listeners?: unknown }
    try {
      parsed = JSON.parse(await file.text()) as { listeners?: unknown }
    } catch (e) {
      setSaid({ ok: false, text: `${file.name}: not valid JSON (${messageOf(e)})` })
      return
    }
    if (!Array.isArray(parsed.listeners)) {
      setSaid({ ok: false, text: `${file.name}: listeners: must be a list` })
      return
    }
    const started: string[] = []
    try {
      for (const [i, l] of (parsed.listeners as Record<string, unknown>[]).entries()) {
        const target = typeof l.target === 'string' ? l.target : undefined
        const info = await store.getState().command('startListener', {
          kind: 'proxy',
          mode: target ? 'reverse' : 'forward',
          ...(target ? { target } : {}),
          name: typeof l.name === 'string' ? l.name : `${file.name.replace(/\.json$/, '')} ${i + 1}`,
          pipeline: Array.isArray(l.pipeline) ? l.pipeline : [],
          port: typeof l.port === 'number' ? l.port : 0,
          ...(l.httpsUpstream === true ? { httpsUpstream: true } : {}),
          ...(l.h2cUpstream === true ? { h2cUpstream: true } : {}),
        })
        started.push(`${info.name} on ${info.url}`)
      }
      setSaid({ ok: true, text: `Started ${started.join(', ')}` })
    } catch (e) {
      setSaid({ ok: false, text: `${started.length ? `Started ${started.join(', ')}; then: ` : ''}${messageOf(e)}` })
    }
  }
  return (
    <div className="card start-form">
      <h2>Start from a pipeline file</h2>
      <label>
        Pipeline file{' '}
        <input
          type="file"
          accept=".json,application/json"
          onChange={(e) => {
            const f = e.target.files?.[0]
            if (f) void load(f)
            e.target.value = ''
          }}
        />
      </label>
      <p className="muted">
        Relative paths in the file's blocks point at the app's working folder here; use{' '}
        <code>nanoscope serve --pipeline FILE</code> to follow a file as it is saved.
      </p>
      {said && (
        <p className={said.ok ? 'ok-text' : 'error-text'} role={said.ok ? 'status' : 'alert'}>
          {said.text}
        </p>
      )}
    </div>
  )
}
