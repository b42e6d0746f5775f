/** The sessions on disk (inline rename, delete with a confirmation) or in a bucket, HAR export, and "Replay…". */
import { useState } from 'react'
import type { SessionInfo } from '../../../shared/exchange.ts'
import { downloadText, formatDate } from '../lib/download.ts'
import { formatBytes } from '../lib/format.ts'
import { useApp, useAppStore } from '../store/use-app.ts'

export function SessionTable({ onReplay }: { onReplay: (sessionId: string) => void }) {
  const sessions = useApp((s) => s.sessions)
  const load = useApp((s) => s.sessionsLoad)
  const error = useApp((s) => s.sessionsError)
  const location = useApp((s) => s.sessionsLocation)
  const store = useAppStore()
  if (load === 'error') {
    return (
      <p className="error-text" role="alert" data-testid="sessions-error">
        Could not list the sessions{location ? ` in ${location}` : ''}: {error}{' '}
        <button type="button" className="link" onClick={() => void store.getState().loadSessions()}>
          Try again
        </button>
      </p>
    )
  }
  if (load !== 'ready')
    return (
      <p className="muted small" data-testid="sessions-loading">
        <span className="spinner" aria-hidden="true" /> Loading sessions…
      </p>
    )
  if (sessions.length === 0) {
    return (
      <div className="empty-state compact" data-testid="sessions-empty">
        <p>
          {location
            ? `No sessions in ${location}. Record to it with nanoscope record --dir ${location}/NAME.`
            : 'No sessions yet. Record one above, or import a HAR file.'}
        </p>
      </div>
    )
  }
  return (
    <table className="data-table sessions-table" data-testid="sessions-table">
      <thead>
        <tr>
          <th>Name</th>
          <th>Created</th>
          <th>Updated</th>
          <th className="num">Exchanges</th>
          <th className="num">Size</th>
          <th>
            <span className="sr-only">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {sessions.map((s) => (
          <SessionRow key={s.id} session={s} onReplay={onReplay} />
        ))}
      </tbody>
    </table>
  )
}

function SessionRow({ session: s, onReplay }: { session: SessionInfo; onReplay: (id: string) => void }) {
  const store = useAppStore()
  const liveCount = useApp((st) => Object.values(st.recordings).find((r) => r.recording && r.sessionId === s.id)?.count)
  const [mode, setMode] = useState<'view' | 'rename' | 'confirm-delete'>('view')
  const [draft, setDraft] = useState(s.name)
  const [busy, setBusy] = useState(false)
  const remote = s.dir.startsWith('s3://')
  const act = (work: () => Promise<unknown>): void => {
    setBusy(true)
    void work().finally(() => setBusy(false))
  }
  const rename = (): void => {
    const name = draft.trim()
    if (!name || name === s.name) {
      setMode('view')
      return
    }
    act(async () => {
      if (await store.getState().run('renameSession', { sessionId: s.id, name })) setMode('view')
    })
  }
  return (
    <tr data-testid="session-row" data-session={s.id}>
      <td className="session-name">
        {mode === 'rename' ? (
          <input
            type="text"
            value={draft}
            autoFocus
            aria-label={`New name for ${s.name}`}
            data-testid="rename-input"
            maxLength={80}
            onChange={(e) => setDraft(e.target.value)}
            onBlur={rename}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault()
                rename()
              }
              if (e.key === 'Escape') {
                e.preventDefault()
                e.stopPropagation()
                setDraft(s.name)
                setMode('view')
              }
            }}
          />
        ) : remote ? (
          <span className="session-title">{s.name}</span>
        ) : (
          <button
            type="button"
            className="link-quiet"
            title="Rename"
            onClick={() => {
              setDraft(s.name)
              setMode('rename')
            }}
          >
            {s.name}
          </button>
        )}
        <div className="muted small mono" title={s.dir} data-testid="session-location">
          {remote ? s.dir : s.id}
        </div>
        {liveCount !== undefined && (
          <div className="rec-status small" data-testid="session-recording">
            <span className="rec-dot is-live" aria-hidden="true" /> recording now
          </div>
        )}
        {s.problem && (
          <div className="label label-warn" data-testid="session-problem">
            ⚠ {s.problem}
          </div>
        )}
      </td>
      <td className="tabular nowrap">{formatDate(s.created)}</td>
      <td className="tabular nowrap">{formatDate(s.updated)}</td>
      <td className="num">{(liveCount ?? s.count).toLocaleString()}</td>
      <td className="num">{liveCount !== undefined ? '…' : formatBytes(s.sizeBytes)}</td>
      <td className="row-actions">
        {mode === 'confirm-delete' ? (
          <span className="confirm" role="group" aria-label={`Confirm deleting ${s.name}`}>
            Delete “{s.name}” from disk?
            <button
              type="button"
              className="btn btn-small btn-danger"
              disabled={busy}
              data-testid="confirm-delete"
              onClick={() => act(() => store.getState().run('deleteSession', { sessionId: s.id }))}
            >
              Delete
            </button>
            <button type="button" className="btn btn-small" onClick={() => setMode('view')}>
              Cancel
            </button>
          </span>
        ) : (
          <>
            <button type="button" className="btn btn-small" data-testid="replay-session" onClick={() => onReplay(s.id)}>
              Replay…
            </button>
            <button
              type="button"
              className="btn btn-small"
              data-testid="export-session"
              disabled={busy}
              onClick={() =>
                act(async () => {
                  const r = await store.getState().run('exportHar', { sessionId: s.id })
                  if (r) downloadText(r.fileName, r.har)
                })
              }
            >
              Export HAR
            </button>
            {!remote && (
              <>
                <button
                  type="button"
                  className="btn btn-small"
                  aria-label={`Rename ${s.name}`}
                  onClick={() => {
                    setDraft(s.name)
                    setMode('rename')
                  }}
                >
                  Rename
                </button>
                <button
                  type="button"
                  className="btn btn-small btn-danger"
                  aria-label={`Delete ${s.name}`}
                  data-testid="delete-session"
                  onClick={() => setMode('confirm-delete')}
                >
                  Delete
                </button>
              </>
            )}
          </>
        )}
      </td>
    </tr>
  )
}
