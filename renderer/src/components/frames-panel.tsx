/** The websocket frames of the open exchange, oldest first, growing live as `frames` events arrive. */
import type { WebsocketFrame } from '../../../shared/exchange.ts'
import { bodyBytes } from '../lib/body.ts'
import { formatBytes, formatClock } from '../lib/format.ts'
import { useApp } from '../store/use-app.ts'

const PREVIEW_CHARS = 200

export function FramesPanel({ exchangeId }: { exchangeId: string }) {
  const open = useApp((s) => (s.openFrames?.exchangeId === exchangeId ? s.openFrames : undefined))
  const frames = open?.frames ?? []
  if (!open) return <p className="muted">Loading frames…</p>
  const dropped = open.hostDropped + open.localDropped
  return (
    <div className="frames" data-testid="frames">
      {dropped > 0 && (
        <p className="label label-warn">
          {dropped.toLocaleString()} earlier {dropped === 1 ? 'frame is' : 'frames are'} not shown (over the frame
          limit).
        </p>
      )}
      {frames.length === 0 ? (
        <p className="muted">No frames yet.</p>
      ) : (
        <table className="data-table frames-table">
          <thead>
            <tr>
              <th aria-label="Direction" />
              <th>Time</th>
              <th>Kind</th>
              <th className="num">Size</th>
              <th>Payload</th>
            </tr>
          </thead>
          <tbody>
            {frames.map((f, i) => (
              <FrameRow key={i} frame={f} />
            ))}
          </tbody>
        </table>
      )}
    </div>
  )
}

function FrameRow({ frame: f }: { frame: WebsocketFrame }) {
  const up = f.direction === 'client'
  return (
    <tr data-testid="frame" data-direction={f.direction} data-kind={f.kind}>
      <td className={`dir ${up ? 'dir-up' : 'dir-down'}`} title={up ? 'client → server' : 'server → client'}>
        <span aria-label={up ? 'sent by the client' : 'sent by the server'}>{up ? '↑' : '↓'}</span>
      </td>
      <td className="tabular nowrap">{formatClock(f.at)}</td>
      <td className="nowrap">
        {f.kind}
        {!f.fin ? ' (part)' : ''}
        {f.compressed ? ' (compressed)' : ''}
      </td>
      <td className="num nowrap">{formatBytes(f.size)}</td>
      <td className="mono frame-payload">{preview(f)}</td>
    </tr>
  )
}

function preview(f: WebsocketFrame): string {
  if (f.close) return `close ${f.close.code}${f.close.reason ? ` ${f.close.reason}` : ''}`
  const more = f.truncated ? ` … (${formatBytes(f.size)} in all)` : ''
  if (f.text !== undefined)
    return (f.text.length > PREVIEW_CHARS ? `${f.text.slice(0, PREVIEW_CHARS)}…` : f.text) + more
  if (f.base64) {
    const bytes = bodyBytes({ base64: f.base64, size: f.size, truncated: f.truncated })
    const hex = Array.from(bytes.subarray(0, 24), (b) => b.toString(16).padStart(2, '0')).join(' ')
    return `${hex}${bytes.length > 24 ? ' …' : ''}${more}`
  }
  return f.size === 0 ? '(empty)' : ''
}
