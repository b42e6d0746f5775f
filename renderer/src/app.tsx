/** The window: toolbar on top, navigation on the left, the current view, and status banners. */
import { useEffect } from 'react'
import { ConnectionBanner } from './components/connection-banner.tsx'
import { Nav } from './components/nav.tsx'
import { Notices } from './components/notices.tsx'
import { ClearUndo } from './components/clear-undo.tsx'
import { focusTable } from './lib/focus.ts'
import { Toolbar } from './components/toolbar.tsx'
import { useApp, useAppStore } from './store/use-app.ts'
import { LiveBanners } from './components/live-banners.tsx'
import { ChaosView } from './views/chaos-view.tsx'
import { ClockView } from './views/clock-view.tsx'
import { LatencyView } from './views/latency-view.tsx'
import { PipelinesView } from './views/pipelines-view.tsx'
import { SessionsView } from './views/sessions-view.tsx'
import { SetupView } from './views/setup-view.tsx'
import { TrafficView } from './views/traffic-view.tsx'

export function App() {
  const view = useApp((s) => s.view)
  useGlobalKeys()
  return (
    // The views come first in the tab order; the grid places the toolbar above them (styles.css).
    <div className="app">
      <Nav />
      <Toolbar />
      <div className="app-banners">
        <ConnectionBanner />
        <LiveBanners />
        <Notices />
      </div>
      <main className="view" data-view={view}>
        {view === 'traffic' && <TrafficView />}
        {view === 'latency' && <LatencyView />}
        {view === 'pipelines' && <PipelinesView />}
        {view === 'setup' && <SetupView />}
        {view === 'sessions' && <SessionsView />}
        {view === 'chaos' && <ChaosView />}
        {view === 'clock' && <ClockView />}
      </main>
      <ClearUndo />
    </div>
  )
}

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null
  if (!el) return false
  return el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable
}

/**
 * `/` focuses the filter; Ctrl/Cmd+K clears the filter when typed in the filter box, and clears the traffic
 * (undoably) only outside text fields; Esc closes the detail pane and gives the table the focus back.
 */
function useGlobalKeys(): void {
  const store = useAppStore()
  useEffect(() => {
    const onKey = (ev: KeyboardEvent): void => {
      if ((ev.ctrlKey || ev.metaKey) && !ev.altKey && !ev.shiftKey && ev.key.toLowerCase() === 'k') {
        // The filter box clears itself (toolbar.tsx); no other text field ever clears the traffic.
        if (ev.defaultPrevented || isTyping(ev.target)) return
        ev.preventDefault()
        void store.getState().clearAll()
        return
      }
      if (ev.key === '/' && !isTyping(ev.target) && !ev.ctrlKey && !ev.metaKey && !ev.altKey) {
        ev.preventDefault()
        const focusFilter = (): void => document.querySelector<HTMLInputElement>('[data-testid="filter"]')?.focus()
        // The filter box is the Traffic pane's: from another pane, it is there once Traffic has drawn.
        if (store.getState().view !== 'traffic') {
          store.getState().setView('traffic')
          requestAnimationFrame(focusFilter)
        } else focusFilter()
        return
      }
      if (ev.key === 'Escape' && store.getState().detailOpen && !ev.defaultPrevented) {
        const el = ev.target as HTMLElement | null
        if (el?.tagName === 'INPUT') return
        store.getState().closeDetail()
        focusTable()
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [store])
}
