/**
 * The HTTPS-interception bench part, for bench/run.ts to call: keep-alive HTTPS through the intercepting proxy
 * (CONNECT, TLS to the proxy with a minted leaf, TLS again to an HTTPS upstream) against plain HTTP through the
 * same proxy, measured by the same in-process keep-alive load loop (autocannon cannot use a CONNECT proxy); and
 * the median time to mint a certificate for a new host.
 *
 * Targets: HTTPS ≥ 0.5× plain req/s; median mint < 50 ms. The upstreams and the proxy run in their own processes.
 */
import http from 'node:http'
import https from 'node:https'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startChild } from './child.ts'
import { target, type Target } from './report.ts'
import { ConnectAgent } from '../test/tls/connect-agent.ts'
import { loadOrCreateCa } from '../electron/tls/certificate-authority.ts'
import { leafMinter } from '../electron/tls/leaf-minter.ts'

export interface TlsBenchSettings {
  /** Concurrent keep-alive connections; default 16. */
  readonly connections?: number
  /** Seconds per measurement; default 5. */
  readonly durationS?: number
  /** Seconds of unmeasured load before each measurement; default 1. */
  readonly warmupS?: number
  /** New hosts minted for the mint-time median; default 200. */
  readonly mints?: number
}

export interface TlsBenchResult {
  readonly plainReqPerS: number
  readonly httpsReqPerS: number
  readonly ratio: number
  readonly errors: { readonly plain: number; readonly https: number }
  readonly medianMintMs: number
  readonly targets: readonly Target[]
}

export async function tlsBench(settings: TlsBenchSettings = {}): Promise<TlsBenchResult> {
  const connections = settings.connections ?? 16
  const durationS = settings.durationS ?? 5
  const warmupS = settings.warmupS ?? 1
  const dir = mkdtempSync(join(tmpdir(), 'nanoscope-tls-bench-'))
  const upstream = await startChild<{ httpPort: number; httpsPort: number; caFile: string }>('./tls-child.ts', {
    args: ['upstream', dir],
  })
  try {
    const proxy = await startChild<{ port: number; caPem: string }>('./tls-child.ts', {
      args: ['proxy', dir, upstream.ready.caFile],
    })
    try {
      const proxyUrl = `http://127.0.0.1:${proxy.ready.port}`
      const plainAgent = new http.Agent({ keepAlive: true, maxSockets: connections })
      const plain = (): Promise<void> =>
        fetchBody(
          http.request({
            host: '127.0.0.1',
            port: proxy.ready.port,
            path: `http://127.0.0.1:${upstream.ready.httpPort}/1k`,
            agent: plainAgent,
          }),
        )
      const secureAgent = new ConnectAgent({
        proxy: proxyUrl,
        ca: proxy.ready.caPem,
        keepAlive: true,
        maxSockets: connections,
      })
      const secure = (): Promise<void> =>
        fetchBody(https.request(`https://localhost:${upstream.ready.httpsPort}/1k`, { agent: secureAgent }))
      try {
        await drive(plain, connections, warmupS)
        await drive(secure, connections, warmupS)
        // Interleaved slices, so a load change on the machine hits both sides alike.
        const slices = Math.max(1, Math.round(durationS))
        const plainSlices: Run[] = []
        const httpsSlices: Run[] = []
        for (let i = 0; i < slices; i++) {
          plainSlices.push(await drive(plain, connections, durationS / slices))
          httpsSlices.push(await drive(secure, connections, durationS / slices))
        }
        const plainRun = combine(plainSlices)
        const httpsRun = combine(httpsSlices)
        const medianMintMs = await mintMedian(join(dir, 'mint-ca'), settings.mints ?? 200)
        const ratio = httpsRun.reqPerS / plainRun.reqPerS
        return {
          plainReqPerS: plainRun.reqPerS,
          httpsReqPerS: httpsRun.reqPerS,
          ratio,
          errors: { plain: plainRun.errors, https: httpsRun.errors },
          medianMintMs,
          targets: [
            target('HTTPS through the proxy vs plain HTTP through it (keep-alive, 1k)', ratio, '>=', 0.5, '×'),
            target('median time to mint a certificate for a new host', medianMintMs, '<=', 50, 'ms'),
          ],
        }
      } finally {
        plainAgent.destroy()
        secureAgent.destroy()
      }
    } finally {
      await proxy.stop()
    }
  } finally {
    await upstream.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

interface Run {
  readonly reqPerS: number
  readonly errors: number
  readonly seconds: number
}

function combine(runs: readonly Run[]): Run {
  const seconds = runs.reduce((t, r) => t + r.seconds, 0)
  const requests = runs.reduce((t, r) => t + r.reqPerS * r.seconds, 0)
  return { reqPerS: requests / seconds, errors: runs.reduce((t, r) => t + r.errors, 0), seconds }
}

/** Runs `send` back to back on `connections` lanes for `seconds`; every request is bounded by the agent timeout. */
async function drive(send: () => Promise<void>, connections: number, seconds: number): Promise<Run> {
  const start = performance.now()
  const end = start + seconds * 1000
  let done = 0
  let errors = 0
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < end) {
        try {
          await send()
          done++
        } catch {
          errors++
        }
      }
    }),
  )
  const elapsed = (performance.now() - start) / 1000
  return { reqPerS: done / elapsed, errors, seconds: elapsed }
}

function fetchBody(req: http.ClientRequest, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)))
    req.on('response', (res) => {
      res.on('data', () => {})
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

async function mintMedian(caDir: string, count: number): Promise<number> {
  const minter = await leafMinter(await loadOrCreateCa({ dir: caDir }))
  for (let i = 0; i < 5; i++) await minter.mint(`warm-${i}.bench.example`)
  const times: number[] = []
  for (let i = 0; i < count; i++) {
    const start = performance.now()
    await minter.mint(`host-${i}.bench.example`)
    times.push(performance.now() - start)
  }
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)]!
}
