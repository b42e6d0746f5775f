/** The home screen: the traffic grid, and the detail pane split beside it when a row is open. */
import { DetailPane } from '../components/detail-pane.tsx'
import { TrafficGrid } from '../components/traffic-grid.tsx'
import { useApp } from '../store/use-app.ts'

export function TrafficView() {
  const detailOpen = useApp((s) => s.detailOpen && s.selectedId !== undefined)
  return (
    <div className={`traffic ${detailOpen ? 'with-detail' : ''}`}>
      <TrafficGrid />
      {detailOpen && <DetailPane />}
    </div>
  )
}
