/** One traffic row. Selects its own summary by id, so a batch re-renders only rows that changed. */
import { memo, type ReactNode } from 'react'
import type { ExchangeSummary, PausedExchange } from '../../../shared/exchange.ts'
import { schemeOf, type ColumnDef, type ColumnId } from '../store/columns.ts'
import { httpVersionText } from '../lib/raw-head.ts'
import { formatBytes, formatClock, formatElapsed, formatMs, shortType, statusText, statusTone } from '../lib/format.ts'
import { useApp } from '../store/use-app.ts'
import { ruleText, rulesOf } from '../lib/rules.ts'
import { useNow } from '../lib/ticker.ts'

export const ROW_HEIGHT = 28

/** Tags that say where an exchange came from, shown as small badges before the path. */
const BADGES: readonly { tag: string; label: string; title: string }[] = [
  { tag: 'replayed', label: 'replay', title: 'Sent by a session replay' },
  { tag: 'stand-in', label: 'stand-in', title: 'Answered from a recorded session; the server was not contacted' },
  { tag: 'stand-in-miss', label: 'no match', title: 'The stand-in had no recorded answer for this request' },
  { tag: 'resent', label: 'resent', title: 'Sent again with Resend' },
]

interface RowProps {
  readonly id: string
  readonly index: number
  readonly top: number
  readonly columns: readonly ColumnDef[]
  readonly onActivate: (id: string) => void
  /** Right click: the row's menu, at the pointer. */
  readonly onMenu: (id: string, x: number, y: number) => void
}

export const GridRow = memo(function GridRow({ id, index, top, columns, onActivate, onMenu }: RowProps) {
  const e = useApp((s) => s.byId.get(id))
  const selected = useApp((s) => s.selectedId === id)
  const paused = useApp((s) => s.pausedByExchange[id])
  if (!e) return null
  const tone = statusTone(e)
  const chaos = e.tags.includes('chaos')
  const classes = [
    'grid-row',
    `tone-${tone}`,
    chaos ? 'is-chaos' : '',
    selected ? 'is-selected' : '',
    index % 2 ? 'odd' : '',
  ]
  return (
    <div
      role="row"
      className={classes.join(' ')}
      data-testid="row"
      data-id={id}
      data-status={e.status ?? ''}
      data-outcome={e.outcome.kind}
      data-paused={paused ? paused.phase : undefined}
      aria-rowindex={index + 2}
      aria-selected={selected}
      id={`row-${id}`}
      style={{ transform: `translateY(${top}px)` }}
      onClick={() => onActivate(id)}
      onContextMenu={(ev) => {
        ev.preventDefault()
        onMenu(id, ev.clientX, ev.clientY)
      }}
    >
      {columns.map((c) => (
        <div key={c.id} role="gridcell" className={`cell cell-${c.id} ${c.align === 'end' ? 'num' : ''}`}>
          {c.id === 'waterfall' ? (
            <Waterfall exchange={e} />
          ) : c.id === 'status' && paused ? (
            <PausedWord paused={paused} />
          ) : (
            cellContent(c.id, e, chaos)
          )}
        </div>
      ))}
    </div>
  )
})

/** The status cell of an exchange a breakpoint holds: the word, and what is held in its title. */
function PausedWord({ paused }: { paused: PausedExchange }) {
  const what =
    paused.phase === 'request'
      ? 'the request, before it goes to the server'
      : 'the response, before it goes to the client'
  return (
    <span
      className="paused-word"
      data-testid="paused-word"
      title={`A breakpoint holds ${what}. Select the row to edit, continue, abort or answer it.${paused.clientGone ? ' The client has gone away.' : ''}`}
    >
      {paused.clientGone ? 'paused (client left)' : 'paused'}
    </span>
  )
}

