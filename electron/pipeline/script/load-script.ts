/**
 * Loads a user's filter file (`.ts`, `.mts`, `.js`, `.mjs`) with no build step: tsx compiles TypeScript on
 * the fly. Each load gets a fresh module namespace (tsx adds one to every URL it imports), so a saved file,
 * and the relative files it imports, are really read again. Beware: Node cannot unload a module, nor remove a
 * loader hook, so each reload keeps a little (measured over 400 saves of a one-line script: about 15 KiB of
 * heap per save, and a load slowing from about 30 ms to about 65 ms); restart after very many saves.
 *
 * A script's own later `import()` of a TypeScript file is not compiled (tsx's hooks are gone by then, see
 * `importFresh`): import what it needs statically.
 *
 * What a script file exports (the public types are in `types/index.d.ts`, `import type … from 'nanoscope'`):
 * - `default`: a Filter, `(next) => (req) => Promise<Response>`, optionally taking the validated `with`
 *   options as a second argument;
 * - `name` (optional): a label for the window and for error messages;
 * - `options` (optional): what `with` must be — a Standard Schema (zod 3.24+, zod 4, valibot, arktype), any
 *   object with `safeParse` (older zod), or a function that returns the options or throws.
 */
import { randomUUID } from 'node:crypto'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type { HttpHandler } from '../../core/http.ts'

/** The shape of a script's default export: a Filter, optionally given its options. */
export type ScriptFilter = (next: HttpHandler, options: unknown) => HttpHandler

export interface LoadedScript {
  readonly filter: ScriptFilter
  readonly name: string | undefined
  /** `with` after the script's own validation (defaults filled in), or as given when it declares none. */
  readonly options: unknown
  readonly loadedAt: number
}

export const SCRIPT_EXTENSIONS: readonly string[] = ['.ts', '.mts', '.js', '.mjs']

/** Loads and validates a script; rejects with a one-line message (no file name: callers add it). */
export async function loadScript(file: string, given: unknown): Promise<LoadedScript> {
  let namespace: Record<string, unknown>
  try {
    namespace = await importFresh(
      pathToFileURL(file).href,
      pathToFileURL(path.join(path.dirname(file), 'nanoscope-loader.js')).href,
    )
  } catch (error) {
    throw new Error(oneLine(error))
  }
  const exports = moduleExports(namespace)
  const filter = exports.default
  if (filter === undefined)
    throw new Error('has no default export (export default a Filter: (next) => (req) => next(req))')
  if (typeof filter !== 'function')
    throw new Error(
      `its default export is ${describeValue(filter)}, not a Filter function (next) => (req) => next(req)`,
    )
  const name = exports.name
  if (name !== undefined && typeof name !== 'string')
    throw new Error(`its "name" export is ${describeValue(name)}, not a string`)
  const options = await validateOptions(exports.options, given)
  return {
    filter: filter as ScriptFilter,
    name: name === undefined || name === '' ? undefined : name,
    options,
    loadedAt: Date.now(),
  }
}

/**
 * Imports a file in a namespace of its own (a fresh copy of it and of what it imports), with tsx's hooks
 * registered for that import only: left active, each reload's hooks would do their work for every later import
 * in the process (measured: a load took 18 ms at first and 113 ms after 400 saves; unregistered, 65 ms). tsx is imported
 * here, not at the top, so only a process that runs a script loads it (the packaged app too).
 */
async function importFresh(url: string, parentURL: string): Promise<Record<string, unknown>> {
  const [{ register: registerEsm }, { register: registerCjs }] = await Promise.all([
    import('tsx/esm/api'),
    import('tsx/cjs/api'),
  ])
  const namespace = randomUUID()
  const cjs = registerCjs({ namespace })
  const esm = registerEsm({ namespace })
  try {
    return (await esm.import(url, parentURL)) as Record<string, unknown>
  } finally {
    cjs.unregister()
    await esm.unregister()
  }
}

/** A CommonJS-compiled file (a `.js` outside a `"type": "module"` package) arrives as `{ default: module.exports }`. */
function moduleExports(namespace: Record<string, unknown>): Record<string, unknown> {
  const inner = namespace.default
  if (inner && typeof inner === 'object' && ('default' in inner || '__esModule' in inner))
    return inner as Record<string, unknown>
  return namespace
}

interface StandardIssue {
  readonly message: string
  readonly path?: readonly (PropertyKey | { readonly key: PropertyKey })[]
}
type StandardResult =
  | { readonly value: unknown; readonly issues?: undefined }
  | { readonly issues: readonly StandardIssue[] }

async function validateOptions(schema: unknown, given: unknown): Promise<unknown> {
  if (schema === undefined) return given
  const standard = (schema as { '~standard'?: { validate?: unknown } } | null)?.['~standard']
  if (standard && typeof standard.validate === 'function') {
    const result = await (standard.validate as (v: unknown) => StandardResult | Promise<StandardResult>)(given)
    if (result.issues) throw new Error(optionsProblem(result.issues))
    return result.value
  }
  const safeParse = (schema as { safeParse?: unknown } | null)?.safeParse
  if (typeof safeParse === 'function') {
    const result = (
      safeParse as (v: unknown) => { success: boolean; data?: unknown; error?: { issues?: StandardIssue[] } }
    ).call(schema, given)
    if (!result.success) throw new Error(optionsProblem(result.error?.issues ?? [{ message: 'not valid' }]))
    return result.data
  }
  if (typeof schema === 'function') {
    try {
      return await (schema as (v: unknown) => unknown)(given)
    } catch (error) {
      throw new Error(`with: ${oneLine(error)}`)
    }
  }
  throw new Error(
    `its "options" export is ${describeValue(schema)}: export a zod (or other Standard Schema) schema, or a function that returns the options or throws`,
  )
}

function optionsProblem(issues: readonly StandardIssue[]): string {
  return issues
    .map((issue) => {
      const keys = (issue.path ?? []).map((p) => (typeof p === 'object' && p !== null ? p.key : p))
      return `${['with', ...keys.map((k) => (typeof k === 'number' ? `[${k}]` : `.${String(k)}`))].join('').replace('.[', '[')}: ${issue.message}`
    })
    .join('; ')
}

/** An error as one line: esbuild's "Transform failed with 1 error:" and Node's require stacks dropped. */
export function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^Transform failed with \d+ errors?:$/.test(l))
  const cut = lines.findIndex((l) => l.startsWith('Require stack:'))
  return (
    (cut >= 0 ? lines.slice(0, cut) : lines)
      .slice(0, 2)
      .join(' ')
      .replace(/\?namespace=[\w-]+/g, '')
      .replace(/\?tsx-namespace=[\w-]+/g, '') || 'failed'
  )
}

function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`
}
