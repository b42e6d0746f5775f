/** The toolbar's live recording state: a red dot and the running count; a click opens the Sessions pane. */
import { useMemo } from 'react'
import { activeRecordings } from '../store/recording-slice.ts'
import { useApp } from '../store/use-app.ts'
import { sessionName } from './recording-controls.tsx'

export function RecordingIndicator() {
  const recordings = useApp((s) => s.recordings)
  const sessions = useApp((s) => s.sessions)
  const setView = useApp((s) => s.setView)
  const active = useMemo(() => activeRecordings(recordings), [recordings])
  if (active.length === 0) return null
  const count = active.reduce((n, r) => n + r.count, 0)
  const label = active.length === 1 ? sessionName(active[0]!, sessions) : `${active.length} sessions`
  return (
    <button
      type="button"
      className="btn rec-indicator"
      data-testid="recording-indicator"
      title="Recording: open Sessions"
      aria-label={`Recording ${label}: ${count} exchanges. Open Sessions`}
      onClick={() => setView('sessions')}
    >
      <span className="rec-dot is-live" aria-hidden="true" />
      <span className="rec-label">REC</span>
      <span className="num" data-testid="recording-indicator-count">
        {count.toLocaleString()}
      </span>
    </button>
  )
}
