// A child process for replay-exit.test.ts: replays two records through an in-memory server with a deadline of two
// minutes, prints what the report counted, and then has nothing left to do: it must exit on its own, at once.
import { response } from '../../electron/core/message.ts'
import { replay } from '../../electron/recording/replay.ts'
import { exchange } from './support.ts'

const report = await replay([exchange(), exchange({ url: 'http://example.com/b' })], {
  timeoutMs: 120_000,
  speed: Infinity,
  send: async () => response(200, { headers: [['Content-Type', 'text/plain']], body: '' }),
})
process.stdout.write(`replayed ${report.total}: ${JSON.stringify(report.counts)}\n`)
