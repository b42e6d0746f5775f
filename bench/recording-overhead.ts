/**
 * `node --import tsx bench/recording-overhead.ts [rounds]`: nanoscope-plain against nanoscope-recording only, 1 KiB,
 * alternating within each round, printing req/s and the proxy process's CPU µs per request for each, and what
 * recording adds. The CPU figure moves far less with the neighbours than req/s on a shared machine.
 * Env: BENCH_DURATION seconds per measurement (default 5), BENCH_CONNECTIONS (default 32).
 */
import { startChild } from './child.ts'
import { measure, warmUp } from './load.ts'
import { startScenario, type ScenarioName } from './scenarios.ts'

const rounds = Number(process.argv[2] ?? 3)
const load = {
  connections: Number(process.env.BENCH_CONNECTIONS) || 32,
  pipelining: 1,
  durationS: Number(process.env.BENCH_DURATION) || 5,
}

async function cell(name: ScenarioName, upstreamUrl: string): Promise<{ perS: number; cpuUs: number }> {
  const running = await startScenario(name, upstreamUrl)
  try {
    const url = `${running.url}/1k`
    await warmUp(url, load, 1)
    const before = await running.cpuMicros!()
    const m = await measure(url, load)
    const used = (await running.cpuMicros!()) - before
    return { perS: m.reqPerS, cpuUs: used / Math.max(1, m.requests) }
  } finally {
    await running.stop()
  }
}

const upstream = await startChild<{ port: number }>('./upstream.ts')
const upstreamUrl = `http://127.0.0.1:${upstream.ready.port}`
const added: number[] = []
try {
  for (let r = 1; r <= rounds; r++) {
    const plain = await cell('nanoscope-plain', upstreamUrl)
    const recording = await cell('nanoscope-recording', upstreamUrl)
    added.push(recording.cpuUs - plain.cpuUs)
    process.stdout.write(
      `round ${r}: plain ${plain.perS.toFixed(0)} req/s ${plain.cpuUs.toFixed(1)} µs/req | recording ${recording.perS.toFixed(0)} req/s ${recording.cpuUs.toFixed(1)} µs/req | ` +
        `ratio ${(recording.perS / plain.perS).toFixed(2)}, recording adds ${(recording.cpuUs - plain.cpuUs).toFixed(1)} µs CPU per request\n`,
    )
  }
  const sorted = [...added].sort((a, b) => a - b)
  process.stdout.write(
    `median CPU recording adds: ${sorted[Math.floor((sorted.length - 1) / 2)]!.toFixed(1)} µs per request\n`,
  )
} finally {
  await upstream.stop()
}
