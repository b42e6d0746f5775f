/** The home screen: the traffic grid, and the detail pane split beside it (resizable) when a row is open. */
import { useRef, type PointerEvent } from 'react'
import { DetailPane } from '../components/detail-pane.tsx'
import { TrafficGrid } from '../components/traffic-grid.tsx'
import { useApp, useAppStore } from '../store/use-app.ts'

export function TrafficView() {
  const detailOpen = useApp((s) => s.detailOpen && s.selectedId !== undefined)
  const detailWidth = useApp((s) => s.detailWidth)
  return (
    <div className={`traffic ${detailOpen ? 'with-detail' : ''}`} style={{ ['--detail-width' as string]: `${detailWidth}px` }}>
      <TrafficGrid />
      {detailOpen && <Splitter />}
      {detailOpen && <DetailPane />}
    </div>
  )
}

/** Drag to give the detail pane more or less of the width; the table always keeps at least 240 px. */
function Splitter() {
  const store = useAppStore()
  const dragging = useRef(false)
  const move = (ev: PointerEvent<HTMLDivElement>): void => {
    if (!dragging.current) return
    const box = ev.currentTarget.parentElement?.getBoundingClientRect()
    if (!box) return
    store.getState().setDetailWidth(Math.min(box.right - ev.clientX, box.width - 240))
  }
  return (
    <div className="splitter" role="separator" aria-orientation="vertical" aria-label="Resize the detail pane"
      onPointerDown={(ev) => { dragging.current = true; ev.currentTarget.setPointerCapture(ev.pointerId) }}
      onPointerMove={move} onPointerUp={() => { dragging.current = false }} onPointerCancel={() => { dragging.current = false }} />
  )
}
