/**
 * A small, strict flag parser: `--name value`, `--name=value` and boolean `--flag`. Unknown flags are
 * usage errors (exit code 2), so a typo never silently does something else.
 */
export class UsageError extends Error {}

export type FlagSpec = Record<string, 'string' | 'boolean' | 'port' | 'int'>
export type Flags = Record<string, string | boolean | number | undefined>

export function parseFlags(argv: readonly string[], spec: FlagSpec): Flags {
  const flags: Flags = {}
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument "${arg}"`)
    const eq = arg.indexOf('=')
    const name = arg.slice(2, eq < 0 ? undefined : eq)
    const kind = spec[name]
    if (!kind) throw new UsageError(`unknown flag --${name}`)
    if (kind === 'boolean') {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`)
      flags[name] = true
      continue
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i]
    if (value === undefined || value === '') throw new UsageError(`--${name} needs a value`)
    if (kind === 'port' || kind === 'int') {
      const n = Number(value)
      const max = kind === 'port' ? 65535 : Number.MAX_SAFE_INTEGER
      if (!Number.isInteger(n) || n < 0 || n > max) throw new UsageError(`--${name} must be a whole number${kind === 'port' ? ' from 0 to 65535' : ''}, got "${value}"`)
      flags[name] = n
    } else flags[name] = value
  }
  return flags
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
