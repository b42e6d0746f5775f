/**
 * Flag parsing for every command, on node's `util.parseArgs` (strict): `--name value`, `--name=value`,
 * boolean `--flag`. Unknown flags, a missing value (`--port` at the end, or `--port --host`), a value given
 * to a boolean and stray arguments are usage errors (exit 2) with a one-line message, so a typo never
 * silently does something else. A value starting with `-` is written `--seed=-5`.
 */
import { parseArgs } from 'node:util'
import { editDistance } from '../core/matching/edit-distance.ts'

export class UsageError extends Error {}

/** `list` is repeatable and comma-separated: `--match-header a --match-header b,c` gives `['a', 'b', 'c']`. */
export type FlagSpec = Record<string, 'string' | 'boolean' | 'port' | 'int' | 'list'>
export type Flags = Record<string, string | boolean | number | string[] | undefined>

export function parseFlags(argv: readonly string[], spec: FlagSpec): Flags {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = {}
  for (const [name, kind] of Object.entries(spec)) {
    options[name] =
      kind === 'boolean'
        ? { type: 'boolean' }
        : kind === 'list'
          ? { type: 'string', multiple: true }
          : { type: 'string' }
  }
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>
  try {
    values = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values
  } catch (error) {
    throw new UsageError(explain(error as NodeJS.ErrnoException, spec))
  }
  const flags: Flags = {}
  for (const [name, value] of Object.entries(values)) {
    const kind = spec[name]
    if (value === undefined || kind === undefined) continue
    if (kind === 'boolean') flags[name] = value === true
    else if (kind === 'list')
      flags[name] = (value as string[])
        .flatMap((v) => v.split(','))
        .map((v) => v.trim())
        .filter(Boolean)
    else {
      const text = value as string
      if (text === '') throw new UsageError(`--${name} needs a value`)
      flags[name] = kind === 'string' ? text : whole(name, text, kind === 'port' ? 65535 : Number.MAX_SAFE_INTEGER)
    }
  }
  for (const [name, kind] of Object.entries(spec)) {
    if (kind === 'list' && Array.isArray(flags[name]) && (flags[name] as string[]).length === 0)
      throw new UsageError(`--${name} needs a value`)
  }
  return flags
}

function whole(name: string, text: string, max: number): number {
  const n = Number(text)
  if (!Number.isInteger(n) || n < 0 || n > max) {
    throw new UsageError(`--${name} must be a whole number${max === 65535 ? ' from 0 to 65535' : ''}, got "${text}"`)
  }
  return n
}

/** Turns util.parseArgs' errors (several lines, node's wording) into one line in ours. */
function explain(error: NodeJS.ErrnoException, spec: FlagSpec): string {
  const quoted = /'([^' ]+)/.exec(error.message)?.[1] ?? ''
  const name = quoted.replace(/^-+/, '')
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const near = nearest(name, Object.keys(spec))
      return `unknown flag ${quoted}${near ? ` (did you mean --${near}?)` : ''}`
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (spec[name] === 'boolean') return `--${name} takes no value`
      return /ambiguous/.test(error.message)
        ? `--${name} needs a value, not another flag (write --${name}=VALUE for one starting with "-")`
        : `--${name} needs a value`
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument "${quoted}"`
    default:
      return error.message.split('\n')[0] ?? 'bad arguments'
  }
}

/** The closest name within two edits (or the only one it starts), for "did you mean". */
export function nearest(word: string, names: readonly string[]): string | undefined {
  let best: { name: string; d: number } | undefined
  for (const name of names) {
    const d = name.startsWith(word) && word.length >= 2 ? 1 : editDistance(word, name)
    if (d <= 2 && (!best || d < best.d)) best = { name, d }
  }
  return best?.name
}

export function checkUrl(flag: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  try {
    const url = new URL(value)
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error()
    return value
  } catch {
    throw new UsageError(`--${flag} must be an http:// or https:// URL, got "${value}"`)
  }
}
