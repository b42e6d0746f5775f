/**
 * Issue 5's replay benchmark: a session of REPLAY_COUNT recorded GETs (written with the real session writer)
 * replayed at max speed against the local upstream, through the real replay (Node client, comparison of every
 * answer). Target: at least 5,000 requests/s. Runs in the bench's main process; the upstream is its own.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createSession } from '../electron/recording/session-store.ts'
import { replaySession } from '../electron/recording/sessions-api.ts'
import { target, type Target } from './report.ts'

const REPLAY_COUNT = Number(process.env.BENCH_REPLAY_COUNT ?? 20_000)
// 16 in flight sent more per second here than 32 or 64 (the upstream and the replay share two cores).
const CONCURRENCY = Number(process.env.BENCH_REPLAY_CONCURRENCY ?? 16)

export interface ReplayBenchResult {
  readonly sent: number
  readonly same: number
  readonly elapsedMs: number
  readonly perS: number
  readonly concurrency: number
  readonly targets: Target[]
}

export async function replayBench(upstreamUrl: string): Promise<ReplayBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'nanoscope-replay-bench-'))
  try {
    const writer = await createSession(dir, { name: 'replay bench' })
    const body = Buffer.alloc(1024, 'abcdefghijklmnopqrstuvwxyz0123456789\n')
    const host = new URL(upstreamUrl).host
    for (let i = 0; i < REPLAY_COUNT; i++) {
      void writer.append({
        startedAt: 1_700_000_000_000 + i,
        durationMs: 1,
        waitMs: 1,
        request: {
          method: 'GET',
          url: `${upstreamUrl}/1k`,
          version: '1.1',
          headers: [['Host', host]],
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
    const report = await replaySession(dir, { speed: Infinity, concurrency: CONCURRENCY, timeoutMs: 120_000 })
    const sent = report.total - report.counts['not-sent']
    const perS = sent / (report.elapsedMs / 1000)
    return {
      sent,
      same: report.counts.same,
      elapsedMs: report.elapsedMs,
      perS,
      concurrency: CONCURRENCY,
      targets: [
        target(
          'replay at max speed to a local upstream, requests/s',
          perS,
          '>=',
          5000,
          '/s',
          `${report.counts.same} of ${REPLAY_COUNT} answered the same`,
        ),
      ],
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
