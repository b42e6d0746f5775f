/**
 * `node --import tsx bench/serve-pauses.ts [size=1k] [seconds=8] [rounds=2]`: where the user's path pauses. Starts
 * `nanoscope serve` with a reverse listener and one live subscriber (bench/serve-process.ts), loads it with
 * autocannon (32 connections) and prints per round: req/s, p50 and p99, the serve process's event-loop delay
 * (p50, p99, max) and its garbage collections by kind (count, total and longest pause, ms), from
 * bench/serve-probe.ts, and its RSS. A long flush of a batch to the subscriber shows as event-loop delay without a
 * collection behind it.
 */
import { startChild } from './child.ts'
import { measure, warmUp } from './load.ts'
import { startScenario } from './scenarios.ts'

const size = process.argv[2] ?? '1k'
const seconds = Number(process.argv[3]) || 8
const rounds = Number(process.argv[4]) || 2

async function main(): Promise<void> {
  const upstream = await startChild<{ port: number }>('./upstream.ts')
  const running = await startScenario('nanoscope-subscribed', `http://127.0.0.1:${upstream.ready.port}`)
  try {
    const url = `${running.url}/${size}`
    const load = { connections: 32, pipelining: 1, durationS: seconds }
    await warmUp(url, load, 1)
    for (let round = 0; round < rounds; round++) {
      await running.ask?.('pauses-start')
      const m = await measure(url, load)
      const pauses = await running.ask?.('pauses-stop')
      process.stdout.write(
        `${size}: ${m.reqPerS.toFixed(0)} req/s, p50 ${m.p50Ms} ms, p99 ${m.p99Ms} ms; serve ${JSON.stringify(pauses)}, RSS ${running.rssMb?.().toFixed(0)} MB\n`,
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
