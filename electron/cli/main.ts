/**
 * The `nanoscope` command line: every nanoservice runs headless from here.
 * Exit codes: 0 after a clean stop on SIGINT/SIGTERM, 1 for a runtime failure (a port in use), 2 for usage.
 */
import { UsageError } from './args.ts'
import { USAGE } from './usage.ts'
import { runProxyCommand } from './proxy-commands.ts'
import type { Running } from './running.ts'
import { tuneGarbageCollection } from '../proxy/gc-tuning.ts'

/** A server command resolves with what SIGINT/SIGTERM stops; a one-shot command resolves with nothing. */
type Command = (argv: readonly string[]) => Promise<Running | void>

const COMMANDS: Record<string, Command> = {
  proxy: (a) => runProxyCommand('proxy', a),
  latency: (a) => runProxyCommand('latency', a),
  sniff: (a) => runProxyCommand('sniff', a),
  chaos: async (a) => (await import('./chaos-command.ts')).runChaosCommand(a),
  static: async (a) => (await import('./static-command.ts')).runStaticCommand(a),
  clock: async (a) => (await import('./clock-command.ts')).runClockCommand(a),
  record: async (a) => (await import('./record-commands.ts')).runRecordCommand(a),
  replay: async (a) => (await import('./record-commands.ts')).runReplayCommand(a),
  standin: async (a) => (await import('./record-commands.ts')).runStandinCommand(a),
  har: async (a) => (await import('./record-commands.ts')).runHarCommand(a),
  ca: async (a) => (await import('./ca-command.ts')).runCaCommand(a),
  run: async (a) => (await import('./run-command.ts')).runRunCommand(a),
  serve: async (a) => (await import('../web/serve-command.ts')).runServeCommand(a),
}

export async function main(argv: readonly string[]): Promise<void> {
  const [name, ...rest] = argv
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    process[name === undefined ? 'stderr' : 'stdout'].write(USAGE)
    process.exitCode = name === undefined ? 2 : 0
    return
  }
  const command = COMMANDS[name]
  if (!command) return usageError(`unknown command "${name}"`)
  tuneGarbageCollection()
  // Signals are handled from the start, so a SIGTERM right after the "listening" line still exits 0 cleanly.
  let running: Running | void
  let stopRequested = false
  const stop = () => {
    if (stopRequested) return
    stopRequested = true
    if (running === undefined) return // the command is still starting: it stops as soon as it has started
    const force = setTimeout(() => process.exit(0), 3000)
    force.unref()
    running.stop().finally(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  try {
    running = await command(rest)
  } catch (error) {
    if (error instanceof UsageError) return usageError(error.message)
    const e = error as NodeJS.ErrnoException
    process.stderr.write(`nanoscope ${name}: ${e.message}\n`)
    process.exit(1)
  }
  if (!running) {
    process.off('SIGINT', stop)
    process.off('SIGTERM', stop)
    return
  }
  if (stopRequested) {
    stopRequested = false
    stop()
  }
}

function usageError(message: string): void {
  process.stderr.write(`nanoscope: ${message}\n\n${USAGE}`)
  process.exitCode = 2
}
