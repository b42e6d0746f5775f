/**
 * `node --import tsx bench/latency-floor.ts [rounds=5]`: where the latency a proxy adds on one connection goes. The
 * issue's one-connection cell (wrk, one connection, nginx origin and wrk on CPU 0, the proxy alone on CPU 1) for nginx
 * `proxy_pass`, the two floors of `bench/floor-proxy.ts` (a raw relay, and llhttp both ways), and Nanoscope's plain
 * proxy, interleaved round by round: each one's p50 minus direct's (the latency it adds) and its CPU time per
 * exchange, with the medians and each added p50 ÷ nginx's. Needs wrk, taskset and nginx.
 */
import { startChild, type Child } from './child.ts'
import { pinTree } from './cpu-pin.ts'
import { startNginx, startNginxOrigin } from './nginx-proxy.ts'
import { cpuMicrosOf } from './serve-process.ts'
import { runWrk } from './wrk.ts'

interface Contender {
  readonly name: string
  readonly url: string
  readonly pid: number
  stop(): Promise<void>
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
}

async function child(name: string, file: string, args: string[]): Promise<Contender> {
  const c: Child<{ port: number }> = await startChild<{ port: number }>(file, { args })
  return { name, url: `http://127.0.0.1:${c.ready.port}`, pid: c.pid, stop: () => c.stop() }
}

async function main(rounds: number): Promise<void> {
  const origin = await startNginxOrigin()
  pinTree(origin.pid, '0')
  pinTree(process.pid, '0')
  const nginx = await startNginx(origin.url)
  const contenders: Contender[] = [
    { name: 'nginx proxy_pass', url: nginx.url, pid: nginx.pid, stop: () => nginx.stop() },
    await child('raw relay', './floor-proxy.ts', ['relay', origin.url]),
    await child('llhttp both ways', './floor-proxy.ts', ['parsed', origin.url]),
    await child('nanoscope plain', './nanoscope-proxy.ts', ['plain', origin.url]),
  ]
  for (const c of contenders) pinTree(c.pid, '1')
  const added = new Map<string, number[]>()
  const cpu = new Map<string, number[]>()
  try {
    for (let round = 0; round < rounds; round++) {
      const direct = (await runWrk(`${origin.url}/1k`, { connections: 1, durationS: 2, cpu: '0' })).p50Ms
      const order = round % 2 === 0 ? contenders : [...contenders].reverse()
      for (const c of order) {
        await runWrk(`${c.url}/1k`, { connections: 1, durationS: 1, cpu: '0' })
        const before = c.name.startsWith('nginx') ? 0 : cpuMicrosOf(c.pid)
        const m = await runWrk(`${c.url}/1k`, { connections: 1, durationS: 3, cpu: '0' })
        const used = c.name.startsWith('nginx') ? Number.NaN : cpuMicrosOf(c.pid) - before
        added.set(c.name, [...(added.get(c.name) ?? []), (m.p50Ms - direct) * 1000])
        cpu.set(c.name, [...(cpu.get(c.name) ?? []), used / m.requests])
      }
      process.stdout.write(
        `round ${round + 1}: added p50 (µs) ${contenders.map((c) => `${c.name} ${added.get(c.name)!.at(-1)!.toFixed(0)}`).join(', ')}\n`,
      )
    }
    const nginxAdded = median(added.get('nginx proxy_pass')!)
    for (const c of contenders) {
      const a = median(added.get(c.name)!)
      const used = median(cpu.get(c.name)!)
      process.stdout.write(
        `${c.name.padEnd(18)} adds ${a.toFixed(0)} µs (${(a / nginxAdded).toFixed(2)}× nginx's)` +
          (Number.isNaN(used) ? '\n' : `, CPU ${used.toFixed(0)} µs per exchange\n`),
      )
    }
  } finally {
    for (const c of contenders) await c.stop()
    await origin.stop()
  }
}

main(Number(process.argv[2]) || 5).then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
    process.exit(1)
  },
)
