/**
 * Where the Sessions pane lists sessions from: this machine's sessions folder, or an `s3://bucket/prefix`
 * typed here (reached with the endpoint and credentials of the environment Nanoscope runs in).
 */
import { useState, type FormEvent } from 'react'
import { useApp, useAppStore } from '../store/use-app.ts'

export function SessionLocation() {
  const store = useAppStore()
  const location = useApp((s) => s.sessionsLocation)
  const [draft, setDraft] = useState(location)
  const [error, setError] = useState<string | undefined>(undefined)

  const show = (next: string): void => {
    setError(undefined)
    setDraft(next)
    void store.getState().showSessionsAt(next)
  }
  const submit = (ev: FormEvent): void => {
    ev.preventDefault()
    const typed = draft.trim()
    if (typed !== '' && !/^s3:\/\/[^/\s]+(\/\S*)?$/i.test(typed))
      return setError(
        'Type a bucket location like s3://bucket/prefix, or leave it empty for the sessions on this machine.',
      )
    show(typed)
  }

  return (
    <form className="session-location" onSubmit={submit} aria-label="Where to list sessions from">
      <label className="inline-label">
        Location
        <input
          type="text"
          className="mono"
          value={draft}
          spellCheck={false}
          placeholder="this machine, or s3://bucket/prefix"
          aria-describedby="session-location-help"
          data-testid="sessions-location"
          onChange={(e) => setDraft(e.target.value)}
        />
      </label>
      <button type="submit" className="btn btn-small" data-testid="show-sessions">
        Show
      </button>
      {location !== '' && (
        <button type="button" className="btn btn-small" data-testid="show-local-sessions" onClick={() => show('')}>
          This machine
        </button>
      )}
      <span id="session-location-help" className="muted small">
        {location === ''
          ? 'Showing the sessions on this machine.'
          : `Showing ${location}, with the AWS credentials and endpoint (AWS_ENDPOINT_URL) Nanoscope runs with.`}
      </span>
      {error && (
        <p className="error-text small" role="alert" data-testid="sessions-location-error">
          {error}
        </p>
      )}
    </form>
  )
}
