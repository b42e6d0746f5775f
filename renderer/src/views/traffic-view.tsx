/**
 * The home screen: the traffic grid, and the detail pane split beside it (wide windows) or below it (narrow
 * ones) when a row is open. The split is resizable, by pointer or arrow keys, and remembered.
 */
import { useRef, type KeyboardEvent, type PointerEvent } from 'react'
import { DetailPane } from '../components/detail-pane.tsx'
import { TrafficGrid } from '../components/traffic-grid.tsx'
import { useWideWindow } from '../lib/wide-window.ts'
import { MIN_DETAIL_HEIGHT, MIN_DETAIL_WIDTH } from '../store/layout-slice.ts'
import { useApp, useAppStore } from '../store/use-app.ts'

/** What the table always keeps of the split: room for #, Method, Host, Path, Status and Duration (or rows). */
const TABLE_MIN_WIDTH = 480
const TABLE_MIN_HEIGHT = 140

export function TrafficView() {
  const detailOpen = useApp((s) => s.detailOpen && s.selectedId !== undefined)
  const detailWidth = useApp((s) => s.detailWidth)
  const detailHeight = useApp((s) => s.detailHeight)
  const beside = useWideWindow()
  const where = beside ? 'beside' : 'below'
  return (
    <div
      className={`traffic ${detailOpen ? `with-detail detail-${where}` : ''}`}
      style={{ ['--detail-width' as string]: `${detailWidth}px`, ['--detail-height' as string]: `${detailHeight}px` }}
    >
      <TrafficGrid detailBeside={detailOpen && beside} />
      {detailOpen && <Splitter beside={beside} />}
      {detailOpen && <DetailPane />}
    </div>
  )
}

function Splitter({ beside }: { beside: boolean }) {
  const store = useAppStore()
  const size = useApp((s) => (beside ? s.detailWidth : s.detailHeight))
  const dragging = useRef(false)
  const resize = (to: number, box: DOMRect): void => {
    if (beside) store.getState().setDetailWidth(Math.min(to, box.width - TABLE_MIN_WIDTH))
    else store.getState().setDetailHeight(Math.min(to, box.height - TABLE_MIN_HEIGHT))
  }
  const move = (ev: PointerEvent<HTMLDivElement>): void => {
    if (!dragging.current) return
    const box = ev.currentTarget.parentElement?.getBoundingClientRect()
    if (box) resize(beside ? box.right - ev.clientX : box.bottom - ev.clientY, box)
  }
  const key = (ev: KeyboardEvent<HTMLDivElement>): void => {
    const grow = beside ? { ArrowLeft: 24, ArrowRight: -24 } : { ArrowUp: 24, ArrowDown: -24 }
    const step = grow[ev.key as keyof typeof grow]
    const box = ev.currentTarget.parentElement?.getBoundingClientRect()
    if (step === undefined || !box) return
    ev.preventDefault()
    resize(size + step, box)
  }
  return (
    <div
      className={`splitter splitter-${beside ? 'beside' : 'below'}`}
      role="separator"
      tabIndex={0}
      data-testid="splitter"
      aria-orientation={beside ? 'vertical' : 'horizontal'}
      aria-label="Resize the detail pane"
      aria-valuenow={size}
      aria-valuemin={beside ? MIN_DETAIL_WIDTH : MIN_DETAIL_HEIGHT}
      aria-valuemax={4000}
      onPointerDown={(ev) => {
        dragging.current = true
        ev.currentTarget.setPointerCapture(ev.pointerId)
      }}
      onPointerMove={move}
      onPointerUp={() => {
        dragging.current = false
      }}
      onPointerCancel={() => {
        dragging.current = false
      }}
      onKeyDown={key}
    />
  )
}