function cellContent(column: ColumnId, e: ExchangeSummary, chaos: boolean): ReactNode {
  switch (column) {
    case 'seq':
      return e.seq
    case 'time':
      return formatClock(e.startedAt)
    case 'method':
      return <span className="method">{e.method}</span>
    case 'host':
      return <span title={e.host}>{e.host}</span>
    case 'path':
      return (
        <span className="path" title={e.note ? `${e.url}\n${e.note}` : e.url}>
          {chaos && (
            <span className="chaos-icon" aria-label="chaos" title={e.note ?? 'chaos'}>
              ⚡
            </span>
          )}
          {e.tags.includes('tunnel') && <span className="tag">tunnel</span>}
          {e.tags.includes('websocket') && <span className="tag">ws</span>}
          {BADGES.map(
            (b) =>
              e.tags.includes(b.tag) && (
                <span key={b.tag} className={`tag tag-${b.tag}`} title={b.title} data-testid={`tag-${b.tag}`}>
                  {b.label}
                </span>
              ),
          )}
          {e.path}
        </span>
      )
    case 'status':
      return e.outcome.kind === 'pending' && e.status === undefined ? (
        <span className="in-flight-word">pending</span>
      ) : (
        <span
          className="status"
          title={
            e.outcome.kind === 'failed'
              ? `${e.outcome.cause}: ${e.outcome.message}`
              : e.outcome.kind === 'aborted'
                ? `aborted: ${e.outcome.message}`
                : e.reason
          }
        >
          {statusText(e)}
        </span>
      )
    case 'type':
      return shortType(e.contentType)
    case 'size':
      return formatBytes(e.responseSize)
    case 'rule': {
      const text = ruleText(e)
      return text ? (
        <span
          className="rule"
          title={rulesOf(e)
            .map((r) => `${r.listener}: ${r.block}`)
            .join('\n')}
        >
          {text}
        </span>
      ) : null
    }
    case 'protocol':
      return httpVersionText(e.httpVersion)
    case 'scheme':
      return schemeOf(e.url)
    case 'sent':
      return formatBytes(e.requestSize)
    case 'mime':
      return <span title={e.contentType}>{e.contentType ?? ''}</span>
    case 'waterfall':
      return null
    case 'duration':
      return e.outcome.kind === 'pending' ? <InFlight exchange={e} /> : formatMs(e.durationMs)
  }
}

/** Times in the Waterfall's CSS are milliseconds after this (small numbers keep CSS arithmetic exact). */
export const WATERFALL_BASE = Date.now()

/**
 * Where the exchange sits in time among the rows in view, in its phases where known: sending the request body,
 * waiting for the response head, receiving the body. A request in flight runs to the span's end, striped. The
 * scale is the grid's --wf-from and --wf-span (traffic-grid.tsx), so a new scale re-renders no row.
 */
function Waterfall({ exchange: e }: { exchange: ExchangeSummary }) {
  const start = e.startedAt - WATERFALL_BASE
  if (e.outcome.kind === 'pending') {
    return (
      <span className="wf" aria-hidden="true">
        <span className="wf-bar wf-pending" style={{ ['--s' as string]: start }} />
      </span>
    )
  }
  const t = e.timings
  const total = Math.max(e.durationMs ?? 0, 0.001)
  const sent = Math.min(t.requestBodyDone ?? 0, total)
  const head = Math.min(Math.max(t.responseHeaders ?? sent, sent), total)
  const title = `${formatMs(sent)} sending, ${formatMs(head - sent)} waiting, ${formatMs(total - head)} receiving`
  return (
    <span className="wf" title={title}>
      <span className="wf-bar" style={{ ['--s' as string]: start, ['--d' as string]: total }}>
        <span className="timing-send" style={{ width: `${(sent / total) * 100}%` }} />
        <span className="timing-wait" style={{ width: `${((head - sent) / total) * 100}%` }} />
        <span className="timing-receive" style={{ width: `${((total - head) / total) * 100}%` }} />
      </span>
    </span>
  )
}

/**
 * A request in flight: its elapsed time, ticking (the Status column says "pending"); a websocket or tunnel whose
 * head has come back reads "open" until it closes.
 */
function InFlight({ exchange: e }: { exchange: ExchangeSummary }) {
  const now = useNow()
  const open = e.status !== undefined
  return (
    <span
      className="in-flight"
      data-testid="in-flight"
      title={open ? 'Open until either side closes it' : 'Waiting for the response'}
    >
      {open && <span className="in-flight-word">open </span>}
      {formatElapsed(Math.max(0, now - e.startedAt))}
    </span>
  )
}
