/**
 * A form drawn from a block's JSON Schema (the same schema that checks it on the host): a text box for a
 * string, a number box for a number, a checkbox for a boolean, a list for an enum, a group for an object, and a
 * small JSON box for anything else (lists, maps, choices between shapes). Every field is labelled with its path
 * (`respond › status`) and described by the schema's own words. The host validates what is sent, so the form
 * does not re-check ranges: the messages come back named by field, as `nanoscope run --check` prints them.
 */
import { useId, useState } from 'react'

export type JsonSchema = {
  readonly type?: string | readonly string[]
  readonly properties?: Readonly<Record<string, JsonSchema>>
  readonly required?: readonly string[]
  readonly enum?: readonly unknown[]
  readonly const?: unknown
  readonly description?: string
  readonly $ref?: string
  readonly $defs?: Readonly<Record<string, JsonSchema>>
}

type Value = Record<string, unknown>

interface FieldProps {
  readonly schema: JsonSchema
  readonly root: JsonSchema
  readonly path: readonly string[]
  readonly value: unknown
  readonly onChange: (value: unknown) => void
  readonly depth: number
}

/** The whole block's form: every property but `use`, which names the kind and does not change. */
export function SchemaForm({
  schema,
  value,
  onChange,
}: {
  schema: JsonSchema
  value: Value
  onChange: (value: Value) => void
}) {
  return (
    <div className="schema-form">
      <ObjectFields
        schema={schema}
        root={schema}
        path={[]}
        value={value}
        depth={0}
        onChange={(v) => onChange({ use: value.use, ...(v as Value) })}
      />
    </div>
  )
}

function resolve(schema: JsonSchema, root: JsonSchema): JsonSchema {
  if (!schema.$ref) return schema
  const name = schema.$ref.replace('#/$defs/', '')
  return { ...(root.$defs?.[name] ?? {}), ...(schema.description ? { description: schema.description } : {}) }
}

function ObjectFields({ schema, root, path, value, onChange, depth }: FieldProps) {
  const object = (value && typeof value === 'object' && !Array.isArray(value) ? value : {}) as Value
  const set = (key: string, v: unknown) => {
    const next = { ...object }
    if (v === undefined) delete next[key]
    else next[key] = v
    onChange(Object.keys(next).length ? next : undefined)
  }
  return (
    <>
      {Object.entries(schema.properties ?? {})
        .filter(([key]) => !(depth === 0 && key === 'use'))
        .map(([key, child]) => (
          <Field
            key={key}
            schema={resolve(child, root)}
            root={root}
            path={[...path, key]}
            value={object[key]}
            depth={depth + 1}
            onChange={(v) => set(key, v)}
            required={schema.required?.includes(key) ?? false}
          />
        ))}
    </>
  )
}

function Field(props: FieldProps & { required: boolean }) {
  const { schema, root, path, value, onChange, depth, required } = props
  const id = useId()
  const label = path.join(' › ') + (required ? ' (required)' : '')
  const hint = schema.description ? (
    <span id={`${id}-hint`} className="field-hint">
      {schema.description}
    </span>
  ) : null
  const described = schema.description ? `${id}-hint` : undefined
  if (schema.type === 'object' && schema.properties && depth < 2) {
    return (
      <fieldset className="schema-group">
        <legend>{label}</legend>
        {hint}
        <ObjectFields schema={schema} root={root} path={path} value={value} onChange={onChange} depth={depth} />
      </fieldset>
    )
  }
  if (schema.enum) {
    return (
      <div className="schema-field">
        <label htmlFor={id}>{label}</label>
        <select
          id={id}
          aria-describedby={described}
          value={value === undefined ? '' : String(value)}
          onChange={(e) =>
            onChange(e.target.value === '' ? undefined : schema.enum!.find((x) => String(x) === e.target.value))
          }
        >
          <option value="">(not set)</option>
          {schema.enum.map((x) => (
            <option key={String(x)} value={String(x)}>
              {String(x)}
            </option>
          ))}
        </select>
        {hint}
      </div>
    )
  }
  if (schema.type === 'boolean') {
    return (
      <div className="schema-field schema-check">
        <label htmlFor={id}>{label}</label>
        <select
          id={id}
          aria-describedby={described}
          value={value === undefined ? '' : String(value)}
          onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value === 'true')}
        >
          <option value="">(not set)</option>
          <option value="true">true</option>
          <option value="false">false</option>
        </select>
        {hint}
      </div>
    )
  }
  if (schema.type === 'string' || schema.type === 'integer' || schema.type === 'number') {
    const numeric = schema.type !== 'string'
    return (
      <div className="schema-field">
        <label htmlFor={id}>{label}</label>
        <input
          id={id}
          type={numeric ? 'number' : 'text'}
          aria-describedby={described}
          className={numeric ? '' : 'mono'}
          value={value === undefined ? '' : String(value)}
          onChange={(e) =>
            onChange(e.target.value === '' ? undefined : numeric ? Number(e.target.value) : e.target.value)
          }
        />
        {hint}
      </div>
    )
  }
  return <JsonField {...props} id={id} label={`${label} (JSON)`} hint={hint} described={described} />
}

function JsonField({
  value,
  onChange,
  id,
  label,
  hint,
  described,
}: FieldProps & { id: string; label: string; hint: React.ReactNode; described: string | undefined }) {
  const [text, setText] = useState(value === undefined ? '' : JSON.stringify(value))
  const [bad, setBad] = useState(false)
  return (
    <div className="schema-field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="text"
        className="mono"
        aria-describedby={described}
        aria-invalid={bad}
        value={text}
        onChange={(e) => {
          setText(e.target.value)
          if (e.target.value.trim() === '') {
            setBad(false)
            onChange(undefined)
            return
          }
          try {
            onChange(JSON.parse(e.target.value))
            setBad(false)
          } catch {
            setBad(true)
          }
        }}
      />
      {bad && <span className="field-hint error-text">not valid JSON yet</span>}
      {hint}
    </div>
  )
}
