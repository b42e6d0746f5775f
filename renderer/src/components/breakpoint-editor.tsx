/**
 * The editor of an exchange a breakpoint holds, at the top of the detail pane: the request's Method, URL,
 * Headers and Body (or the response's Status, Headers and Body), and Continue, Abort and Respond. Headers are
 * one `Name: value` a line, as on the wire, order and case kept. Only what the user changed is sent, so an
 * untouched Content-Length follows an edited body (the host does that) and an edited one stands.
 *
 * Keyboard: Tab walks the fields then the buttons; Enter on a button acts; Escape leaves a field (focus goes
 * to the editor, so the next Tab starts at its first field again).
 */
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react'
import type { ExchangeDetail, PausedEdits, PausedExchange, RawHeaderList } from '../../../shared/exchange.ts'
import { formatClock } from '../lib/format.ts'
import { messageOf } from '../store/session-slice.ts'
import { useAppStore } from '../store/use-app.ts'

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

/** Headers as the editor shows them: one `Name: value` a line. */
export function headersText(headers: RawHeaderList): string {
  return headers.map(([n, v]) => `${n}: ${v}`).join('\n')
}

/** The editor's header lines back to pairs; a line that is not `Name: value` is a problem naming its number. */
export function parseHeaders(text: string): { headers: [string, string][] } | { problem: string } {
  const headers: [string, string][] = []
  const lines = text.split(/\r?\n/)
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue
    const colon = line.indexOf(':')
    const name = colon > 0 ? line.slice(0, colon) : ''
    if (!TOKEN.test(name)) return { problem: `Headers line ${i + 1} is not "Name: value": ${line.slice(0, 60)}` }
    headers.push([name, line.slice(colon + 1).replace(/^[ \t]+/, '')])
  }
  return { headers }
}

/** A body as editable text: UTF-8 when it decodes cleanly, else base64 (and the editor says so). */
function bodyForEditing(base64: string): { text: string; binary: boolean } {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), binary: false }
  } catch {
    return { text: base64, binary: true }
  }
}

/** What a paused request is answered with when Respond is first pressed: the user fills it in. */
const BLANK_ANSWER: PausedExchange['requestHeaders'] = [['Content-Type', 'text/plain; charset=utf-8']]

/**
 * On a paused request, Respond first turns the editor into a response to fill in (Status, Headers, Body);
 * Respond again sends it to the client, and the server is never contacted.
 */
export function BreakpointEditor({ paused: live }: { paused: PausedExchange }) {
  const store = useAppStore()
  const [answering, setAnswering] = useState(false)
  // Lists and events leave the bodies out (they may be megabytes); the editor asks for this one's.
  const [full, setFull] = useState<PausedExchange | null | undefined>(undefined)
  useEffect(() => {
    let current = true
    store
      .getState()
      .command('getPaused', { id: live.id })
      .then(
        (p) => {
          if (current) setFull(p)
        },
        () => {
          if (current) setFull(null)
        },
      )
    return () => {
      current = false
    }
  }, [live.id, store])
  if (full === undefined) return <p className="muted breakpoint-editor">Loading the paused {live.phase}…</p>
  if (full === null) return null
  const paused = { ...full, clientGone: live.clientGone }
  return answering ? (
    <Editor
      key="answer"
      paused={{ ...paused, status: 200, responseHeaders: BLANK_ANSWER, responseBody: '' }}
      answering
      onBack={() => setAnswering(false)}
    />
  ) : (
    <Editor key="held" paused={paused} answering={false} onAnswer={() => setAnswering(true)} />
  )
}

/** Edit and resend: the same editor, filled with a captured request; Send puts it through the proxy as a new exchange. */
export function ResendEditor({ detail, onDone }: { detail: ExchangeDetail; onDone: (message?: string) => void }) {
  const store = useAppStore()
  const request: PausedExchange = {
    id: `resend-${detail.id}`,
    listenerName: '',
    phase: 'request',
    pausedAt: 0,
    timeoutAt: 0,
    clientGone: false,
    method: detail.method,
    url: detail.method === 'CONNECT' ? detail.target : detail.url,
    requestHeaders: detail.requestHeaders,
    requestSize: detail.requestBody?.size ?? 0,
    requestBody: detail.requestBody?.base64 ?? '',
  }
  const send = async (edits: PausedEdits): Promise<void> => {
    const r = await store
      .getState()
      .command('resend', { id: detail.id, ...(Object.keys(edits).length ? { edits } : {}) })
    onDone(`Sent: ${r.status}`)
  }
  return <Editor paused={request} answering={false} onSend={send} onCancel={() => onDone()} />
}

