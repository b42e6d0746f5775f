/** The view switcher: buttons with accessible names, the current one marked with aria-current. */
import { VIEWS } from '../store/layout-slice.ts'
import { useApp } from '../store/use-app.ts'

const ICONS: Record<string, string> = {
  traffic: '⇄',
  latency: '◔',
  sessions: '●',
  chaos: '⚡',
  clock: '◷',
  pipelines: '☰',
  setup: '⚙',
}

export function Nav() {
  const view = useApp((s) => s.view)
  const setView = useApp((s) => s.setView)
  return (
    <nav className="nav" aria-label="Views">
      {VIEWS.map((v) => (
        <button
          key={v.id}
          type="button"
          className="nav-item"
          data-testid={`nav-${v.id}`}
          aria-current={view === v.id ? 'page' : undefined}
          onClick={() => setView(v.id)}
        >
          <span className="nav-icon" aria-hidden="true">
            {ICONS[v.id]}
          </span>
          <span className="nav-label">{v.label}</span>
        </button>
      ))}
    </nav>
  )
}
