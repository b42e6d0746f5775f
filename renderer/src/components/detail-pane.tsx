/**
 * The open exchange, fetched on demand with `getExchange` (and again when its summary changes): overview,
 * timing, actions, and tabs. The first, Headers, shows what was sent and what came back together (request
 * line and headers, status line and headers, as on the wire, like DevTools' Headers tab); Request and
 * Response add each message's body. An exchange a breakpoint holds opens with its editor on top; Edit and
 * resend opens the same editor under the actions; a comparison (row menu) takes the pane's place while its
 * first exchange stays selected.
 */
import { useEffect, useState } from 'react'
import type { ExchangeDetail, ExchangeSummary, RawHeaderList } from '../../../shared/exchange.ts'
import { rawHead, requestLine, statusLine } from '../lib/raw-head.ts'
import { copyText } from '../lib/clipboard.ts'
import { focusTable } from '../lib/focus.ts'
import { toCurl } from '../lib/curl.ts'
import { formatBytes, formatClock, protocolText, statusText, statusTone } from '../lib/format.ts'
import { messageOf } from '../store/session-slice.ts'
import { ruleText, rulesOf } from '../lib/rules.ts'
import { useApp, useAppStore } from '../store/use-app.ts'
import { BreakpointEditor, ResendEditor } from './breakpoint-editor.tsx'
import { ComparePane } from './compare-pane.tsx'
import { BodyViewer } from './body-viewer.tsx'
import { FramesPanel } from './frames-panel.tsx'
import { HeadersTable } from './headers-table.tsx'
import { TimingBar } from './timing-bar.tsx'

type Loaded =
  | { readonly status: 'loading'; readonly id: string }
  | { readonly status: 'ready'; readonly id: string; readonly detail: ExchangeDetail }
  | { readonly status: 'missing'; readonly id: string }
  | { readonly status: 'error'; readonly id: string; readonly message: string }

type Tab = 'headers' | 'request' | 'response' | 'frames'
const TAB_LABELS: Record<Tab, string> = {
  headers: 'Headers',
  request: 'Request',
  response: 'Response',
  frames: 'Frames',
}

