/**
 * Runs `runChaosCommand` as its own process with the CLI's stop rule (SIGINT/SIGTERM stop, then exit 0), so the
 * command can be tested before and apart from its wiring into electron/cli/main.ts.
 */
import { runChaosCommand } from '../../electron/cli/chaos-command.ts'

const running = await runChaosCommand(process.argv.slice(2))
const stop = (): void => { void running.stop().finally(() => process.exit(0)) }
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
