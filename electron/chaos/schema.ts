/**
 * A small subset of JSON Schema (as OpenAPI 3.1 uses it), with a validator that names the bad field. The
 * chaos JSON is checked with these schemas and the OpenAPI document publishes the very same objects, so the
 * docs cannot drift from what the API accepts.
 *
 * Supported: type object (properties, required, additionalProperties), string (enum, pattern, format
 * date-time / duration / regex), integer (minimum, maximum), boolean, array (items, minItems), oneOf (with an
 * optional discriminator on a string property), $ref to `#/components/schemas/<name>`.
 */
import { parseDuration, parseInstant } from './duration.ts'

export type Schema = {
  readonly description?: string
  readonly example?: unknown
  /** Used in messages: "unknown behaviour". */
  readonly title?: string
} & (
  | {
      readonly type: 'object'
      readonly properties: Readonly<Record<string, Schema>>
      readonly required?: readonly string[]
      readonly additionalProperties?: false | Schema
    }
  | {
      readonly type: 'string'
      readonly enum?: readonly string[]
      readonly pattern?: string
      readonly format?: 'date-time' | 'duration' | 'regex'
    }
  | { readonly type: 'integer'; readonly minimum?: number; readonly maximum?: number }
  | { readonly type: 'array'; readonly items: Schema; readonly minItems?: number }
  | { readonly type: 'boolean' }
  | {
      readonly oneOf: readonly Schema[]
      readonly discriminator?: { readonly propertyName: string; readonly mapping: Readonly<Record<string, string>> }
    }
  | { readonly $ref: string }
)

export type Components = Readonly<Record<string, Schema>>

/** A validation failure: the JSON path of the bad field (`$[0].behaviour.status`) and what is wrong with it. */
export interface Problem {
  readonly field: string
  readonly message: string
}

export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` })

export function resolve(schema: Schema, components: Components): Schema {
  let s = schema
  for (let hops = 0; '$ref' in s; hops++) {
    const name = s.$ref.replace('#/components/schemas/', '')
    const found = components[name]
    if (!found || hops > 20) throw new Error(`schema reference ${s.$ref} does not resolve`)
    s = found
  }
  return s
}

/** The first problem with `value`, or undefined when it fits the schema. */
export function validate(schema: Schema, value: unknown, components: Components, field = '$'): Problem | undefined {
  const s = resolve(schema, components)
  const fail = (message: string): Problem => ({ field, message })
  if ('oneOf' in s) {
    if (s.discriminator) {
      const key = s.discriminator.propertyName
      if (!isObject(value)) return fail(`must be a JSON object with a "${key}" field`)
      const tag = value[key]
      const target = typeof tag === 'string' ? s.discriminator.mapping[tag] : undefined
      const choices = Object.keys(s.discriminator.mapping).join(', ')
      if (tag === undefined) return { field: `${field}.${key}`, message: `is missing; expected one of ${choices}` }
      if (!target)
        return {
          field: `${field}.${key}`,
          message: `unknown ${s.title ?? key} ${JSON.stringify(tag)}; expected one of ${choices}`,
        }
      return validate({ $ref: target }, value, components, field)
    }
    const problems = s.oneOf.map((option) => validate(option, value, components, field))
    return problems.every(Boolean)
      ? fail(`must be ${s.oneOf.map((o) => expected(resolve(o, components))).join(' or ')}; got ${show(value)}`)
      : undefined
  }
  if ('$ref' in s) return undefined // unreachable: resolve() followed every reference
  switch (s.type) {
    case 'object': {
      if (!isObject(value)) return fail(`must be a JSON object; got ${show(value)}`)
      for (const name of s.required ?? [])
        if (value[name] === undefined) return { field: `${field}.${name}`, message: 'is required' }
      for (const [name, v] of Object.entries(value)) {
        // Stryker disable next-line ConditionalExpression: equivalent; an additionalProperties of false is itself falsy, so the test below refuses the field either way
        const property = s.properties[name] ?? (s.additionalProperties === false ? undefined : s.additionalProperties)
        if (!property)
          return {
            field: `${field}.${name}`,
            message: `is not a known field; expected ${Object.keys(s.properties).join(', ')}`,
          }
        const problem = validate(property, v, components, `${field}.${name}`)
        if (problem) return problem
      }
      return undefined
    }
    case 'array': {
      if (!Array.isArray(value)) return fail(`must be a JSON array; got ${show(value)}`)
      if (value.length < (s.minItems ?? 0)) return fail(`must have at least ${s.minItems} item(s)`)
      for (let i = 0; i < value.length; i++) {
        const problem = validate(s.items, value[i], components, `${field}[${i}]`)
        if (problem) return problem
      }
      return undefined
    }
    case 'boolean':
      return typeof value === 'boolean' ? undefined : fail(`must be true or false; got ${show(value)}`)
    case 'integer':
      if (
        typeof value !== 'number' ||
        !Number.isInteger(value) ||
        value < (s.minimum ?? -Infinity) ||
        value > (s.maximum ?? Infinity)
      ) {
        return fail(`must be ${expected(s)}; got ${show(value)}`)
      }
      return undefined
    case 'string': {
      const ok =
        typeof value === 'string' &&
        (!s.enum || s.enum.includes(value)) &&
        (!s.pattern || new RegExp(s.pattern).test(value)) &&
        (s.format !== 'duration' || parseDuration(value) !== undefined) &&
        (s.format !== 'date-time' || parseInstant(value) !== undefined) &&
        (s.format !== 'regex' || compiles(value))
      return ok ? undefined : fail(`must be ${expected(s)}; got ${show(value)}`)
    }
  }
}

/** "a whole number from 100 to 599", "an ISO-8601 duration such as PT0.5S", … for messages. */
export function expected(s: Schema): string {
  if ('type' in s && s.type === 'string' && (s.format || s.pattern) && s.description)
    return lowerFirst(s.description.replace(/\.$/, ''))
  if ('type' in s) {
    if (s.type === 'integer') {
      const range =
        s.minimum !== undefined && s.maximum !== undefined
          ? ` from ${s.minimum} to ${s.maximum}`
          : s.minimum !== undefined
            ? ` of at least ${s.minimum}`
            : ''
      return `a whole number${range}`
    }
    if (s.type === 'string') return s.enum ? `one of ${s.enum.join(', ')}` : 'a string'
    return `a JSON ${s.type}`
  }
  return 'a valid value'
}

function lowerFirst(text: string): string {
  return text.replace(/^./, (c) => c.toLowerCase())
}

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern)
    return true
  } catch {
    return false
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}
