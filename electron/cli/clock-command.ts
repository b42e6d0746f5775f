import { websocketClock } from '../apps/websocket-clock.ts'
import { mountApp } from '../proxy/mount-app.ts'
import { parseFlags, UsageError, type FlagSpec } from './args.ts'
import { warnIfNotLoopback, type Running } from './running.ts'

export const CLOCK_FLAGS: FlagSpec = { host: 'string', port: 'port', interval: 'int' }

export const CLOCK_DEFAULT_PORT = 8001

/** `nanoscope clock [--host H] [--port N] [--interval 1000]`: the ticking websocket clock (seed app 6). */
export async function runClockCommand(argv: readonly string[]): Promise<Running> {
  const flags = parseFlags(argv, CLOCK_FLAGS)
  const host = (flags.host as string | undefined) ?? '127.0.0.1'
  const interval = (flags.interval as number | undefined) ?? 1000
  if (interval < 1) throw new UsageError(`--interval must be at least 1 (milliseconds), got ${interval}`)
  const app = websocketClock(interval)
  const mounted = await mountApp(app, { host, port: (flags.port as number | undefined) ?? CLOCK_DEFAULT_PORT })
  process.stdout.write(`nanoscope clock listening on ${mounted.server.url}\n`)
  process.stdout.write(
    `websocket clients: connect to ${mounted.server.url.replace(/^http:/, 'ws:')}/ for the time every ${interval} ms\n`,
  )
  warnIfNotLoopback(host)
  return {
    stop: async () => {
      app.close() // close frames (1001) first, so clients hear why; then the server
      await mounted.stop()
    },
  }
}
