/**
 * Where sessions live by default: the `sessions/` folder of the data directory (platform/data-dir.ts, which the
 * local CA shares).
 */
import { join, win32 } from 'node:path'
import { dataDir, type DataDirContext } from '../platform/data-dir.ts'

export { dataDir, type DataDirContext } from '../platform/data-dir.ts'

export function sessionsRoot(context?: DataDirContext): string {
  const base = dataDir(context)
  return context?.platform === 'win32' ? win32.join(base, 'sessions') : join(base, 'sessions')
}
