// The Node flags a command runs under, and the relaunch that applies them (bin/nanoscope.mjs).
//
// Body bytes live outside the JS heap (Node's parser copies each body chunk), and V8 counts external memory allocated
// since its last full collection against the old generation's limit. A proxy's old generation is small and grows
// slowly, so V8 sets that limit close above it, and with large bodies the dead body bytes waiting for the next young
// collection (some 500 exchanges of 64 KiB with the default 16 MB semi-space) reach it again right after each full
// collection: mark-compacts back to back, every 40–100 ms ("Start (task)" in `--trace-incremental-marking`), for
// seconds. So the proxies, `serve` among them, start node again with
// - `--initial-old-space-size`: the old generation's limit never goes below it (64 MB; `serve` 128 MB, its store
//   being larger), so there is room for those bytes between full collections;
// - for the forwarding commands, which keep nothing, `--max-semi-space-size=4` as well: young collections come
//   sooner and free the dead bytes sooner. `serve`, which keeps every exchange in its store, measured no better with it.
// Measured with wrk at 64 KiB and 1 KiB (see the README's Performance section): with them, 0 to 2 full collections in
// 8 s of 64 KiB where there were 4 to 76, p99 about halved, and serve's RSS after 100,000 exchanges of 64 KiB unchanged
// (285–289 MB). Plain JavaScript: the launcher decides before tsx is loaded. bench/scenarios.ts and
// bench/serve-process.ts start their processes with the same flags.
import { spawn } from 'node:child_process'

/** Node flags for the commands that forward traffic and keep none of it (`FORWARDING_COMMANDS`). */
export const FORWARDING_NODE_FLAGS = Object.freeze(['--max-semi-space-size=4', '--initial-old-space-size=64'])

/** The commands that run a proxy with no store of exchanges in memory. */
const FORWARDING_COMMANDS = Object.freeze(['proxy', 'latency', 'sniff', 'chaos', 'run', 'record'])

/** Node flags for `serve`, which keeps the exchanges it shows in a store. */
export const SERVE_NODE_FLAGS = Object.freeze(['--initial-old-space-size=128'])

/** The Node flags `command` runs under: none but for the proxies (`static`, `clock`, `standin` keep V8's defaults). */
function nodeFlagsFor(command) {
  if (FORWARDING_COMMANDS.includes(command)) return FORWARDING_NODE_FLAGS
  if (command === 'serve') return SERVE_NODE_FLAGS
  return []
}

/** Set in the relaunched process's environment, so it knows a launcher waits on it (and never relaunches again). */
export const LAUNCHED_ENV = 'NANOSCOPE_LAUNCHED'

/**
 * The flags `argv`'s command should run under (`nodeFlagsFor`) that this process was not started with: none for
 * other commands, for help, when relaunched already, under the inspector (`--inspect…`), or where the user set the
 * same option themselves (on node's command line or in NODE_OPTIONS: theirs wins). NANOSCOPE_NODE_FLAGS=off turns the
 * relaunch off.
 */
export function missingNodeFlags(argv, execArgv = process.execArgv, env = process.env) {
  const [command, ...rest] = argv
  const flags = nodeFlagsFor(command)
  if (flags.length === 0 || rest.includes('--help') || rest.includes('-h')) return []
  if (env[LAUNCHED_ENV] !== undefined || env.NANOSCOPE_NODE_FLAGS === 'off') return []
  const given = [...execArgv, ...(env.NODE_OPTIONS ?? '').split(/\s+/)].map(optionName)
  // Under a debugger both processes would ask for the inspector's port, and the one to debug would not get it.
  if (given.some((name) => name.startsWith('--inspect'))) return []
  return flags.filter((flag) => !given.includes(optionName(flag)))
}

/** `--max-semi-space-size=4` → `--max-semi-space-size`; V8 takes `_` for `-` in names. */
function optionName(flag) {
  return flag.split('=')[0].replaceAll('_', '-')
}

/**
 * Runs `script` with `argv` again in a new Node process started with `flags` (and this one's own flags), and lives
 * only to stand for it: SIGINT, SIGTERM and SIGHUP are passed on, and this process exits as the new one does, with
 * its code or by its signal. An IPC channel tells the new process if this one dies first (a SIGKILL): it then stops
 * as on SIGTERM (`followLauncher`), so no proxy is left running without its launcher.
 */
export function relaunch(script, argv, flags) {
  const child = spawn(process.execPath, [...flags, ...process.execArgv, script, ...argv], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, [LAUNCHED_ENV]: String(process.pid) },
  })
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP']
  const pass = (signal) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal)
  }
  for (const signal of signals) process.on(signal, pass)
  child.on('error', (error) => {
    process.stderr.write(`nanoscope: could not start node again with ${flags.join(' ')}: ${error.message}\n`)
    process.exit(1)
  })
  child.on('exit', (code, signal) => {
    for (const s of signals) process.off(s, pass)
    if (signal) process.kill(process.pid, signal)
    else process.exit(code ?? 1)
  })
}

/**
 * In a relaunched process: stop as on SIGTERM if the launcher goes away first. The channel is the launcher's only
 * link, so it must not keep this process alive by itself.
 */
export function followLauncher(env = process.env) {
  if (env[LAUNCHED_ENV] === undefined || !process.channel) return
  process.channel.unref()
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'))
}
