// A child process for the crash tests: records until it is killed with SIGKILL.
//   record <args…>   runs `nanoscope record` (runRecordCommand) with those arguments
//   flood <dir>      appends 200 KiB records as fast as it can, printing "ready" after the first
import { createSession } from '../../electron/recording/session-store.ts'
import { runRecordCommand } from '../../electron/cli/record-commands.ts'
import { exchange } from './support.ts'

const [mode, ...args] = process.argv.slice(2)
if (mode === 'record') {
  await runRecordCommand(args)
} else if (mode === 'flood') {
  const writer = await createSession(args[0]!, { name: 'flood' })
  for (let i = 0; ; i++) {
    await writer.append(exchange({ url: `http://flood.test/${i}`, responseBody: Buffer.alloc(200 * 1024, i % 256) }))
    if (i === 0) process.stdout.write('ready\n')
  }
}
