/** A folder for user scripts that can import `zod` and `nanoscope`'s types, as a user's project would after `npm i`. */
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))

export interface ScriptDir {
  readonly dir: string
  /** Writes a file in one step. */
  write(name: string, content: string): void
  remove(): void
}

export function scriptDir(): ScriptDir {
  const dir = mkdtempSync(path.join(tmpdir(), 'nanoscope-scripts-'))
  const modules = path.join(dir, 'node_modules')
  mkdirSync(modules)
  symlinkSync(REPO_ROOT, path.join(modules, 'nanoscope'), 'dir')
  symlinkSync(path.join(REPO_ROOT, 'node_modules', 'zod'), path.join(modules, 'zod'), 'dir')
  symlinkSync(path.join(REPO_ROOT, 'node_modules', '@types'), path.join(modules, '@types'), 'dir')
  return {
    dir,
    write(name, content) {
      const full = path.join(dir, name)
      mkdirSync(path.dirname(full), { recursive: true })
      // Written beside and renamed over, as most editors' safe save does: the watcher must follow a replaced file.
      writeFileSync(`${full}.saving`, content)
      renameSync(`${full}.saving`, full)
    },
    remove() {
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
