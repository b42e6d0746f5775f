/** Per proxy: Record (with a session name) or Stop with the running count, and the stand-in switch. */
import { useState } from 'react'
import type { ListenerInfo, RecordingInfo, SessionInfo } from '../../../shared/exchange.ts'
import { isProxyListener } from '../store/listener-kinds.ts'
import { useApp, useAppStore } from '../store/use-app.ts'

export function RecordingControls() {
  const listeners = useApp((s) => s.listeners)
  const proxies = listeners.filter(isProxyListener)
  return (
    <section className="card" aria-labelledby="recording-title" data-testid="recording-controls">
      <h2 id="recording-title">Record</h2>
      {proxies.length === 0 ? (
        <p className="muted small">No proxy is running, so there is nothing to record. Start one under Pipelines.</p>
      ) : (
        <ul className="recorder-list">
          {proxies.map((l) => (
            <Recorder key={l.id} listener={l} />
          ))}
        </ul>
      )}
    </section>
  )
}

function Recorder({ listener: l }: { listener: ListenerInfo }) {
  const store = useAppStore()
  const info = useApp((s) => s.recordings[l.id])
  const sessions = useApp((s) => s.sessions)
  const [name, setName] = useState('')
  const [busy, setBusy] = useState(false)
  const act = (work: () => Promise<void>): void => {
    setBusy(true)
    void work().finally(() => setBusy(false))
  }
  const recording = info?.recording === true
  return (
    <li className="recorder" data-testid="recorder" data-listener={l.id} data-recording={recording}>
      <div className="recorder-row">
        <span className="badge">{l.kind}</span>
        <code className="listener-url">{l.url}</code>
        {l.target && (
          <span className="muted small">
            → <code>{l.target}</code>
          </span>
        )}
        <span className="spacer" />
        {recording ? (
          <>
            <span className="rec-status" role="status" data-testid="recording-status">
              <span className="rec-dot" aria-hidden="true" />
              Recording <strong>{sessionName(info, sessions)}</strong>
              <span className="num" data-testid="recording-count">
                {info.count.toLocaleString()}
              </span>{' '}
              {info.count === 1 ? 'exchange' : 'exchanges'}
            </span>
            <button
              type="button"
              className="btn"
              disabled={busy}
              data-testid="stop-recording"
              aria-label={`Stop recording ${l.url}`}
              onClick={() => act(() => store.getState().stopRecording(l.id))}
            >
              ■ Stop
            </button>
          </>
        ) : (
          <form
            className="inline-form"
            aria-label={`Record ${l.url}`}
            onSubmit={(e) => {
              e.preventDefault()
              act(async () => {
                await store.getState().startRecording(l.id, name)
                setName('')
              })
            }}
          >
            <input
              type="text"
              value={name}
              placeholder="Session name (optional)"
              aria-label="Session name"
              data-testid="session-name"
              maxLength={80}
              onChange={(e) => setName(e.target.value)}
              disabled={!info || busy}
            />
            <button type="submit" className="btn btn-record" disabled={!info || busy} data-testid="start-recording">
              <span className="rec-dot" aria-hidden="true" /> Record
            </button>
          </form>
        )}
      </div>
      {info?.stoppedBecause && !recording && (
        <p className="label label-warn" role="alert" data-testid="recording-stopped">
          Recording stopped by itself: {info.stoppedBecause}
        </p>
      )}
      <StandIn listener={l} info={info} sessions={sessions} />
    </li>
  )
}

function StandIn({
  listener: l,
  info,
  sessions,
}: {
  listener: ListenerInfo
  info: RecordingInfo | undefined
  sessions: readonly SessionInfo[]
}) {
  const store = useAppStore()
  const current = info?.standInSessionId ?? ''
  const known = current === '' || sessions.some((s) => s.id === current)
  return (
    <div className="recorder-row small">
      <label className="inline-label">
        Stand in for the server from
        <select
          value={current}
          disabled={!info}
          data-testid="stand-in"
          aria-label={`Stand-in session for ${l.url}`}
          onChange={(e) => void store.getState().setStandIn(l.id, e.target.value || undefined)}
        >
          <option value="">Off: forward to the server</option>
          {!known && <option value={current}>{current}</option>}
          {sessions.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name} ({s.count})
            </option>
          ))}
        </select>
      </label>
      {current && (
        <span className="label label-info" data-testid="stand-in-on">
          Answering from the recording; the server is not contacted.
        </span>
      )}
    </div>
  )
}

export function sessionName(info: RecordingInfo, sessions: readonly SessionInfo[]): string {
  return info.name ?? sessions.find((s) => s.id === info.sessionId)?.name ?? info.sessionId ?? 'session'
}
