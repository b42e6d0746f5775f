// The Node flags a command runs under, and the relaunch that applies them (bin/nanoscope.mjs).
//
// The commands that forward traffic without keeping it in memory run with a young generation of at most 4 MB a
// semi-space (V8's default grows to 16 MB). Body bytes live outside the JS heap (Node's parser copies each body
// chunk), and V8 counts external memory allocated since its last full collection against the old generation's
// limit. With a 16 MB semi-space, some 500 exchanges of 64 KiB pass between young collections, so dead body
// bytes pile up to about 32 MB before they are freed, and full mark-compacts follow one another every 50–100 ms
// ("Start (task)" with the old generation nearly empty). A smaller young generation frees them sooner: measured with
// wrk at 64 KiB (see the README's Performance section), no full collections, and p99 about halved. `serve` keeps
// V8's default: it keeps every exchange in its store, and there the smaller young generation measured no better.
// Plain JavaScript: the launcher decides before tsx is loaded. bench/scenarios.ts uses the same flags.
import { spawn } from 'node:child_process'

/** Node flags for the commands that forward traffic and keep none of it (`FORWARDING_COMMANDS`). */
export const FORWARDING_NODE_FLAGS = Object.freeze(['--max-semi-space-size=4'])

/** The commands that run a proxy with no store of exchanges in memory. */
export const FORWARDING_COMMANDS = Object.freeze(['proxy', 'latency', 'sniff', 'chaos', 'run', 'record'])

/** Set in the relaunched process's environment, so it knows a launcher waits on it (and never relaunches again). */
export const LAUNCHED_ENV = 'NANOSCOPE_LAUNCHED'

/**
 * The flags `argv`'s command should run under that this process was not started with: none for other commands,
 * for help, when relaunched already, or where the user set the same option themselves (on node's command line or in
 * NODE_OPTIONS: theirs wins). NANOSCOPE_NODE_FLAGS=off turns the relaunch off.
 */
export function missingNodeFlags(argv, execArgv = process.execArgv, env = process.env) {
  const [command, ...rest] = argv
  if (!FORWARDING_COMMANDS.includes(command)) return []
  if (rest.includes('--help') || rest.includes('-h')) return []
  if (env[LAUNCHED_ENV] !== undefined || env.NANOSCOPE_NODE_FLAGS === 'off') return []
  const given = [...execArgv, ...(env.NODE_OPTIONS ?? '').split(/\s+/)].map(optionName)
  return FORWARDING_NODE_FLAGS.filter((flag) => !given.includes(optionName(flag)))
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
