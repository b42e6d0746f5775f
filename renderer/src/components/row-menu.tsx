/**
 * A row's context menu (right click, the Menu key or Shift+F10): copy the URL or the request as curl, fetch, HTTPie or
 * Python requests; break on requests like it (a breakpoint block in its listener's pipeline); compare it with the
 * selected row; resend it; or filter the table to its host. A WAI-ARIA menu: arrow keys move, Esc closes, focus goes
 * back to the table.
 */
import { useEffect, useRef, type KeyboardEvent } from 'react'
import { copyText } from '../lib/clipboard.ts'
import { toCurl } from '../lib/curl.ts'
import { toFetch, toHttpie, toPythonRequests } from '../lib/code-snippets.ts'
import { focusTable } from '../lib/focus.ts'
import { breakpointLike, breaksOn, toggledBreakpoint } from '../lib/break-like.ts'
import { useAppStore } from '../store/use-app.ts'

/** The other languages a request can be copied as, besides curl. */
const CODE = [
  { label: 'fetch', make: toFetch },
  { label: 'HTTPie', make: toHttpie },
  { label: 'Python requests', make: toPythonRequests },
] as const

export interface RowMenuAt {
  readonly id: string
  readonly x: number
  readonly y: number
  /** The row that was selected before this menu opened (opening it selects its row), to compare with. */
  readonly previousId?: string
}

interface Item {
  readonly id: string
  readonly label: string
  run(): Promise<string | undefined>
}

export function RowMenu({
  at,
  onClose,
  onDone,
}: {
  at: RowMenuAt
  onClose: () => void
  onDone: (message: string) => void
}) {
  const store = useAppStore()
  const ref = useRef<HTMLDivElement>(null)
  const exchange = store.getState().byId.get(at.id)

  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus()
    const outside = (ev: MouseEvent): void => {
      if (!ref.current?.contains(ev.target as Node)) onClose()
    }
    document.addEventListener('mousedown', outside)
    return () => document.removeEventListener('mousedown', outside)
  }, [onClose])

  if (!exchange) return null
  const s = store.getState()
  const items: Item[] = [
    {
      id: 'copy-url',
      label: 'Copy URL',
      run: async () => ((await copyText(exchange.url)) ? 'Copied the URL' : 'Copy failed'),
    },
    {
      id: 'copy-curl',
      label: 'Copy as curl',
      run: async () => {
        const detail = await s.run('getExchange', { id: at.id })
        if (!detail) return 'This exchange is no longer kept'
        const listener = s.listeners.find((l) => l.id === detail.listenerId)
        return (await copyText(toCurl(detail, listener))) ? 'Copied as curl' : 'Copy failed'
      },
    },
    ...CODE.map(
      ({ label, make }): Item => ({
        id: `copy-${label.toLowerCase().replace(/\W+/g, '-')}`,
        label: `Copy as ${label}`,
        run: async () => {
          const detail = await s.run('getExchange', { id: at.id })
          if (!detail) return 'This exchange is no longer kept'
          const listener = s.listeners.find((l) => l.id === detail.listenerId)
          return (await copyText(make(detail, listener))) ? `Copied as ${label}` : 'Copy failed'
        },
      }),
    ),
    ...breakItem(),
    {
      id: 'resend',
      label: 'Resend',
      run: async () => {
        const r = await s.run('resend', { id: at.id })
        return r ? `Resent: ${r.status}` : undefined
      },
    },
    {
      id: 'filter-host',
      label: `Only host ${exchange.host}`,
      run: async () => {
        s.setFilter(`host:${exchange.host}`)
        return undefined
      },
    },
    ...compareItem(),
  ]

  /** Compares this row with the one selected before (shown in the detail pane while that one stays selected). */
  function compareItem(): Item[] {
    const selected = at.previousId === undefined ? undefined : s.byId.get(at.previousId)
    if (!selected) return []
    return [
      {
        id: 'compare',
        label: `Compare with #${selected.seq}`,
        run: async () => {
          s.compare(selected.id, at.id)
          return undefined
        },
      },
    ]
  }

  /** Adds (or takes out) a breakpoint for requests like this one in its listener's pipeline. */
  function breakItem(): Item[] {
    const listener = s.listeners.find((l) => l.id === exchange!.listenerId)
    const block = breakpointLike(exchange!)
    if (!listener?.blocks || !block) return []
    const on = breaksOn(listener.blocks, block)
    return [
      {
        id: 'break-like',
        label: on ? 'Stop breaking on requests like this' : 'Break on requests like this',
        run: async () => {
          const { pipeline, added } = toggledBreakpoint(listener.blocks ?? [], block)
          const info = await s.run('setPipeline', { listenerId: listener.id, pipeline })
          if (!info) return undefined
          return added
            ? `Requests like this now pause: ${exchange!.method} ${block.match.host}${block.match.path}`
            : 'Requests like this no longer pause'
        },
      },
    ]
  }

  const choose = (item: Item): void => {
    onClose()
    focusTable()
    void item.run().then((message) => {
      if (message) onDone(message)
    })
  }
  const onKeyDown = (ev: KeyboardEvent<HTMLDivElement>): void => {
    const buttons = [...(ref.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])]
    const at = buttons.indexOf(document.activeElement as HTMLElement)
    const to =
      ev.key === 'ArrowDown'
        ? at + 1
        : ev.key === 'ArrowUp'
          ? at - 1
          : ev.key === 'Home'
            ? 0
            : ev.key === 'End'
              ? buttons.length - 1
              : undefined
    if (to !== undefined) {
      ev.preventDefault()
      buttons[(to + buttons.length) % buttons.length]?.focus()
      return
    }
    if (ev.key === 'Escape' || ev.key === 'Tab') {
      ev.preventDefault()
      ev.stopPropagation()
      onClose()
      focusTable()
    }
  }
  const left = Math.max(4, Math.min(at.x, window.innerWidth - 240))
  const top = Math.max(4, Math.min(at.y, window.innerHeight - 40 * items.length - 12))
  return (
    <div
      ref={ref}
      className="menu row-menu"
      role="menu"
      aria-label={`${exchange.method} ${exchange.url}`}
      data-testid="row-menu"
      style={{ left, top }}
      onKeyDown={onKeyDown}
    >
      {items.map((item) => (
        <button
          key={item.id}
          type="button"
          role="menuitem"
          tabIndex={-1}
          className="menu-item"
          data-testid={`row-menu-${item.id}`}
          onClick={() => choose(item)}
        >
          {item.label}
        </button>
      ))}
    </div>
  )
}
