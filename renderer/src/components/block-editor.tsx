/**
 * A proxy's blocks, editable while it serves: switch a block off, move it, edit its JSON, remove it, add one
 * from the block kinds' examples, and export the pipeline as a file. Every change is sent whole with
 * `setPipeline`; the host validates it with the same schema as `nanoscope run --check` and, on a problem,
 * keeps the running pipeline and the message names the field.
 */
import { useEffect, useId, useState } from 'react'
import type { BlockData, BlockKindInfo, ListenerInfo } from '../../../shared/exchange.ts'
import { downloadText } from '../lib/download.ts'
import { messageOf } from '../store/session-slice.ts'
import { useAppStore } from '../store/use-app.ts'
import { SchemaForm, type JsonSchema } from './schema-form.tsx'

export function BlockEditor({ listener }: { listener: ListenerInfo }) {
  const store = useAppStore()
  const blocks = listener.blocks ?? []
  const [problems, setProblems] = useState<string[]>([])
  const [editing, setEditing] = useState<number | undefined>(undefined)
  const [busy, setBusy] = useState(false)
  const label = listener.name
  const kinds = useBlockKinds(editing !== undefined)

  const apply = async (next: readonly unknown[]): Promise<boolean> => {
    setBusy(true)
    try {
      await store.getState().command('setPipeline', { listenerId: listener.id, pipeline: [...next] })
      setProblems([])
      return true
    } catch (error) {
      setProblems(messageOf(error).split('\n'))
      return false
    } finally {
      setBusy(false)
    }
  }
  const move = (i: number, by: number) => {
    const next = [...blocks]
    const [b] = next.splice(i, 1)
    next.splice(i + by, 0, b!)
    void apply(next)
  }
  const exportFile = async () => {
    try {
      const file = await store.getState().command('exportPipeline', { listenerId: listener.id })
      downloadText(file.fileName, file.content)
    } catch (error) {
      setProblems([messageOf(error)])
    }
  }

  return (
    <section className="blocks" aria-label={`Blocks of ${label}`}>
      <div className="blocks-head">
        <h3>Blocks</h3>
        <span className="muted">in the order a request meets them; changes apply at once</span>
        <span className="spacer" />
        <button
          type="button"
          className="btn btn-small"
          onClick={() => void exportFile()}
          aria-label={`Export pipeline of ${label}`}
        >
          Export pipeline
        </button>
      </div>
      {problems.length > 0 && (
        <div role="alert" className="error-text">
          <ul className="problems" aria-label="Problems with the pipeline">
            {problems.map((p, i) => (
              <li key={i} className="mono">
                {p}
              </li>
            ))}
          </ul>
        </div>
      )}
      <ol className="block-list">
        {blocks.map((b, i) => {
          const name = `block ${i + 1} (${b.use}${typeof b.name === 'string' ? ` “${b.name}”` : ''})`
          return (
            <li
              key={`${i}-${b.use}`}
              className={`block-item${b.enabled === false ? ' block-off' : ''}`}
              data-testid="block"
            >
              <div className="block-row">
                <label className="checkbox">
                  <input
                    type="checkbox"
                    checked={b.enabled !== false}
                    disabled={busy}
                    onChange={(e) =>
                      void apply(blocks.map((x, j) => (j === i ? { ...x, enabled: e.target.checked } : x)))
                    }
                  />
                  <span className="sr-only">{`On: ${name}`}</span>
                </label>
                <span className="badge">{b.use}</span>
                <span className="block-line">{listener.blockLines?.[i] ?? ''}</span>
                <span className="spacer" />
                <button
                  type="button"
                  className="btn btn-small"
                  disabled={busy || i === 0}
                  aria-label={`Move ${name} up`}
                  onClick={() => move(i, -1)}
                >
                  ↑
                </button>
                <button
                  type="button"
                  className="btn btn-small"
                  disabled={busy || i === blocks.length - 1}
                  aria-label={`Move ${name} down`}
                  onClick={() => move(i, 1)}
                >
                  ↓
                </button>
                <button
                  type="button"
                  className="btn btn-small"
                  aria-expanded={editing === i}
                  aria-label={`Edit ${name}`}
                  onClick={() => setEditing(editing === i ? undefined : i)}
                >
                  Edit
                </button>
                <button
                  type="button"
                  className="btn btn-small btn-danger"
                  disabled={busy}
                  aria-label={`Remove ${name}`}
                  onClick={() => void apply(blocks.filter((_, j) => j !== i))}
                >
                  Remove
                </button>
              </div>
              {listener.blockProblems?.[i] && (
                <div role="alert" className="error-text block-problem mono" aria-label={`Problem with ${name}`}>
                  {listener.blockProblems[i]}
                </div>
              )}
              {editing === i && (
                <BlockForm
                  label={`Options of ${name}`}
                  initial={b}
                  schema={kinds.find((k) => k.use === b.use)?.schema as JsonSchema | undefined}
                  submitLabel="Apply"
                  busy={busy}
                  onCancel={() => {
                    setEditing(undefined)
                    setProblems([])
                  }}
                  onSubmit={async (value) => {
                    if (await apply(blocks.map((x, j) => (j === i ? value : x)))) setEditing(undefined)
                  }}
                  onInvalid={setProblems}
                />
              )}
            </li>
          )
        })}
      </ol>
      <AddBlock busy={busy} onAdd={(block) => apply([...blocks, block])} onInvalid={setProblems} listenerName={label} />
    </section>
  )
}

