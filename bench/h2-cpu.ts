/**
 * `node --import tsx bench/h2-cpu.ts [proxy|floor] [requests] [rounds]`: the HTTP/2 proxy's CPU time per request, the
 * figure a shared machine does not move much. h2load (`-c 4 -m 10`, 1 KiB, h2c) sends a fixed number of requests
 * through the proxy (`proxy`: Nanoscope's simple proxy, h2c in and out; `floor`: a bare node:http2 pass-through) to
 * an h2c node:http2 upstream; the proxy process's user + system time over those requests is divided by their number,
 * once per round, after a warm-up round, with the bytes it allocated on the V8 heap per request (steadier still: the
 * neighbours' load does not move it). `H2_CPU_PROF=1` runs the proxy under `--cpu-prof` and names its hot spots.
 */
import { execFile } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { startChild } from './child.ts'
import { summarise } from './profile-summary.ts'

const role = process.argv[2] ?? 'proxy'
const requests = Number(process.argv[3]) || 100_000
const rounds = Number(process.argv[4]) || 3
const profiling = process.env.H2_CPU_PROF === '1'
const dir = fileURLToPath(new URL('./results/profiles/', import.meta.url))

function h2load(url: string, n: number): Promise<{ succeeded: number; reqPerS: number }> {
  return new Promise((resolve, reject) => {
    execFile(
      'h2load',
      ['-c', '4', '-m', '10', '-n', String(n), url],
      { timeout: 300_000, maxBuffer: 1 << 20 },
      (error, stdout) => {
        const rate = /finished in [\d.]+m?s, ([\d.]+) req\/s/.exec(stdout)
        const counts = /requests: \d+ total, \d+ started, \d+ done, (\d+) succeeded/.exec(stdout)
        if (!rate || !counts) reject(new Error(`h2load gave no summary${error ? ` (${error.message})` : ''}`))
        else resolve({ reqPerS: Number(rate[1]), succeeded: Number(counts[1]) })
      },
    )
  })
}

async function main(): Promise<void> {
  mkdirSync(dir, { recursive: true })
  const before = new Set(readdirSync(dir))
  const upstream = await startChild<{ port: number }>('./h2-child.ts', { args: ['upstream'] })
  const proxy = await startChild<{ port: number }>('./h2-child.ts', {
    args: [role, String(upstream.ready.port)],
    nodeFlags: profiling ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [],
  })
  try {
    const url = `http://127.0.0.1:${proxy.ready.port}/1k`
    await h2load(url, Math.min(requests, 20_000))
    for (let round = 0; round < rounds; round++) {
      await proxy.ask<number>('alloc-start')
      const cpuBefore = await proxy.ask<number>('cpu?')
      const run = await h2load(url, requests)
      const cpu = (await proxy.ask<number>('cpu?')) - cpuBefore
      const allocated = await proxy.ask<number>('alloc-stop')
      process.stdout.write(
        `${role}: ${(cpu / requests).toFixed(1)} µs CPU/request, ${(allocated / requests / 1024).toFixed(2)} KiB allocated/request, ${run.reqPerS.toFixed(0)} req/s, ${run.succeeded} of ${requests} succeeded\n`,
      )
    }
  } finally {
    await proxy.stop()
    await upstream.stop()
  }
  if (!profiling) return
  const fresh = readdirSync(dir)
    .filter((f) => !before.has(f) && f.endsWith('.cpuprofile'))
    .map((f) => ({ f, size: statSync(dir + f).size }))
    .sort((a, b) => b.size - a.size)
  for (const { f } of fresh.slice(0, 1))
    process.stdout.write(`profile ${dir}${f}\n${summarise(JSON.parse(readFileSync(dir + f, 'utf8')), 40)}\n`)
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error)
    process.exit(1)
  },
)
