// Runs one of the record-and-replay commands the way electron/cli/main.ts runs commands (for the CLI tests,
// independent of main's wiring): usage errors exit 2, failures 1, servers stop on SIGTERM.
import { UsageError } from '../../electron/cli/args.ts'
import {
  runHarCommand,
  runRecordCommand,
  runReplayCommand,
  runStandinCommand,
} from '../../electron/cli/record-commands.ts'

const COMMANDS = { record: runRecordCommand, replay: runReplayCommand, standin: runStandinCommand, har: runHarCommand }
const [name, ...rest] = process.argv.slice(2)
const command = COMMANDS[name as keyof typeof COMMANDS]
try {
  const running = await command(rest)
  if (running)
    process.on('SIGTERM', () => {
      void running.stop().finally(() => process.exit(0))
    })
} catch (error) {
  process.stderr.write(`nanoscope ${name}: ${(error as Error).message}\n`)
  process.exit(error instanceof UsageError ? 2 : 1)
}
