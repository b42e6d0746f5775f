/** A small menu of columns to show or hide. */
import { useEffect, useRef, useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { COLUMNS } from '../store/columns.ts'
import { useApp } from '../store/use-app.ts'

export function ColumnMenu() {
  const [open, setOpen] = useState(false)
  const hidden = useApp(useShallow((s) => s.hiddenColumns))
  const toggle = useApp((s) => s.toggleColumn)
  const ref = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (!open) return
    const close = (ev: MouseEvent): void => {
      if (!ref.current?.contains(ev.target as Node)) setOpen(false)
    }
    const esc = (ev: KeyboardEvent): void => {
      if (ev.key === 'Escape') {
        ev.preventDefault()
        setOpen(false)
      }
    }
    document.addEventListener('mousedown', close)
    document.addEventListener('keydown', esc, true)
    return () => {
      document.removeEventListener('mousedown', close)
      document.removeEventListener('keydown', esc, true)
    }
  }, [open])
  return (
    <div className="column-menu" ref={ref}>
      <button
        type="button"
        className="btn btn-small"
        aria-haspopup="menu"
        aria-expanded={open}
        data-testid="columns-button"
        title="Show or hide columns"
        onClick={() => setOpen(!open)}
      >
        Columns ▾
      </button>
      {open && (
        <div className="menu" role="menu" aria-label="Columns">
          {COLUMNS.map((c) => (
            <label key={c.id} className="menu-item" role="menuitemcheckbox" aria-checked={!hidden.includes(c.id)}>
              <input type="checkbox" checked={!hidden.includes(c.id)} onChange={() => toggle(c.id)} />
              {c.id === 'seq' ? '# (sequence)' : c.label}
            </label>
          ))}
        </div>
      )}
    </div>
  )
}
