/**
 * `node --import tsx bench/record-micro.ts [n] [rounds]`: the recording filter without sockets. N exchanges
 * (GET, 200 with a 1 KiB stream body, read by a 'data' listener as the server's pipe would) go through a fake
 * handler, 32 in flight (each yielding to the event loop between exchanges, as connections do), once bare and once wrapped in `recordTo` appending to a real session in a temp
 * directory. Prints CPU µs per exchange (this process, user + system: the writer's threadpool work counts) and
 * wall µs per exchange, and the difference recording makes. Run it with `--cpu-prof` to find hot spots.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { HttpHandler } from '../electron/core/http.ts'
import { request, type Response } from '../electron/core/message.ts'
import { systemClock } from '../electron/core/clock.ts'
import { recordTo } from '../electron/recording/record-to.ts'
import { createSession } from '../electron/recording/session-store.ts'
import { oneKiBAnswer } from './fake-upstream.ts'

const N = Number(process.argv[2] ?? 50_000)
const ROUNDS = Number(process.argv[3] ?? 3)
const IN_FLIGHT = 32

/** An upstream answering like bench/upstream.ts's `/1k`. */
const upstream: HttpHandler = async function fakeUpstream() {
  return oneKiBAnswer()
}

/** Reads the body as the server's pipe does, resolving at its end. */
function consume(res: Response): Promise<void> {
  const body = res.body
  if (body.kind === 'bytes') return Promise.resolve()
  return new Promise((resolve, reject) => {
    body.stream.on('data', noop)
    body.stream.once('end', resolve)
    body.stream.once('error', reject)
  })
}

function noop(): void {}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

async function one(handler: HttpHandler, i: number): Promise<void> {
  const req = request({
    target: `http://127.0.0.1:9000/1k?i=${i}`,
    headers: [
      ['Host', '127.0.0.1:9000'],
      ['User-Agent', 'autocannon'],
      ['Accept', '*/*'],
      ['Connection', 'keep-alive'],
    ],
  })
  await consume(await handler(req))
}

async function run(handler: HttpHandler, n: number): Promise<{ cpuUs: number; wallUs: number }> {
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  let next = 0
  // Each of the 32 yields to the event loop after an exchange, as a proxy's connections do between requests.
  const worker = async (): Promise<void> => {
    while (next < n) {
      await one(handler, next++)
      await turn()
    }
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker))
  return finish(cpu0, t0, n)
}

function finish(cpu0: NodeJS.CpuUsage, t0: number, n: number): { cpuUs: number; wallUs: number } {
  const cpu = process.cpuUsage(cpu0)
  return { cpuUs: (cpu.user + cpu.system) / n, wallUs: ((performance.now() - t0) * 1000) / n }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'nanoscope-record-micro-'))
  try {
    const writer = await createSession(join(dir, 's'), { name: 'record micro' })
    const recording = recordTo(writer, {
      clock: systemClock,
      onSkip: (why) => {
        throw new Error(why)
      },
    })(upstream)
    await run(upstream, 5000)
    await run(recording, 5000)
    const fmt = (x: number): string => x.toFixed(1).padStart(6)
    for (let r = 0; r < ROUNDS; r++) {
      const plain = await run(upstream, N)
      const rec = await run(recording, N)
      process.stdout.write(
        `round ${r + 1}: plain cpu ${fmt(plain.cpuUs)} µs wall ${fmt(plain.wallUs)} µs | recording cpu ${fmt(rec.cpuUs)} µs wall ${fmt(rec.wallUs)} µs | recording costs cpu ${fmt(rec.cpuUs - plain.cpuUs)} µs wall ${fmt(rec.wallUs - plain.wallUs)} µs per exchange\n`,
      )
    }
    const info = await writer.close()
    process.stdout.write(`${info.count} records, ${(info.sizeBytes / 1024 / 1024).toFixed(1)} MiB\n`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error)
    process.exit(1)
  },
)
