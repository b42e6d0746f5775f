/**
 * `nanoscope sessions list [DIR | s3://bucket/prefix] [--json]`: each session's location, start time, exchange
 * count and size, one a line (or a JSON array for scripts).
 */
import { listSessionsAt } from '../recording/session-location.ts'
import { sessionsRoot } from '../recording/data-dir.ts'
import { parseFlags, UsageError, type FlagSpec } from './args.ts'

export const SESSIONS_FLAGS: FlagSpec = { json: 'boolean' }

export async function runSessionsCommand(argv: readonly string[]): Promise<void> {
  const [action, ...rest] = argv
  if (action !== 'list')
    throw new UsageError(`sessions needs "list", got ${action === undefined ? 'nothing' : `"${action}"`}`)
  const where = rest[0] !== undefined && !rest[0].startsWith('--') ? rest[0] : undefined
  const flags = parseFlags(where === undefined ? rest : rest.slice(1), SESSIONS_FLAGS)
  const root = where ?? sessionsRoot()
  const sessions = await listSessionsAt(root)
  if (flags.json === true) {
    process.stdout.write(JSON.stringify(sessions, null, 2) + '\n')
    return
  }
  if (sessions.length === 0) process.stderr.write(`no sessions in ${root}\n`)
  for (const s of sessions) {
    process.stdout.write(
      `${s.dir}  ${s.created || '-'}  ${s.count} exchange${s.count === 1 ? '' : 's'}  ${formatBytes(s.sizeBytes)}${s.problem ? `  (${s.problem})` : ''}\n`,
    )
  }
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`
  return `${(n / 1024 ** 3).toFixed(1)} GiB`
}
