/**
 * `node --import tsx bench/syscall-count.ts <scenario> [1k|64k] [exchanges] [connections]`: the system calls a
 * scenario's proxy process makes per exchange, counted by `strace -c -f` attached to it while autocannon sends a
 * fixed number of requests (default 5,000 on 32 connections) through it. A count the neighbours cannot move: at
 * 64 KiB most of a proxy's busy time is in these calls (reads, writes, and the wake-ups they cause).
 */
import { spawn } from 'node:child_process'
import autocannon from 'autocannon'
import { startChild } from './child.ts'
import { startScenario, type ScenarioName } from './scenarios.ts'

const scenario = (process.argv[2] ?? 'nanoscope-plain') as ScenarioName
const size = process.argv[3] ?? '64k'
const exchanges = Number(process.argv[4]) || 5000
const connections = Number(process.argv[5]) || 32

async function main(): Promise<void> {
  const upstream = await startChild<{ port: number }>('./upstream.ts')
  const running = await startScenario(scenario, `http://127.0.0.1:${upstream.ready.port}`)
  try {
    const url = `${running.url}/${size}`
    await autocannon({ url, connections, amount: Math.min(exchanges, 3000), timeout: 10 })
    if (!running.pid) throw new Error(`${scenario} has no process to trace`)
    const strace = spawn('strace', ['-c', '-f', '-p', String(running.pid)], { stdio: ['ignore', 'ignore', 'pipe'] })
    let report = ''
    strace.stderr.on('data', (c: Buffer) => {
      report += c.toString()
    })
    await new Promise((resolve) => setTimeout(resolve, 1000)) // attached
    const r = await autocannon({ url, connections, amount: exchanges, timeout: 10 })
    const exited = new Promise((resolve) => strace.once('exit', resolve))
    strace.kill('SIGINT')
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))])
    process.stdout.write(`${scenario} ${size}, ${r.requests.total} exchanges on ${connections} connections:\n`)
    for (const line of report.split('\n')) {
      const m = /^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(\w+)$/.exec(line)
      if (m && m[2] !== 'total')
        process.stdout.write(`  ${m[2]!.padEnd(16)} ${(Number(m[1]) / r.requests.total).toFixed(2)} per exchange\n`)
      else if (m)
        process.stdout.write(`  ${'all'.padEnd(16)} ${(Number(m[1]) / r.requests.total).toFixed(2)} per exchange\n`)
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