export function DetailPane() {
  const store = useAppStore()
  const id = useApp((s) => s.selectedId)
  const summary = useApp((s) => (s.selectedId === undefined ? undefined : s.byId.get(s.selectedId)))
  const paused = useApp((s) => (s.selectedId === undefined ? undefined : s.pausedByExchange[s.selectedId]))
  const comparing = useApp((s) => s.comparing)
  const [loaded, setLoaded] = useState<Loaded | undefined>(undefined)
  // The tab chosen for this exchange; another exchange opens on its first view (Headers), not on the last tab used.
  const [chosen, setChosen] = useState<{ readonly id: string; readonly tab: Tab } | undefined>(undefined)
  const [headView, setHeadView] = useState<HeadView>('parsed')

  useEffect(() => {
    if (id === undefined) return
    let live = true
    setLoaded((prev) => (prev && prev.id === id && prev.status === 'ready' ? prev : { status: 'loading', id }))
    store
      .getState()
      .command('getExchange', { id })
      .then(
        (detail) => {
          if (!live) return
          setLoaded(detail ? { status: 'ready', id, detail } : { status: 'missing', id })
          if (detail && (detail.frames || detail.tags.includes('websocket')))
            store.getState().loadFrames(id, detail.frames ?? [], detail.framesDropped ?? 0)
        },
        (error: unknown) => {
          if (live) setLoaded({ status: 'error', id, message: messageOf(error) })
        },
      )
    return () => {
      live = false
    }
  }, [id, summary, store])

  if (id === undefined) return null
  if (comparing && comparing.a === id) return <ComparePane a={comparing.a} b={comparing.b} />
  const detail = loaded?.status === 'ready' && loaded.id === id ? loaded.detail : undefined
  const head = summary ?? detail
  const websocket = head?.tags.includes('websocket') === true
  const tabs: readonly Tab[] = websocket
    ? ['headers', 'request', 'response', 'frames']
    : ['headers', 'request', 'response']
  const tab = chosen !== undefined && chosen.id === id ? chosen.tab : 'headers'
  const shownTab: Tab = tabs.includes(tab) ? tab : 'headers'
  return (
    <section className="detail" data-testid="detail" aria-label="Exchange detail">
      <header className="detail-head">
        {head && (
          <div className="detail-title">
            <span className="method">{head.method}</span>
            <span className={`status tone-${statusTone(head)}`}>
              {statusText(head)}
              {head.reason ? ` ${head.reason}` : ''}
            </span>
            <span className="detail-url mono" title={head.url}>
              {head.url}
            </span>
          </div>
        )}
        <button
          type="button"
          className="btn btn-small"
          aria-label="Close detail (Esc)"
          data-testid="detail-close"
          onClick={() => {
            store.getState().closeDetail()
            focusTable()
          }}
        >
          ✕
        </button>
      </header>
      {paused && <BreakpointEditor key={paused.id} paused={paused} />}
      {head && <Overview exchange={head} detail={detail} />}
      <div className="tabs" role="tablist" aria-label="Message">
        {tabs.map((t) => (
          <button
            key={t}
            type="button"
            role="tab"
            id={`tab-${t}`}
            aria-selected={shownTab === t}
            aria-controls={`panel-${t}`}
            data-testid={`tab-${t}`}
            className="tab"
            onClick={() => setChosen({ id, tab: t })}
          >
            {TAB_LABELS[t]}
          </button>
        ))}
      </div>
      <div
        className="tab-panel"
        role="tabpanel"
        id={`panel-${shownTab}`}
        aria-labelledby={`tab-${shownTab}`}
        data-testid={`panel-${shownTab}`}
      >
        {loaded?.status === 'error' && loaded.id === id && (
          <p className="error-text">Could not load this exchange: {loaded.message}</p>
        )}
        {loaded?.status === 'missing' && loaded.id === id && (
          <p className="muted">This exchange is no longer kept (cleared or evicted).</p>
        )}
        {!detail && loaded?.status === 'loading' && <p className="muted">Loading…</p>}
        {detail && shownTab === 'frames' && <FramesPanel exchangeId={detail.id} />}
        {detail && shownTab !== 'frames' && <HeadViewSwitch view={headView} onChange={setHeadView} />}
        {detail && shownTab === 'headers' && <BothHeads detail={detail} view={headView} />}
        {detail && shownTab === 'request' && (
          <>
            <Head
              view={headView}
              which="request"
              startLine={requestLine(detail.method, detail.target, detail.httpVersion)}
              headers={detail.requestHeaders}
              pseudo={detail.requestPseudoHeaders}
            />
            <BodyViewer
              key={`${detail.id}-req`}
              body={detail.requestBody}
              headers={detail.requestHeaders}
              label="Request body"
              trailers={detail.requestTrailers}
            />
            <Trailers trailers={detail.requestTrailers} which="request" />
          </>
        )}
        {detail &&
          shownTab === 'response' &&
          (!hasResponse(detail) ? (
            <NoResponse detail={detail} />
          ) : (
            <>
              <Head
                view={headView}
                which="response"
                startLine={statusLine(detail.httpVersion, detail.status, detail.reason)}
                headers={detail.responseHeaders}
              />
              <BodyViewer
                key={`${detail.id}-res`}
                body={detail.responseBody}
                headers={detail.responseHeaders}
                label="Response body"
                trailers={detail.responseTrailers}
              />
              <Trailers trailers={detail.responseTrailers} which="response" />
            </>
          ))}
      </div>
    </section>
  )
}

const hasResponse = (d: ExchangeDetail): boolean => d.status !== undefined || d.responseHeaders.length > 0

function NoResponse({ detail }: { detail: ExchangeDetail }) {
  return (
    <p className="muted">
      {detail.outcome.kind === 'pending' ? 'Waiting for the response…' : 'No response was received.'}
    </p>
  )
}

/** The Headers tab: the request's method, URL and headers, then the response's status line and headers. */
function BothHeads({ detail, view }: { detail: ExchangeDetail; view: HeadView }) {
  return (
    <>
      <h3 className="message-title">Request</h3>
      {view === 'raw' ? (
        <Head
          view={view}
          which="request"
          startLine={requestLine(detail.method, detail.target, detail.httpVersion)}
          headers={detail.requestHeaders}
        />
      ) : (
        <>
          <p className="start-line mono" data-testid="request-line">
            {detail.method} {detail.url} {protocolText(detail.httpVersion)}
          </p>
          <PseudoHeaders pseudo={detail.requestPseudoHeaders} />
          <HeadersTable headers={detail.requestHeaders} label="Request headers" />
        </>
      )}
      <Trailers trailers={detail.requestTrailers} which="request" />
      <h3 className="message-title">Response</h3>
      {hasResponse(detail) ? (
        view === 'raw' ? (
          <Head
            view={view}
            which="response"
            startLine={statusLine(detail.httpVersion, detail.status, detail.reason)}
            headers={detail.responseHeaders}
          />
        ) : (
          <>
            <p className="start-line mono" data-testid="status-line">
              {statusLine(detail.httpVersion, detail.status, detail.reason)}
            </p>
            <HeadersTable headers={detail.responseHeaders} label="Response headers" />
          </>
        )
      ) : (
        <NoResponse detail={detail} />
      )}
      {hasResponse(detail) && <Trailers trailers={detail.responseTrailers} which="response" />}
    </>
  )
}

