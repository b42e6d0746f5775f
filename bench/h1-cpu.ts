/**
 * `node --import tsx bench/h1-cpu.ts <scenario> [1k|64k|1k-chunked|64k-chunked] [exchanges] [rounds] [connections]`:
 * one scenario's CPU time per exchange, the figure a shared machine moves least (`-chunked`: the body comes chunked,
 * without trailers). autocannon sends a fixed number of requests (default 20,000,
 * 1 connection) through the scenario's proxy process (`bare-pipe`, `nanoscope-plain`, `nanoscope-capture`,
 * `nanoscope-subscribed`, …) to the bench's upstream; the proxy's user + system time over them is divided by their
 * number, once per round, after a warm-up, with the bytes it allocated on the V8 heap per exchange where the process
 * answers (`bench/alloc-meter.ts`: the bare pipe, Nanoscope's proxies and serve, through `bench/serve-probe.ts`). Prints one line per round.
 */
import autocannon from 'autocannon'
import { startChild } from './child.ts'
import { startScenario, type ScenarioName } from './scenarios.ts'

const scenario = (process.argv[2] ?? 'nanoscope-plain') as ScenarioName
const size = process.argv[3] ?? '64k'
const exchanges = Number(process.argv[4]) || 20_000
const rounds = Number(process.argv[5]) || 3
const connections = Number(process.argv[6]) || 1

async function run(url: string, amount: number): Promise<{ p50Ms: number; errors: number }> {
  const r = await autocannon({ url, connections, amount, timeout: 10 })
  return { p50Ms: r.latency.p50, errors: r.errors + r.timeouts + r.non2xx }
}

async function main(): Promise<void> {
  const upstream = await startChild<{ port: number }>('./upstream.ts')
  const running = await startScenario(scenario, `http://127.0.0.1:${upstream.ready.port}`)
  try {
    const url = `${running.url}/${size}`
    await run(url, Math.min(exchanges, 5000))
    for (let round = 0; round < rounds; round++) {
      await running.ask?.('alloc-start')
      const before = (await running.cpuMicros?.()) ?? 0
      const r = await run(url, exchanges)
      const cpu = ((await running.cpuMicros?.()) ?? 0) - before
      const allocated = await running.ask?.<number>('alloc-stop')
      const perExchange = allocated === undefined ? '' : `, ${(allocated / exchanges / 1024).toFixed(2)} KiB allocated`
      process.stdout.write(
        `${scenario} ${size}: ${(cpu / exchanges).toFixed(1)} µs CPU/exchange${perExchange}, p50 ${r.p50Ms} ms, ${r.errors} errors (${connections} connection${connections === 1 ? '' : 's'})\n`,
      )
    }
  } finally {
    await running.stop()
    await upstream.stop()
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error)
    process.exit(1)
  },
)
