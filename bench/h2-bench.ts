/**
 * The HTTP/2 bench part, for bench/run.ts to call: h2load (nghttp2's load generator) with 4 connections of 10
 * concurrent streams each (`-c 4 -m 10`), small (1 KiB) responses, h2c with prior knowledge: straight to an h2c
 * upstream, then through Nanoscope's proxy (h2c in, h2c out) to the same upstream. Each is run `rounds` times,
 * alternating, and the target is the median of the rounds' ratios, as the other paired targets are.
 *
 * Target: through the proxy ≥ 0.5× direct req/s, every request succeeded. The upstream and the proxy run in their
 * own processes; without h2load on PATH the part is skipped, saying so.
 *
 * Beside them, the floor: a bare node:http2 pass-through (`h2-child.ts floor`: server stream to client session
 * request, bodies piped, nothing else), measured the same way in the same rounds, so the report says how much of
 * the distance to the target is node:http2's own and how much is Nanoscope's.
 */
import { execFile } from 'node:child_process'
import { startChild } from './child.ts'
import { target, type Target } from './report.ts'

export interface H2BenchResult {
  readonly directReqPerS: number
  readonly proxiedReqPerS: number
  readonly ratio: number
  readonly failed: { readonly direct: number; readonly proxied: number }
  /** The proxy's CPU time (user + system) per proxied request: steadier than req/s on a shared machine. */
  readonly proxyCpuUsPerReq: number
  /** The bare node:http2 pass-through: best round's req/s, median ratio to direct, CPU per request. */
  readonly floor: { readonly reqPerS: number; readonly ratio: number; readonly cpuUsPerReq: number }
  readonly targets: readonly Target[]
}

interface H2loadRun {
  readonly reqPerS: number
  readonly succeeded: number
  readonly total: number
}

/** Runs h2load for `durationS` seconds against `url`, bounded. */
function h2load(url: string, durationS: number): Promise<H2loadRun> {
  return new Promise((resolve, reject) => {
    execFile(
      'h2load',
      ['-c', '4', '-m', '10', '-D', String(durationS), '--warm-up-time', '1', url],
      { timeout: (durationS + 30) * 1000, maxBuffer: 1 << 20 },
      (error, stdout) => {
        const rate = /finished in [\d.]+m?s, ([\d.]+) req\/s/.exec(stdout)
        const counts = /requests: (\d+) total, \d+ started, \d+ done, (\d+) succeeded/.exec(stdout)
        if (!rate || !counts) {
          reject(new Error(`h2load gave no summary${error ? ` (${error.message})` : ''}: ${stdout.slice(-400)}`))
          return
        }
        resolve({ reqPerS: Number(rate[1]), total: Number(counts[1]), succeeded: Number(counts[2]) })
      },
    )
  })
}

export async function h2Bench(settings: { durationS?: number; rounds?: number } = {}): Promise<H2BenchResult> {
  const durationS = settings.durationS ?? 5
  const rounds = settings.rounds ?? 3
  const upstream = await startChild<{ port: number }>('./h2-child.ts', { args: ['upstream'] })
  try {
    const proxy = await startChild<{ port: number }>('./h2-child.ts', { args: ['proxy', String(upstream.ready.port)] })
    const floorProxy = await startChild<{ port: number }>('./h2-child.ts', {
      args: ['floor', String(upstream.ready.port)],
    })
    try {
      const direct: H2loadRun[] = []
      const proxied: H2loadRun[] = []
      const floor: H2loadRun[] = []
      let proxyCpuUs = 0
      let floorCpuUs = 0
      const all = ['direct', 'proxied', 'floor'] as const
      for (let round = 0; round < rounds; round++) {
        // Rotate which goes first, so a drift in the machine's speed is shared.
        const order = [...all.slice(round % 3), ...all.slice(0, round % 3)]
        for (const which of order) {
          const child = which === 'proxied' ? proxy : which === 'floor' ? floorProxy : undefined
          const port = child ? child.ready.port : upstream.ready.port
          const cpuBefore = child ? await child.ask<number>('cpu?') : 0
          const run = await h2load(`http://127.0.0.1:${port}/1k`, durationS)
          const cpu = child ? (await child.ask<number>('cpu?')) - cpuBefore : 0
          if (which === 'proxied') proxyCpuUs += cpu
          if (which === 'floor') floorCpuUs += cpu
          ;(which === 'direct' ? direct : which === 'proxied' ? proxied : floor).push(run)
        }
      }
      const median = (runs: H2loadRun[]): number => {
        const ratios = direct.map((d, i) => runs[i]!.reqPerS / d.reqPerS).sort((a, b) => a - b)
        return ratios[Math.floor(ratios.length / 2)]!
      }
      const ratio = median(proxied)
      const requestsOf = (runs: H2loadRun[]): number =>
        Math.max(
          1,
          runs.reduce((n, r) => n + r.total, 0),
        )
      const failedOf = (runs: H2loadRun[]): number => runs.reduce((n, r) => n + (r.total - r.succeeded), 0)
      const failed = { direct: failedOf(direct), proxied: failedOf(proxied) }
      const best = (runs: H2loadRun[]): number => Math.max(...runs.map((r) => r.reqPerS))
      return {
        directReqPerS: best(direct),
        proxiedReqPerS: best(proxied),
        ratio,
        failed,
        proxyCpuUsPerReq: proxyCpuUs / requestsOf(proxied),
        floor: { reqPerS: best(floor), ratio: median(floor), cpuUsPerReq: floorCpuUs / requestsOf(floor) },
        targets: [
          target(
            'HTTP/2 (h2load -c 4 -m 10, 1 KiB, h2c) through the proxy vs direct',
            ratio,
            '>=',
            0.5,
            '×',
            `median of ${rounds} rounds; ${failed.proxied} of ${proxied.reduce((n, r) => n + r.total, 0)} proxied requests failed`,
          ),
          target('HTTP/2 requests that failed through the proxy', failed.proxied, '<=', 0),
        ],
      }
    } finally {
      await floorProxy.stop()
      await proxy.stop()
    }
  } finally {
    await upstream.stop()
  }
}