/**
 * An HTTP/2 request's pseudo-header fields as the wire had them, above its regular fields (which keep the `host` the
 * HTTP/1.1 view of the request has, made from `:authority`).
 */
function PseudoHeaders({ pseudo }: { pseudo: RawHeaderList | undefined }) {
  if (!pseudo || pseudo.length === 0) return null
  return <HeadersTable headers={pseudo} label="Request pseudo-headers" />
}

/** The trailer fields that came after a body (HTTP/2, chunked HTTP/1.1; gRPC's status), as the wire had them. */
function Trailers({ trailers, which }: { trailers: RawHeaderList | undefined; which: 'request' | 'response' }) {
  if (!trailers || trailers.length === 0) return null
  return (
    <>
      <h4 className="message-title trailers-title">Trailers</h4>
      <HeadersTable headers={trailers} label={which === 'request' ? 'Request trailers' : 'Response trailers'} />
    </>
  )
}

type HeadView = 'parsed' | 'raw'

/** Parsed (a table) or raw (the head's text as on the wire): one click apart, kept across tabs. */
function HeadViewSwitch({ view, onChange }: { view: HeadView; onChange: (view: HeadView) => void }) {
  return (
    <div className="segmented head-view" role="group" aria-label="Show the head">
      {(['parsed', 'raw'] as const).map((v) => (
        <button
          key={v}
          type="button"
          className={`seg ${view === v ? 'is-on' : ''}`}
          aria-pressed={view === v}
          data-testid={`head-${v}`}
          onClick={() => onChange(v)}
        >
          {v === 'parsed' ? 'Parsed' : 'Raw'}
        </button>
      ))}
    </div>
  )
}

function Head({
  view,
  which,
  startLine,
  headers,
  pseudo,
}: {
  view: HeadView
  which: 'request' | 'response'
  startLine: string
  headers: RawHeaderList
  pseudo?: RawHeaderList | undefined
}) {
  const label = which === 'request' ? 'Request headers' : 'Response headers'
  if (view === 'raw') {
    return (
      <pre className="raw-head mono" data-testid={`raw-${which}`}>
        {rawHead(startLine, headers).replace(/\r\n/g, '\n').replace(/\n\n$/, '\n')}
      </pre>
    )
  }
  return (
    <>
      <p className="start-line mono" data-testid={`start-line-${which}`}>
        {startLine}
      </p>
      <PseudoHeaders pseudo={pseudo} />
      <HeadersTable headers={headers} label={label} />
    </>
  )
}

/** What a tag says about who did what, in words (the tag itself stays the filter's and the API's name). */
const TAG_WORDS: Readonly<Record<string, string>> = {
  generated: 'generated: the response was made by Nanoscope, not the server',
  chaos: 'chaos: changed by the chaos engine',
  replayed: 'replayed: sent by a session replay',
  resent: 'resent: sent again with Resend',
  'stand-in': 'stand-in: answered from a recorded session',
  'stand-in-miss': 'stand-in miss: no recorded answer matched',
  recorded: 'recorded: written to a session',
  breakpoint: 'breakpoint: held at a breakpoint',
  'aborted-at-breakpoint': "aborted at a breakpoint: the client's connection was closed",
  'answered-at-breakpoint': 'answered at a breakpoint: the response came from the editor',
}

/** Rules are listed on their own, and a `note:` tag is the exchange's note, shown above. */
const shownTag = (t: string): boolean =>
  !t.startsWith('rule:') && !t.startsWith('note:') && !t.startsWith('resent-from:')

function tagWords(tag: string): string {
  return TAG_WORDS[tag] ?? tag
}

