/**
 * The `nanoscope` command line: every nanoservice runs headless from here.
 * Exit codes: 0 after a clean stop on SIGINT/SIGTERM, 1 for a runtime failure (a port in use), 2 for usage.
 */
import { readFileSync } from 'node:fs'
import { nearest, UsageError } from './args.ts'
import { helpFor, OVERVIEW, USAGE } from './usage.ts'
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
  export: async (a) => (await import('./export-command.ts')).runExportCommand(a),
  sessions: async (a) => (await import('./sessions-command.ts')).runSessionsCommand(a),
  ca: async (a) => (await import('./ca-command.ts')).runCaCommand(a),
  run: async (a) => (await import('./run-command.ts')).runRunCommand(a),
  serve: async (a) => (await import('./serve-command.ts')).runServeCommand(a),
}

/** Every command's name; each has a usage entry in usage.ts (a test checks). */
export const COMMAND_NAMES: readonly string[] = Object.keys(COMMANDS)

export async function main(argv: readonly string[]): Promise<void> {
  const [name, ...rest] = argv
  if (name === undefined) {
    // A bare `nanoscope` is how many first meet the tool: the list of commands, on stderr, exit 2.
    process.stderr.write(OVERVIEW)
    process.exitCode = 2
    return
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    process.stdout.write(`nanoscope ${version()}\n`)
    return
  }
  if (name === 'help' || name === '--help' || name === '-h') {
    const topic = rest[0]
    if (topic === undefined) process.stdout.write(OVERVIEW)
    else if (topic === 'all') process.stdout.write(USAGE)
    else {
      const help = helpFor(topic)
      if (help === undefined) return usageError(undefined, `no command "${topic}"${didYouMean(topic)}`)
      process.stdout.write(help)
    }
    return
  }
  const command = COMMANDS[name]
  if (!command) return usageError(undefined, `unknown command "${name}"${didYouMean(name)}`)
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(helpFor(name) ?? OVERVIEW)
    return
  }
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
    if (error instanceof UsageError) return usageError(name, error.message)
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

/** A usage error is a few lines on stderr, what was wrong and where to read more, and exit code 2. */
function usageError(command: string | undefined, message: string): void {
  const where =
    command !== undefined && helpFor(command) !== undefined ? `nanoscope ${command} --help` : 'nanoscope --help'
  process.stderr.write(`nanoscope${command ? ` ${command}` : ''}: ${message}\nsee ${where}\n`)
  process.exitCode = 2
}

function didYouMean(name: string): string {
  const near = nearest(name, Object.keys(COMMANDS))
  return near ? ` (did you mean "${near}"?)` : ''
}

/** The version in package.json, two folders up from this file (the sources, or the built app's root). */
function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string })
      .version
  } catch {
    return 'unknown'
  }
}
