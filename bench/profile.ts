/**
 * `node --import tsx bench/profile.ts [scenario] [size]`: runs one scenario's proxy process under `--cpu-prof`
 * while autocannon loads it (BENCH_DURATION seconds, default 5), then prints the functions with the most self
 * time and the most inclusive time, so the hot spots have names. Profiles go to bench/results/profiles/.
 * BENCH_CONNECTIONS (default 32) sets the load's connections (1: the latency path).
 */
import { readdirSync, readFileSync, statSync, mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { startChild } from './child.ts'
import { measure, warmUp } from './load.ts'
import { startScenario, type ScenarioName } from './scenarios.ts'
import { summarise, type Profile } from './profile-summary.ts'

const scenario = (process.argv[2] ?? 'nanoscope-capture') as ScenarioName
const size = process.argv[3] ?? '1k'
const durationS = Number(process.env.BENCH_DURATION) || 5
const dir = fileURLToPath(new URL('./results/profiles/', import.meta.url))
mkdirSync(dir, { recursive: true })

async function main(): Promise<void> {
  const before = new Set(readdirSync(dir))
  const upstream = await startChild<{ port: number }>('./upstream.ts')
  const running = await startScenario(scenario, `http://127.0.0.1:${upstream.ready.port}`, [
    '--cpu-prof',
    `--cpu-prof-dir=${dir}`,
  ])
  const load = { connections: Number(process.env.BENCH_CONNECTIONS) || 32, pipelining: 1, durationS }
  try {
    await warmUp(`${running.url}/${size}`, load, 1)
    const m = await measure(`${running.url}/${size}`, load)
    process.stdout.write(
      `${scenario} ${size}: ${m.reqPerS.toFixed(0)} req/s, p50 ${m.p50Ms} ms, p99 ${m.p99Ms} ms (under the profiler)\n`,
    )
  } finally {
    await running.stop()
    await upstream.stop()
  }
  const fresh = readdirSync(dir)
    .filter((f) => !before.has(f) && f.endsWith('.cpuprofile'))
    .map((f) => ({ f, size: statSync(dir + f).size }))
    .sort((a, b) => b.size - a.size)
  for (const { f } of fresh.slice(0, 1)) {
    process.stdout.write(`profile ${dir}${f}\n${summarise(JSON.parse(readFileSync(dir + f, 'utf8')) as Profile)}\n`)
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error)
    process.exit(1)
  },
)
