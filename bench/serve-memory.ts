/**
 * Memory on the user's path: `nanoscope serve` with a reverse listener made over the contract and one live
 * WebSocket subscriber (bench/serve-process.ts), after N exchanges of 64 KiB (32 connections, keep-alive), then the
 * serve process's RSS and what the window can still show of the newest exchanges' bodies.
 *
 *   node --import tsx bench/serve-memory.ts [exchanges=100000] [size=64k]
 *
 * Prints one JSON line: RSS (MB) sampled every 2 s and at the end, exchanges captured and delivered, and the
 * response bodies of exchanges 0, 100, 1,000, … from the newest (bytes shown, real size, truncated, dropped).
 */
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { startChild } from './child.ts'
import { startServe } from './serve-process.ts'

export interface ServeMemory {
  exchanges: number
  size: string
  seconds: number
  reqPerS: number
  non2xx: number
  errors: number
  baselineRssMb: number
  peakRssMb: number
  endRssMb: number
  captured: number
  delivered: number
  bodies: unknown[]
  samplesMb: number[]
}

export async function serveMemory(exchanges: number, size: string): Promise<ServeMemory> {
  const upstream = await startChild<{ port: number }>('./upstream.ts')
  const serve = await startServe(`http://127.0.0.1:${upstream.ready.port}`).catch(async (error: unknown) => {
    await upstream.stop()
    throw error
  })
  try {
    const baselineMb = serve.rssMb()
    const samples: number[] = []
    const sampler = setInterval(() => samples.push(Math.round(serve.rssMb())), 2000)
    const started = Date.now()
    const result = await autocannon({
      url: `${serve.url}/${size}`,
      connections: 32,
      amount: exchanges,
      timeout: 10,
    })
    clearInterval(sampler)
    const seconds = (Date.now() - started) / 1000
    await new Promise((r) => setTimeout(r, 1500)) // the last batches reach the subscriber
    const count = await serve.count()
    const ages = [0, 100, 1000, 2000, 4000, 10_000, 50_000, exchanges - 1]
    const { bodies } = await serve.subscriber.ask<{ bodies: unknown[] }>(`bodies?${ages.join(',')}`, 60_000)
    return {
      exchanges,
      size,
      seconds: Math.round(seconds),
      reqPerS: Math.round(result.requests.total / seconds),
      non2xx: result.non2xx,
      errors: result.errors,
      baselineRssMb: Math.round(baselineMb),
      peakRssMb: Math.max(...samples, Math.round(serve.rssMb())),
      endRssMb: Math.round(serve.rssMb()),
      captured: count.highestSeq,
      delivered: count.distinct,
      bodies,
      samplesMb: samples,
    }
  } finally {
    await serve.stop()
    await upstream.stop()
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  serveMemory(Number(process.argv[2] ?? 100_000), process.argv[3] ?? '64k').then(
    (result) => {
      process.stdout.write(`${JSON.stringify(result)}\n`)
      process.exit(0)
    },
    (error: unknown) => {
      console.error('serve-memory failed:', error)
      process.exit(1)
    },
  )
}
