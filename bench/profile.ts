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

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  hitCount: number
  children?: number[]
}
interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

const scenario = (process.argv[2] ?? 'nanoscope-capture') as ScenarioName
const size = process.argv[3] ?? '1k'
const durationS = Number(process.env.BENCH_DURATION) || 5
const dir = fileURLToPath(new URL('./results/profiles/', import.meta.url))
mkdirSync(dir, { recursive: true })

function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame
  const file = url.replace(/^file:\/\/.*?\/(electron|bench|node_modules)\//, '$1/').replace(/^node:/, 'node:')
  return `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim()
}

export function summarise(profile: Profile, top = 25): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const total = profile.nodes.reduce((s, n) => s + n.hitCount, 0)
  const self = new Map<string, number>()
  const inclusive = new Map<string, number>()
  for (const n of profile.nodes) {
    const l = label(n)
    self.set(l, (self.get(l) ?? 0) + n.hitCount)
    const seen = new Set<string>()
    for (let at: number | undefined = n.id; at !== undefined; at = parent.get(at)) {
      const al = label(byId.get(at)!)
      if (seen.has(al)) continue
      seen.add(al)
      inclusive.set(al, (inclusive.get(al) ?? 0) + n.hitCount)
    }
  }
  const pct = (v: number): string => `${((v / total) * 100).toFixed(1).padStart(5)}%`
  const list = (m: Map<string, number>): string =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([l, v]) => `  ${pct(v)}  ${l}`)
      .join('\n')
  return `samples: ${total}\nself time:\n${list(self)}\ninclusive time (top, excluding roots):\n${list(new Map([...inclusive].filter(([l]) => !/^\((root|program|garbage collector)\)/.test(l))))}`
}

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
