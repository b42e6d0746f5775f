/**
 * The stages of one chaos engine as toggles with parameters and as editable JSON — two views of one draft.
 * The draft follows the engine (so a change through the HTTP API shows) until you edit it; Apply sends it.
 */
import { useEffect, useMemo, useState } from 'react'
import type { ChaosInfo } from '../../../shared/exchange.ts'
import {
  BEHAVIOUR_LABELS,
  checkDraft,
  controlsToStages,
  defaultControls,
  stagesToControls,
  stagesToText,
  type BehaviourControl,
  type Scope,
} from '../lib/chaos-stages.ts'
import { messageOf } from '../store/session-slice.ts'
import { useApp, useAppStore } from '../store/use-app.ts'

export function ChaosEditor({ info }: { info: ChaosInfo }) {
  const store = useAppStore()
  const presets = useApp((s) => s.chaosPresets)
  const hostText = useMemo(() => stagesToText(info.stages), [info.stages])
  const [base, setBase] = useState(hostText)
  const [draft, setDraft] = useState(hostText)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | undefined>(undefined)
  const [applied, setApplied] = useState('')

  // Follow the engine while the draft is untouched.
  useEffect(() => {
    setDraft((d) => (d === base ? hostText : d))
    setBase(hostText)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [hostText])

  const check = useMemo(() => checkDraft(draft), [draft])
  const controls = useMemo(() => (check.ok ? stagesToControls(check.stages, presets) : undefined), [check, presets])
  const shown = controls ?? defaultControls(presets)
  const dirty = draft !== hostText

  const setControl = (next: BehaviourControl): void => {
    const all = shown.map((c) => (c.id === next.id ? next : c))
    setDraft(stagesToText(controlsToStages(all)))
    setError(undefined)
  }

  const apply = async (): Promise<void> => {
    if (!check.ok) return
    setBusy(true)
    setError(undefined)
    setApplied('')
    try {
      if (check.stages.length === 0) {
        await store.getState().setChaos(info.listenerId, { active: false })
        setApplied('No behaviour is on, so chaos is off.')
      } else {
        await store.getState().setChaos(info.listenerId, { stages: check.stages, active: true })
        setApplied('Applied; chaos is on.')
        setDraft(stagesToText(check.stages))
      }
    } catch (e) {
      setError(messageOf(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="chaos-editor">
      <h3>Behaviours</h3>
      <p className="muted small">
        For each request, the first switched-on behaviour whose trigger fires answers it (top to bottom).
        {!info.active && ' Chaos is off: the engine keeps these and applies them when you switch it on.'}
      </p>
      {controls === undefined && check.ok && (
        <p className="label label-info" data-testid="custom-stages">
          These stages are custom: edit them as JSON below, or switch a behaviour on to replace them.
        </p>
      )}
      <ul className="behaviours" aria-label="Behaviours">
        {shown.map((c) => (
          <BehaviourRow key={c.id} control={c} disabled={busy} onChange={setControl} />
        ))}
      </ul>
      {presets.length > 0 && (
        <div className="presets">
          <span className="muted small">Presets:</span>
          {presets.map((p) => (
            <button
              key={p.id}
              type="button"
              className="btn btn-small"
              data-testid={`preset-${p.id}`}
              onClick={() => {
                setDraft(stagesToText([p.stage]))
                setError(undefined)
              }}
            >
              {p.label}
            </button>
          ))}
        </div>
      )}
      <h3>
        <label htmlFor={`stages-${info.listenerId}`}>Stages as chaos JSON (http4k format)</label>
      </h3>
      <textarea
        id={`stages-${info.listenerId}`}
        className={`code stage-json ${check.ok ? '' : 'is-invalid'}`}
        value={draft}
        spellCheck={false}
        rows={Math.min(18, Math.max(4, draft.split('\n').length + 1))}
        data-testid="stage-json"
        aria-invalid={!check.ok}
        aria-describedby={`stages-check-${info.listenerId}`}
        placeholder='[{"type":"trigger","trigger":{"type":"always"},"behaviour":{"type":"status","status":503}}]'
        onChange={(e) => {
          setDraft(e.target.value)
          setError(undefined)
          setApplied('')
        }}
      />
      <p
        id={`stages-check-${info.listenerId}`}
        className={`small ${check.ok ? 'muted' : 'error-text'}`}
        data-testid="stage-check"
      >
        {check.ok
          ? check.stages.length === 0
            ? 'No stages: Apply turns chaos off.'
            : `${check.stages.length} ${check.stages.length === 1 ? 'stage' : 'stages'}, valid JSON. The engine checks the fields when you apply.`
          : check.message}
      </p>
      <div className="actions">
        <button
          type="button"
          className="btn btn-primary"
          disabled={busy || !check.ok}
          data-testid="apply-chaos"
          onClick={() => void apply()}
        >
          {busy ? 'Applying…' : info.active || (check.ok && check.stages.length === 0) ? 'Apply' : 'Apply and turn on'}
        </button>
        <button
          type="button"
          className="btn"
          disabled={!dirty || busy}
          data-testid="revert-chaos"
          onClick={() => {
            setDraft(hostText)
            setError(undefined)
          }}
        >
          Revert
        </button>
        {dirty && !error && <span className="muted small">Not applied yet.</span>}
        {!dirty && applied && (
          <span className="ok-text small" role="status">
            {applied}
          </span>
        )}
      </div>
      {error && (
        <p className="error-text" role="alert" data-testid="chaos-error">
          {error}
        </p>
      )}
    </div>
  )
}

function BehaviourRow({
  control: c,
  disabled,
  onChange,
}: {
  control: BehaviourControl
  disabled: boolean
  onChange: (c: BehaviourControl) => void
}) {
  const num = (value: string, min: number, max: number, fallback: number): number => {
    const n = Math.round(Number(value))
    return Number.isFinite(n) ? Math.min(max, Math.max(min, n)) : fallback
  }
  const id = `behaviour-${c.id}`
  return (
    <li className={`behaviour ${c.on ? 'is-on' : ''}`} data-testid={id} data-on={c.on}>
      <label className="behaviour-toggle">
        <input
          type="checkbox"
          checked={c.on}
          disabled={disabled}
          data-testid={`${id}-toggle`}
          onChange={(e) => onChange({ ...c, on: e.target.checked })}
        />
        {BEHAVIOUR_LABELS[c.id]}
      </label>
      {c.id === 'status' && (
        <input
          type="number"
          min={100}
          max={599}
          value={c.status}
          aria-label="Status code"
          data-testid={`${id}-status`}
          className="num-input"
          onChange={(e) => onChange({ ...c, on: true, status: num(e.target.value, 100, 599, c.status) })}
        />
      )}
      {c.id === 'latency' && (
        <span className="range">
          <input
            type="number"
            min={0}
            value={c.minMs}
            aria-label="Minimum latency in ms"
            className="num-input"
            data-testid={`${id}-min`}
            onChange={(e) => {
              const v = num(e.target.value, 0, 3_600_000, c.minMs)
              onChange({ ...c, on: true, minMs: v, maxMs: Math.max(v, c.maxMs) })
            }}
          />
          –
          <input
            type="number"
            min={0}
            value={c.maxMs}
            aria-label="Maximum latency in ms"
            className="num-input"
            data-testid={`${id}-max`}
            onChange={(e) => {
              const v = num(e.target.value, 0, 3_600_000, c.maxMs)
              onChange({ ...c, on: true, maxMs: v, minMs: Math.min(v, c.minMs) })
            }}
          />
          ms
        </span>
      )}
      {c.id === 'truncate' && (
        <span className="range">
          <input
            type="number"
            min={0}
            value={c.bytes}
            aria-label="Bytes kept"
            className="num-input"
            data-testid={`${id}-bytes`}
            onChange={(e) => onChange({ ...c, on: true, bytes: num(e.target.value, 0, 1e9, c.bytes) })}
          />{' '}
          bytes
        </span>
      )}
      <span className="scope">
        <select
          value={c.scope}
          aria-label={`When: ${BEHAVIOUR_LABELS[c.id]}`}
          data-testid={`${id}-scope`}
          onChange={(e) => onChange({ ...c, on: true, scope: e.target.value as Scope })}
        >
          <option value="always">for every request</option>
          <option value="percentage">for a percentage of requests</option>
          <option value="count">for the next N requests</option>
        </select>
        {c.scope === 'percentage' && (
          <span className="range">
            <input
              type="number"
              min={0}
              max={100}
              value={c.percentage}
              aria-label="Percentage"
              className="num-input"
              data-testid={`${id}-percentage`}
              onChange={(e) => onChange({ ...c, on: true, percentage: num(e.target.value, 0, 100, c.percentage) })}
            />{' '}
            %
          </span>
        )}
        {c.scope === 'count' && (
          <span className="range">
            <input
              type="number"
              min={1}
              value={c.count}
              aria-label="Number of requests"
              className="num-input"
              data-testid={`${id}-count`}
              onChange={(e) => onChange({ ...c, on: true, count: num(e.target.value, 1, 1e9, c.count) })}
            />{' '}
            requests
          </span>
        )}
      </span>
    </li>
  )
}
