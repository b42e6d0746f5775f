/** Command errors as dismissible banners. */
import { useApp } from '../store/use-app.ts'

export function Notices() {
  const notices = useApp((s) => s.notices)
  const dismiss = useApp((s) => s.dismissNotice)
  if (notices.length === 0) return null
  return (
    <div className="notices" role="alert" data-testid="notices">
      {notices.map((n) => (
        <div key={n.id} className="banner banner-error">
          <span className="banner-text">{n.message}</span>
          <button type="button" className="btn btn-small" aria-label="Dismiss" onClick={() => dismiss(n.id)}>
            ✕
          </button>
        </div>
      ))}
    </div>
  )
}
