/** Capture on/off, clear, the proxy address, the filter box and the live count. */
import { useEffect, useMemo, useRef, useState } from 'react'
import { FILTER_HELP, filterProblems } from '../store/filter.ts'
import { useApp } from '../store/use-app.ts'
import { ColumnMenu } from './column-menu.tsx'
import { CopyButton } from './copy-button.tsx'
import { RecordingIndicator } from './recording-indicator.tsx'

export function Toolbar() {
  const capturing = useApp((s) => s.capturing)
  const setCapturing = useApp((s) => s.setCapturing)
  const clearAll = useApp((s) => s.clearAll)
  const proxyUrl = useApp((s) => s.listeners[0]?.url)
  const traffic = useApp((s) => s.view === 'traffic')
  return (
    <header className="toolbar" role="toolbar" aria-label="Capture">
      <span className="brand" aria-hidden="true">
        ◎ Nanoscope
      </span>
      <button
        type="button"
        className={`btn capture-toggle ${capturing ? 'is-on' : 'is-off'}`}
        aria-pressed={capturing}
        data-testid="capture-toggle"
        title={capturing ? 'Pause capture' : 'Resume capture'}
        onClick={() => void setCapturing(!capturing)}
      >
        <span className="dot" aria-hidden="true" />
        {capturing ? 'Capturing' : 'Paused'}
      </button>
      <button
        type="button"
        className="btn"
        data-testid="clear"
        title="Clear traffic (Ctrl/Cmd+K outside text fields; can be undone)"
        onClick={() => void clearAll()}
      >
        Clear
      </button>
      <div className="proxy-address" data-testid="proxy-address">
        {proxyUrl ? (
          <>
            <span className="muted">Proxy</span> <code>{proxyUrl}</code>
            <CopyButton text={proxyUrl} title="Copy the proxy address" />
          </>
        ) : (
          <span className="muted">No proxy running</span>
        )}
      </div>
      {/* The filter, columns and count are the Traffic pane's, shown only there. */}
      {traffic ? (
        <>
          <FilterBox />
          <ColumnMenu />
          <LiveCount />
        </>
      ) : (
        <span className="toolbar-spacer" />
      )}
      {/* A slot of its own at the end, so nothing else moves when REC comes and goes. */}
      <div className="rec-slot">
        <RecordingIndicator />
      </div>
    </header>
  )
}

function FilterBox() {
  const filterText = useApp((s) => s.filterText)
  const setFilter = useApp((s) => s.setFilter)
  const [text, setText] = useState(filterText)
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  useEffect(() => {
    setText(filterText)
  }, [filterText])
  const change = (value: string): void => {
    setText(value)
    clearTimeout(timer.current)
    timer.current = setTimeout(() => setFilter(value), 60)
  }
  const problems = useMemo(() => filterProblems(text), [text])
  const [help, setHelp] = useState(false)
  return (
    <div className="filter">
      <input
        type="search"
        className="filter-input"
        data-testid="filter"
        aria-label="Filter traffic"
        spellCheck={false}
        placeholder='Filter  ( / )   e.g. status:5xx -method:GET host:api dur>500 size>10k header:x-id=abc body:"text"'
        value={text}
        onChange={(e) => change(e.target.value)}
        onKeyDown={(e) => {
          if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'k') {
            e.preventDefault()
            clearTimeout(timer.current)
            setText('')
            setFilter('')
            return
          }
          if (e.key === 'Escape') {
            e.preventDefault()
            if (text) change('')
            else e.currentTarget.blur()
          }
          if (e.key === 'Enter' || e.key === 'ArrowDown') {
            e.preventDefault()
            clearTimeout(timer.current)
            setFilter(text)
            document.querySelector<HTMLElement>('[data-testid="grid"]')?.focus()
          }
        }}
        aria-describedby="filter-problems"
        aria-invalid={problems.length > 0}
      />
      <button
        type="button"
        className="btn btn-small filter-help-button"
        aria-expanded={help}
        aria-controls="filter-help"
        data-testid="filter-help-button"
        title="Filter syntax"
        aria-label="Filter syntax"
        onClick={() => setHelp(!help)}
      >
        ?
      </button>
      <div id="filter-problems" className="filter-problems" role="status" data-testid="filter-problems">
        {problems.length > 0 && problems.join(' · ')}
      </div>
      {help && (
        <div
          id="filter-help"
          className="filter-help"
          data-testid="filter-help"
          role="region"
          aria-label="Filter syntax"
        >
          <p className="small muted">Terms are separated by spaces and must all match. Click an example to add it.</p>
          <table>
            <tbody>
              {FILTER_HELP.map((h) => (
                <tr key={h.term}>
                  <td>
                    <button
                      type="button"
                      className="link mono"
                      onClick={() => {
                        const next = text.trim() === '' ? h.example : `${text.trim()} ${h.example}`
                        change(next)
                      }}
                    >
                      {h.example}
                    </button>
                  </td>
                  <td>{h.means}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <button type="button" className="btn btn-small" onClick={() => setHelp(false)}>
            Close
          </button>
        </div>
      )}
    </div>
  )
}

function LiveCount() {
  const shown = useApp((s) => s.visibleIds.length)
  const total = useApp((s) => s.ids.length)
  const filtered = useApp((s) => s.filterText.trim() !== '')
  return (
    <span className="live-count num" data-testid="live-count" aria-live="off">
      {filtered ? `${shown.toLocaleString()} of ${total.toLocaleString()}` : `${total.toLocaleString()}`}{' '}
      {total === 1 ? 'exchange' : 'exchanges'}
    </span>
  )
}
