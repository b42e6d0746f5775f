// Where the Artillery that the tests run lives (test/install-artillery.mjs puts it there).
import { homedir } from 'node:os'
import { join } from 'node:path'

/** @returns {string} */
export function artilleryCache() {
  return (
    process.env.NANOSCOPE_ARTILLERY_CACHE ||
    join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'nanoscope-artillery')
  )
}

/** @param {string} dir @returns {string} */
export function artilleryBin(dir = artilleryCache()) {
  return join(dir, 'node_modules', 'artillery', 'bin', 'run')
}
