/**
 * Where Nanoscope keeps its files (sessions, the local CA) by default: `$NANOSCOPE_HOME`, else the platform's
 * per-user data directory (XDG_DATA_HOME/nanoscope or ~/.local/share/nanoscope on Linux, ~/Library/Application
 * Support/Nanoscope on macOS, %APPDATA%\Nanoscope on Windows).
 */
import { homedir } from 'node:os'
import { join, win32 } from 'node:path'

export interface DataDirContext {
  readonly env: Readonly<Record<string, string | undefined>>
  readonly platform: NodeJS.Platform
  readonly home: string
}

const here = (): DataDirContext => ({ env: process.env, platform: process.platform, home: homedir() })

export function dataDir(context: DataDirContext = here()): string {
  const { env, platform, home } = context
  if (env.NANOSCOPE_HOME) return env.NANOSCOPE_HOME
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Nanoscope')
  if (platform === 'win32') return win32.join(env.APPDATA ?? win32.join(home, 'AppData', 'Roaming'), 'Nanoscope')
  return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'nanoscope')
}
