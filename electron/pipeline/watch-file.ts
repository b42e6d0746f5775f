/** Follows a file as it is saved, for `run` and `serve --pipeline`. */
import { watch, type FSWatcher } from 'node:fs'
import path from 'node:path'

/** A save is applied once the file has been quiet this long (editors write in several steps). */
export const RELOAD_SETTLE_MS = 150

/** Calls `changed` after each save settles. Watches the folder, since many editors save by replacing the file. */
export function watchFile(file: string, say: (line: string) => void, changed: () => Promise<void>): FSWatcher {
  const full = path.resolve(file)
  let timer: NodeJS.Timeout | undefined
  let running = Promise.resolve()
  const watcher = watch(path.dirname(full), (_event, name) => {
    if (name !== null && name !== path.basename(full)) return
    clearTimeout(timer)
    timer = setTimeout(() => {
      running = running.then(changed).catch((error: Error) => say(`${file}: reload failed: ${error.message}`))
    }, RELOAD_SETTLE_MS)
  })
  // A folder removed or unreadable ends the watching, not the process.
  watcher.on('error', (error) => say(`${file}: no longer followed (${error.message})`))
  watcher.unref()
  return watcher
}