function Editor({
  paused,
  answering,
  onAnswer,
  onBack,
  onSend,
  onCancel,
}: {
  paused: PausedExchange
  answering: boolean
  onAnswer?: () => void
  onBack?: () => void
  /** Edit and resend: Send and Cancel instead of Continue, Abort and Respond. */
  onSend?: (edits: PausedEdits) => Promise<void>
  onCancel?: () => void
}) {
  const store = useAppStore()
  const response = paused.phase === 'response' || answering
  const initialHeaders = headersText((response ? paused.responseHeaders : paused.requestHeaders) ?? [])
  const initialBody = bodyForEditing((response ? paused.responseBody : paused.requestBody) ?? '')
  const [method, setMethod] = useState(paused.method)
  const [url, setUrl] = useState(paused.url)
  const [status, setStatus] = useState(String(paused.status ?? 200))
  const [headers, setHeaders] = useState(initialHeaders)
  const [body, setBody] = useState(initialBody.text)
  const [problem, setProblem] = useState<string | undefined>(undefined)
  const [busy, setBusy] = useState(false)
  const box = useRef<HTMLFormElement>(null)
  const id = useId()

  const edits = (): PausedEdits | undefined => {
    const parsed = parseHeaders(headers)
    if ('problem' in parsed) {
      setProblem(parsed.problem)
      return undefined
    }
    const code = Number(status)
    if (response && !(Number.isInteger(code) && code >= 100 && code <= 599)) {
      setProblem('Status must be a whole number from 100 to 599')
      return undefined
    }
    return {
      ...(!response && method !== paused.method ? { method } : {}),
      ...(!response && url !== paused.url ? { url } : {}),
      ...(response && code !== paused.status ? { status: code } : {}),
      ...(headers !== initialHeaders ? { headers: parsed.headers } : {}),
      ...(body !== initialBody.text ? { body: initialBody.binary ? { base64: body.trim() } : { text: body } } : {}),
    }
  }

  const act = async (what: 'continue' | 'abort' | 'respond'): Promise<void> => {
    setProblem(undefined)
    const s = store.getState()
    let call: Promise<boolean>
    if (onSend) {
      const e = edits()
      if (!e) return
      setBusy(true)
      try {
        await onSend(e)
      } catch (error) {
        setProblem(messageOf(error))
      } finally {
        setBusy(false)
      }
      return
    }
    if (what === 'abort') call = s.abortPaused(paused.id)
    else if (what === 'respond' && !response) {
      onAnswer?.()
      return
    } else {
      const e = edits()
      if (!e) return
      if (what === 'continue')
        call = s.continuePaused({ id: paused.id, ...(Object.keys(e).length ? { edits: e } : {}) })
      else {
        const parsed = parseHeaders(headers) as { headers: [string, string][] }
        call = s.respondPaused({
          id: paused.id,
          status: Number(status),
          headers: parsed.headers,
          body: initialBody.binary ? { base64: body.trim() } : { text: body },
        })
      }
    }
    setBusy(true)
    try {
      if (!(await call)) s.notify('That exchange is no longer paused (someone else answered it, or it timed out).')
    } catch (error) {
      setProblem(messageOf(error))
    } finally {
      setBusy(false)
    }
  }

  const leaveField = (e: KeyboardEvent<HTMLElement>): void => {
    if (e.key !== 'Escape') return
    e.preventDefault()
    e.stopPropagation()
    box.current?.focus()
  }

  return (
    <form
      ref={box}
      tabIndex={-1}
      className="breakpoint-editor"
      aria-label={onSend ? 'Edit and resend' : answering ? 'Answer the paused request' : `Paused ${paused.phase}`}
      data-testid="breakpoint-editor"
      onSubmit={(e) => {
        e.preventDefault()
        void act(answering ? 'respond' : 'continue')
      }}
    >
      {onSend ? (
        <p className="breakpoint-title">
          <strong>Edit and resend</strong> — Send puts it through the proxy's pipeline as a new exchange, linked to this
          one.
        </p>
      ) : (
        <p className="breakpoint-title">
          <strong>{answering ? 'Answer the paused request' : `Paused ${paused.phase}`}</strong> —{' '}
          {answering
            ? 'Respond sends this to the client; the server is never contacted'
            : response
              ? 'before it goes to the client'
              : 'before it goes to the server'}
          ; continues unchanged by itself at {formatClock(paused.timeoutAt)}.
          {paused.clientGone && (
            <span className="breakpoint-gone" data-testid="client-gone">
              {' '}
              The client has gone away: continuing sends nothing upstream.
            </span>
          )}
        </p>
      )}
      {!response && (
        <div className="breakpoint-line">
          <label htmlFor={`${id}-method`}>Method</label>
          <input
            id={`${id}-method`}
            className="mono breakpoint-method"
            value={method}
            spellCheck={false}
            onChange={(e) => setMethod(e.target.value)}
            onKeyDown={leaveField}
          />
          <label htmlFor={`${id}-url`}>URL</label>
          <input
            id={`${id}-url`}
            className="mono breakpoint-url"
            value={url}
            spellCheck={false}
            onChange={(e) => setUrl(e.target.value)}
            onKeyDown={leaveField}
          />
        </div>
      )}
      {response && (
        <div className="breakpoint-line">
          <label htmlFor={`${id}-status`}>Status</label>
          <input
            id={`${id}-status`}
            className="mono breakpoint-method"
            inputMode="numeric"
            value={status}
            onChange={(e) => setStatus(e.target.value)}
            onKeyDown={leaveField}
          />
        </div>
      )}
      <label htmlFor={`${id}-headers`}>Headers</label>
      <textarea
        id={`${id}-headers`}
        className="mono"
        rows={Math.min(12, headers.split('\n').length + 1)}
        spellCheck={false}
        wrap="off"
        value={headers}
        onChange={(e) => setHeaders(e.target.value)}
        onKeyDown={leaveField}
      />
      <label htmlFor={`${id}-body`}>Body</label>
      {initialBody.binary && (
        <p className="muted" id={`${id}-body-note`}>
          Binary body, shown and edited as base64.
        </p>
      )}
      <textarea
        id={`${id}-body`}
        className="mono"
        rows={Math.min(12, body.split('\n').length + 1)}
        spellCheck={false}
        {...(initialBody.binary ? { 'aria-describedby': `${id}-body-note` } : {})}
        value={body}
        onChange={(e) => setBody(e.target.value)}
        onKeyDown={leaveField}
      />
      {problem && (
        <p className="error-text" role="alert">
          {problem}
        </p>
      )}
      {onSend ? (
        <div className="form-row">
          <button type="submit" className="btn btn-primary btn-small" disabled={busy}>
            Send
          </button>
          <button type="button" className="btn btn-small" disabled={busy} onClick={onCancel}>
            Cancel
          </button>
        </div>
      ) : (
        <div className="form-row">
          {answering ? (
            <button type="button" className="btn btn-small" disabled={busy} onClick={onBack}>
              Back to the request
            </button>
          ) : (
            <button type="submit" className="btn btn-primary btn-small" disabled={busy}>
              Continue
            </button>
          )}
          <button type="button" className="btn btn-small btn-danger" disabled={busy} onClick={() => void act('abort')}>
            Abort
          </button>
          <button
            type={answering ? 'submit' : 'button'}
            className={`btn btn-small${answering ? ' btn-primary' : ''}`}
            disabled={busy}
            onClick={answering ? undefined : () => void act('respond')}
            title={
              paused.phase === 'response'
                ? 'Send the edited response to the client'
                : answering
                  ? 'Send this response to the client'
                  : 'Write a response to send the client instead of going to the server'
            }
          >
            Respond
          </button>
        </div>
      )}
    </form>
  )
}
