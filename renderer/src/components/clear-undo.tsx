/** "14 exchanges cleared — Undo", while a clear can still be undone (a toast, so the table does not move). */
import { useApp } from '../store/use-app.ts'

export function ClearUndo() {
  const pendingClear = useApp((s) => s.pendingClear)
  const undo = useApp((s) => s.undoClear)
  return (
    <div className="toast-region" role="status" aria-live="polite">
      {pendingClear && (
        <div className="toast" data-testid="clear-undo">
          <span>
            {pendingClear.count.toLocaleString()} {pendingClear.count === 1 ? 'exchange' : 'exchanges'} cleared
          </span>
          <button type="button" className="btn btn-small" data-testid="undo-clear" onClick={undo}>
            Undo
          </button>
        </div>
      )}
    </div>
  )
}