function AddBlock({
  busy,
  onAdd,
  onInvalid,
  listenerName,
}: {
  busy: boolean
  onAdd: (block: unknown) => Promise<boolean>
  onInvalid: (problems: string[]) => void
  listenerName: string
}) {
  const [use, setUse] = useState('mock')
  const [open, setOpen] = useState(false)
  const selectId = useId()
  const kinds = useBlockKinds(open)
  const kind = kinds.find((k) => k.use === use)
  if (!open)
    return (
      <button
        type="button"
        className="btn btn-small"
        onClick={() => setOpen(true)}
        aria-label={`Add block to ${listenerName}`}
      >
        Add block
      </button>
    )
  return (
    <div className="add-block card">
      <label htmlFor={selectId}>Block kind</label>{' '}
      <select id={selectId} value={use} onChange={(e) => setUse(e.target.value)}>
        {kinds.map((k) => (
          <option key={k.use} value={k.use}>
            {k.use}
          </option>
        ))}
      </select>
      {kind && <p className="muted">{kind.summary}</p>}
      {kind && (
        <BlockForm
          key={kind.use}
          label="New block"
          initial={kind.example}
          schema={kind.schema as JsonSchema}
          submitLabel="Add block"
          busy={busy}
          onCancel={() => {
            setOpen(false)
            onInvalid([])
          }}
          onInvalid={onInvalid}
          onSubmit={async (value) => {
            if (await onAdd(value)) setOpen(false)
          }}
        />
      )}
    </div>
  )
}

/**
 * A block's options as a form drawn from its schema, or as JSON (one click apart, kept in step). Enter on
 * the submit button applies; Escape cancels.
 */
function BlockForm({
  label,
  initial,
  schema,
  submitLabel,
  busy,
  onSubmit,
  onCancel,
  onInvalid,
}: {
  label: string
  initial: BlockData
  schema: JsonSchema | undefined
  submitLabel: string
  busy: boolean
  onSubmit: (value: unknown) => Promise<void>
  onCancel: () => void
  onInvalid: (problems: string[]) => void
}) {
  const [value, setValue] = useState<Record<string, unknown>>({ ...initial })
  const [mode, setMode] = useState<'form' | 'json'>(schema ? 'form' : 'json')
  const [text, setText] = useState(() => JSON.stringify(initial, null, 2))
  const id = useId()
  const toJson = () => {
    setText(JSON.stringify(value, null, 2))
    setMode('json')
  }
  const toForm = () => {
    try {
      setValue(JSON.parse(text) as Record<string, unknown>)
      setMode('form')
    } catch (error) {
      onInvalid([`$: not valid JSON (${(error as Error).message})`])
    }
  }
  return (
    <form
      className="json-form"
      aria-label={label}
      onSubmit={(e) => {
        e.preventDefault()
        if (mode === 'form') {
          void onSubmit(value)
          return
        }
        let parsed: unknown
        try {
          parsed = JSON.parse(text)
        } catch (error) {
          onInvalid([`$: not valid JSON (${(error as Error).message})`])
          return
        }
        void onSubmit(parsed)
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation()
          onCancel()
        }
      }}
    >
      <div className="form-row">
        <span className="muted">{label}</span>
        <span className="spacer" />
        <button
          type="button"
          className="btn btn-small"
          aria-pressed={mode === 'form'}
          disabled={!schema}
          onClick={toForm}
        >
          Form
        </button>
        <button type="button" className="btn btn-small" aria-pressed={mode === 'json'} onClick={toJson}>
          JSON
        </button>
      </div>
      {mode === 'form' && schema ? (
        <SchemaForm schema={schema} value={value} onChange={setValue} />
      ) : (
        <>
          <label htmlFor={id}>{`${label} (JSON)`}</label>
          <textarea
            id={id}
            className="mono"
            rows={Math.min(16, text.split('\n').length + 1)}
            spellCheck={false}
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        </>
      )}
      <div className="form-row">
        <button type="submit" className="btn btn-primary btn-small" disabled={busy}>
          {submitLabel}
        </button>
        <button type="button" className="btn btn-small" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  )
}

/** The block kinds (with their schemas), asked of the host once, when first needed. */
let kindsOnce: Promise<BlockKindInfo[]> | undefined
function useBlockKinds(wanted: boolean): BlockKindInfo[] {
  const store = useAppStore()
  const [kinds, setKinds] = useState<BlockKindInfo[]>([])
  useEffect(() => {
    if (!wanted || kinds.length > 0) return
    kindsOnce ??= store.getState().command('listBlockKinds', {})
    kindsOnce.then(setKinds, () => {
      kindsOnce = undefined
    })
  }, [wanted, kinds.length, store])
  return kinds
}