function Overview({ exchange: e, detail }: { exchange: ExchangeSummary; detail: ExchangeDetail | undefined }) {
  const store = useAppStore()
  const listener = useApp((s) => s.listeners.find((l) => l.id === e.listenerId))
  const [done, setDone] = useState('')
  const [editing, setEditing] = useState(false)
  const resentFrom = e.tags.find((t) => t.startsWith('resent-from:'))?.slice('resent-from:'.length)
  const original = useApp((s) => (resentFrom === undefined ? undefined : s.byId.get(resentFrom)))
  const flash = (text: string): void => {
    setDone(text)
    setTimeout(() => setDone(''), 1500)
  }
  return (
    <div className="overview">
      {e.outcome.kind === 'failed' && (
        <div className="outcome outcome-failed" data-testid="outcome">
          <strong>Failed: {e.outcome.cause}</strong> — {e.outcome.message}
          {e.tags.includes('generated') && <span className="muted"> (the response was made by the proxy)</span>}
        </div>
      )}
      {e.outcome.kind === 'aborted' && (
        <div className="outcome outcome-aborted" data-testid="outcome">
          <strong>Aborted</strong> — {e.outcome.message}
        </div>
      )}
      {e.tags.includes('chaos') && (
        <div className="outcome outcome-chaos" data-testid="chaos-note">
          ⚡ Chaos{e.note ? `: ${e.note}` : ''}
        </div>
      )}
      {!e.tags.includes('chaos') && e.note && (
        <div className="outcome outcome-note" data-testid="note">
          {e.note}
        </div>
      )}
      <dl className="facts">
        <div>
          <dt>Started</dt>
          <dd className="num">{formatClock(e.startedAt)}</dd>
        </div>
        <div>
          <dt>Host</dt>
          <dd className="mono">{e.host}</dd>
        </div>
        <div>
          <dt>Sent</dt>
          <dd className="num">{formatBytes(e.requestSize) || '—'}</dd>
        </div>
        <div>
          <dt>Received</dt>
          <dd className="num">{formatBytes(e.responseSize) || '—'}</dd>
        </div>
        {rulesOf(e).length > 0 && (
          <div>
            <dt>Blocks</dt>
            <dd data-testid="detail-rules">
              {rulesOf(e)
                .map((r) => `${r.block} on ${r.listener}`)
                .join(', ')}{' '}
              ({ruleText(e).split(' · ')[0]})
            </dd>
          </div>
        )}
        {resentFrom !== undefined && (
          <div>
            <dt>Resent from</dt>
            <dd>
              {original ? (
                <button
                  type="button"
                  className="link"
                  data-testid="resent-from"
                  onClick={() => store.getState().select(resentFrom)}
                >
                  #{original.seq} {original.method} {original.path}
                </button>
              ) : (
                <span className="muted">an exchange no longer kept</span>
              )}
            </dd>
          </div>
        )}
        {e.tags.some(shownTag) && (
          <div>
            <dt>Tags</dt>
            <dd data-testid="tags">{e.tags.filter(shownTag).map(tagWords).join('; ')}</dd>
          </div>
        )}
        {detail?.tunnel && (
          <div>
            <dt>Tunnel</dt>
            <dd className="num">
              ↑ {formatBytes(detail.tunnel.bytesUp)} ↓ {formatBytes(detail.tunnel.bytesDown)}
              {detail.tunnel.error ? ` — ${detail.tunnel.error}` : ''}
            </dd>
          </div>
        )}
      </dl>
      <TimingBar exchange={e} />
      <div className="actions">
        <button
          type="button"
          className="btn btn-small"
          disabled={!detail}
          data-testid="copy-curl"
          onClick={() => {
            if (detail) void copyText(toCurl(detail, listener)).then((ok) => flash(ok ? 'Copied curl' : 'Copy failed'))
          }}
        >
          Copy as curl
        </button>
        <button
          type="button"
          className="btn btn-small"
          data-testid="copy-url"
          onClick={() => void copyText(e.url).then((ok) => flash(ok ? 'Copied URL' : 'Copy failed'))}
        >
          Copy URL
        </button>
        <button
          type="button"
          className="btn btn-small"
          data-testid="resend"
          onClick={() =>
            void store
              .getState()
              .run('resend', { id: e.id })
              .then((r) => {
                if (r) flash(`Resent: ${r.status}`)
              })
          }
        >
          Resend
        </button>
        <button
          type="button"
          className="btn btn-small"
          data-testid="edit-resend"
          disabled={!detail}
          aria-expanded={editing}
          onClick={() => setEditing(!editing)}
        >
          Edit and resend
        </button>
        <span className="flash" role="status">
          {done}
        </span>
      </div>
      {editing && detail && (
        <ResendEditor
          key={detail.id}
          detail={detail}
          onDone={(message) => {
            setEditing(false)
            if (message) flash(message)
          }}
        />
      )}
    </div>
  )
}
