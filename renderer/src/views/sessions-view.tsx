/**
 * Record and replay: per-proxy recording and stand-in switches, the sessions on disk or in a bucket, HAR in (file picker or
 * a drop anywhere on the pane) and out, and replays with their report.
 */
import { useEffect, useRef, useState, type DragEvent } from 'react'
import { RecordingControls } from '../components/recording-controls.tsx'
import { ReplayPanel } from '../components/replay-panel.tsx'
import { SessionLocation } from '../components/session-location.tsx'
import { SessionTable } from '../components/session-table.tsx'
import { downloadText } from '../lib/download.ts'
import { messageOf } from '../store/session-slice.ts'
import { useApp, useAppStore } from '../store/use-app.ts'

type ImportState =
  | { readonly status: 'busy'; readonly fileName: string }
  | {
      readonly status: 'done'
      readonly fileName: string
      readonly name: string
      readonly imported: number
      readonly warnings: readonly string[]
      readonly skipped: readonly string[]
    }
  | { readonly status: 'error'; readonly fileName: string; readonly message: string }

/** HAR files over this size are refused before reading: the contract carries the text in one message. */
const MAX_HAR_BYTES = 200 * 1024 * 1024

export function SessionsView() {
  const store = useAppStore()
  const sessions = useApp((s) => s.sessions)
  const [replayId, setReplayId] = useState('')
  const [dragging, setDragging] = useState(false)
  const [importing, setImporting] = useState<ImportState | undefined>(undefined)
  const [exporting, setExporting] = useState(false)
  const picker = useRef<HTMLInputElement>(null)
  const replayRef = useRef<HTMLDivElement>(null)

  useEffect(() => {
    void store.getState().loadSessions()
  }, [store])
  useEffect(() => {
    if (replayId && sessions.length > 0 && !sessions.some((s) => s.id === replayId)) setReplayId('')
  }, [sessions, replayId])

  const importFile = async (file: File): Promise<void> => {
    if (file.size > MAX_HAR_BYTES) {
      setImporting({
        status: 'error',
        fileName: file.name,
        message: 'the file is over 200 MB; import it with `nanoscope` from the command line instead',
      })
      return
    }
    setImporting({ status: 'busy', fileName: file.name })
    try {
      const content = await file.text()
      const r = await store.getState().command('importHar', { fileName: file.name, content })
      setImporting({
        status: 'done',
        fileName: file.name,
        name: r.session.name,
        imported: r.imported,
        warnings: r.warnings,
        skipped: r.skipped,
      })
    } catch (error) {
      setImporting({ status: 'error', fileName: file.name, message: messageOf(error) })
    }
  }

  const onDrop = (ev: DragEvent): void => {
    ev.preventDefault()
    setDragging(false)
    const file = ev.dataTransfer.files[0]
    if (file) void importFile(file)
  }

  return (
    <div
      className={`page sessions ${dragging ? 'is-dropping' : ''}`}
      data-testid="sessions-view"
      onDragOver={(ev) => {
        if (ev.dataTransfer.types.includes('Files')) {
          ev.preventDefault()
          setDragging(true)
        }
      }}
      onDragLeave={(ev) => {
        if (ev.currentTarget === ev.target) setDragging(false)
      }}
      onDrop={onDrop}
    >
      {dragging && (
        <div className="drop-overlay" aria-hidden="true">
          <span>Drop a .har file to import it as a session</span>
        </div>
      )}
      <RecordingControls />
      <section className="card" aria-labelledby="sessions-title">
        <div className="card-head">
          <h2 id="sessions-title">Sessions</h2>
          <span className="spacer" />
          <input
            ref={picker}
            type="file"
            accept=".har,application/json"
            hidden
            data-testid="har-file"
            onChange={(e) => {
              const f = e.target.files?.[0]
              e.target.value = ''
              if (f) void importFile(f)
            }}
          />
          <button
            type="button"
            className="btn btn-small"
            data-testid="import-har"
            onClick={() => picker.current?.click()}
          >
            Import HAR…
          </button>
          <button
            type="button"
            className="btn btn-small"
            data-testid="export-traffic"
            disabled={exporting}
            onClick={() => {
              setExporting(true)
              void store
                .getState()
                .run('exportHar', {})
                .then((r) => {
                  if (r) downloadText(r.fileName, r.har)
                })
                .finally(() => setExporting(false))
            }}
          >
            {exporting ? 'Exporting…' : 'Export current traffic as HAR'}
          </button>
        </div>
        <p className="muted small">Drop a HAR file anywhere on this pane to import it.</p>
        <SessionLocation />
        {importing && <ImportResult state={importing} onClose={() => setImporting(undefined)} />}
        <SessionTable
          onReplay={(id) => {
            setReplayId(id)
            replayRef.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' })
          }}
        />
      </section>
      <div ref={replayRef}>
        <ReplayPanel sessionId={replayId} onSession={setReplayId} />
      </div>
    </div>
  )
}

function ImportResult({ state, onClose }: { state: ImportState; onClose: () => void }) {
  return (
    <div
      className={`import-result ${state.status === 'error' ? 'is-error' : ''}`}
      data-testid="import-result"
      data-state={state.status}
      role="status"
    >
      {state.status !== 'busy' && (
        <button
          type="button"
          className="btn btn-small import-close"
          aria-label="Dismiss the import result"
          onClick={onClose}
        >
          ✕
        </button>
      )}
      {state.status === 'busy' && (
        <p>
          <span className="spinner" aria-hidden="true" /> Importing {state.fileName}…
        </p>
      )}
      {state.status === 'error' && (
        <p className="error-text">
          Could not import {state.fileName}: {state.message}
        </p>
      )}
      {state.status === 'done' && (
        <>
          <p>
            Imported <strong className="num">{state.imported}</strong> {state.imported === 1 ? 'exchange' : 'exchanges'}{' '}
            from {state.fileName} as “{state.name}”
            {state.skipped.length > 0 && (
              <>
                , skipped <strong className="num">{state.skipped.length}</strong>
              </>
            )}
            .
          </p>
          {state.warnings.length > 0 && (
            <details>
              <summary>
                {state.warnings.length} {state.warnings.length === 1 ? 'warning' : 'warnings'}
              </summary>
              <ul className="small">
                {state.warnings.map((w, i) => (
                  <li key={i}>{w}</li>
                ))}
              </ul>
            </details>
          )}
          {state.skipped.length > 0 && (
            <details>
              <summary>Skipped entries</summary>
              <ul className="small mono">
                {state.skipped.map((w, i) => (
                  <li key={i}>{w}</li>
                ))}
              </ul>
            </details>
          )}
        </>
      )}
    </div>
  )
}
