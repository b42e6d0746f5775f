import { existsSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** Builds the renderer with Vite on first use, so `npm install` then `npm start` is enough. */
export async function ensureRendererBuilt(staticDir: string): Promise<void> {
  if (existsSync(join(staticDir, 'index.html'))) return
  process.stderr.write('building the UI (first run only)…\n')
  const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js')
  const result = spawnSync(
    process.execPath,
    [vite, 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
  )
  if (result.status !== 0) throw new Error('building the UI failed; run `npm run build` to see why')
}
