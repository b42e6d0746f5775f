/**
 * `node --import tsx bench/replay-run.ts [rounds] [count] [micro]`: the replay benchmark on its own, as
 * bench/replay-bench.ts runs it (a session of recorded GET /1k, replayed at max speed, 16 in flight, against
 * bench/upstream.ts in a child process), printing requests/s and the CPU µs per request of the replay itself
 * (reading and writing the session not included). With `micro`, the requests go to an in-memory handler
 * answering as the upstream does, so only the replay's own work (building requests, reading and comparing
 * answers) is measured. Run it with `--cpu-prof` to find the replay's hot spots.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createSession, openSession } from '../electron/recording/session-store.ts'
import { replay } from '../electron/recording/replay.ts'
import type { HttpHandler } from '../electron/core/http.ts'
import { startChild } from './child.ts'
import { ONE_KIB, oneKiBAnswer } from './fake-upstream.ts'

const rounds = Number(process.argv[2] ?? 3)
const count = Number(process.argv[3] ?? 20_000)
const concurrency = Number(process.env.BENCH_REPLAY_CONCURRENCY ?? 16)
const micro = process.argv[4] === 'micro'
/** Answers as bench/upstream.ts does (node:http's headers), after a turn of the event loop. */
const inMemory: HttpHandler = async function answerInMemory() {
  await new Promise((resolve) => setImmediate(resolve))
  return oneKiBAnswer()
}

const upstream = await startChild<{ port: number }>('./upstream.ts')
const url = `http://127.0.0.1:${upstream.ready.port}`
const dir = mkdtempSync(join(tmpdir(), 'nanoscope-replay-run-'))
try {
  const writer = await createSession(dir, { name: 'replay run' })
  const body = ONE_KIB
  for (let i = 0; i < count; i++) {
    void writer.append({
      startedAt: 1_700_000_000_000 + i,
      durationMs: 1,
      waitMs: 1,
      request: {
        method: 'GET',
        url: `${url}/1k`,
        version: '1.1',
        headers: [['Host', new URL(url).host]],
        body: new Uint8Array(0),
      },
      response: {
        status: 200,
        reason: 'OK',
        version: '1.1',
        headers: [
          ['Content-Type', 'text/plain; charset=utf-8'],
          ['Content-Length', String(body.length)],
        ],
        body,
      },
    })
  }
  await writer.close()
  const { records } = await openSession(dir)
  for (let r = 0; r < rounds; r++) {
    const cpu0 = process.cpuUsage()
    const report = await replay(records, {
      speed: Infinity,
      concurrency,
      timeoutMs: 120_000,
      ...(micro ? { send: inMemory } : {}),
    })
    const cpu = process.cpuUsage(cpu0)
    const sent = report.total - report.counts['not-sent']
    process.stdout.write(
      `round ${r + 1}: ${sent} sent in ${report.elapsedMs.toFixed(0)} ms, ${(sent / (report.elapsedMs / 1000)).toFixed(0)}/s, ${report.counts.same} same; ` +
        `${((cpu.user + cpu.system) / sent).toFixed(1)} µs CPU per request\n`,
    )
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
  await upstream.stop()
}
