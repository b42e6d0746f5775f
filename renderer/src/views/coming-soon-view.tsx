/** Designed empty states for the parts that are on their way. */
import type { ViewId } from '../store/layout-slice.ts'

const COPY: Record<'sessions' | 'chaos' | 'clock', { icon: string; title: string; lines: string[] }> = {
  sessions: {
    icon: '●',
    title: 'Record and replay sessions',
    lines: [
      'Record every exchange through a proxy to a directory on disk, with a red dot and a running count while it records.',
      'Replay a session at the original server (load tests, reproducing a bug, comparing old and new responses), or let Nanoscope stand in for the server and answer from the recording for offline work.',
    ],
  },
  chaos: {
    icon: '⚡',
    title: 'Chaos engine',
    lines: [
      'Switch on latency, error statuses, empty or cut bodies and dropped connections, scoped by percentage, count, deadline or a request match.',
      'The same switches will be an OpenAPI-documented HTTP API (/chaos/status, /activate, /deactivate, /toggle), so a test suite can drive them; chaos rows get their own ⚡ marker in the traffic table.',
    ],
  },
  clock: {
    icon: '◷',
    title: 'WebSocket clock',
    lines: [
      'A websocket app built from the same parts as the proxies, sending the current time every second to each client.',
      'Its frames will show up in the traffic table, so you can watch a websocket conversation on the wire.',
    ],
  },
}

export function ComingSoonView({ view }: { view: Extract<ViewId, 'sessions' | 'chaos' | 'clock'> }) {
  const c = COPY[view]
  return (
    <div className="page">
      <div className="empty-state coming-soon" data-testid={`coming-soon-${view}`}>
        <div className="big-icon" aria-hidden="true">{c.icon}</div>
        <h2>{c.title}</h2>
        <p className="badge">Coming soon</p>
        {c.lines.map((l, i) => <p key={i}>{l}</p>)}
      </div>
    </div>
  )
}
