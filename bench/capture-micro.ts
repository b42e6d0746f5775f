/**
 * The capture path without sockets, run as its own process (with `--expose-gc`). argv[2] picks the part:
 *
 * - `throughput`: N synthetic exchanges (GET, 1 KiB response body) go through `CaptureHub.exchangeCompleted`
 *   (store put, summary made at send, broadcaster) to one subscriber, a hundred per event-loop turn as a busy proxy would
 *   complete them. Reports exchanges/s from the first push to the last delivery, and how many never arrived.
 *   A second run has the subscriber JSON-encode every batch as the WebSocket transport does.
 * - `memory`: RSS (after GC) once 100,000 such exchanges are held in a hub with default settings.
 *
 * Sends its result to the parent over IPC and exits.
 */
import { systemClock } from '../electron/core/clock.ts'
import { CaptureHub } from '../electron/capture/capture-hub.ts'
import type { CapturedExchange } from '../electron/capture/captured-exchange.ts'
import { ExchangeRecord } from '../electron/capture/exchange-record.ts'
import { request, response } from '../electron/core/message.ts'
import type { ExchangeSummary } from '../shared/exchange.ts'
import { eventToWire } from '../shared/wire-events.ts'

const BODY = Buffer.alloc(1024, 'abcdefghijklmnopqrstuvwxyz0123456789\n')
const PER_TURN = 100

/**
 * A record made as the capture filter makes it (an `ExchangeRecord` from the request and response), with fresh
 * header strings, and a body copied as `BodyKeeper.stored` does.
 */
function syntheticExchange(i: number): CapturedExchange {
  const now = systemClock.now()
  const req = request({
    target: `/items/${i}?page=2`,
    headers: [
      ['Host', `127.0.0.1:${8080}`],
      ['User-Agent', `bench/${1}`],
      ['Accept', '*/*'],
      ['X-Request', `${i}`],
    ],
  })
  const res = response(200, {
    headers: [
      ['Content-Type', `text/plain; charset=${'utf-8'}`],
      ['Content-Length', `${BODY.byteLength}`],
      ['Date', new Date(now).toUTCString()],
    ],
  })
  return new ExchangeRecord({
    id: `bench-${i.toString(36)}`,
    listenerId: 'L1',
    startedAt: now,
    req,
    res,
    requestBody: { bytes: Buffer.alloc(0), size: 0, truncated: false },
    requestComplete: true,
    responseBody: { bytes: Buffer.concat([BODY], BODY.byteLength), size: BODY.byteLength, truncated: false },
    responseComplete: true,
    timings: { requestBodyDone: 0, responseHeaders: 0.4, responseDone: 0.5 },
    durationMs: 0.5,
    outcome: { kind: 'completed' },
    tunnel: undefined,
  })
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

async function throughput(
  n: number,
  encode: boolean,
): Promise<{ exchanges: number; received: number; lost: number; perS: number; ms: number }> {
  const hub = new CaptureHub()
  let received = 0
  let lastDelivery = 0
  const sub = hub.subscribe({
    deliver(batch: ExchangeSummary[]) {
      if (encode)
        JSON.stringify({ type: 'event', name: 'exchanges', payload: eventToWire('exchanges', { exchanges: batch }) })
      received += batch.length
      lastDelivery = performance.now()
    },
  })
  const started = performance.now()
  for (let i = 0; i < n; i += PER_TURN) {
    for (let j = i; j < Math.min(n, i + PER_TURN); j++) hub.exchangeCompleted(syntheticExchange(j))
    await turn()
  }
  const deadline = performance.now() + 5000
  while (received < n && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5))
  const ms = (received >= n ? lastDelivery : performance.now()) - started
  sub.unsubscribe()
  hub.close()
  return { exchanges: n, received, lost: n - received, perS: (received / ms) * 1000, ms }
}

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc
  collect?.()
  collect?.()
}

async function memory(n: number): Promise<{
  exchanges: number
  held: number
  rssMb: number
  baselineRssMb: number
  heapUsedMb: number
  arrayBuffersMb: number
}> {
  gc()
  const baseline = process.memoryUsage().rss
  const hub = new CaptureHub()
  for (let i = 0; i < n; i += PER_TURN) {
    for (let j = i; j < Math.min(n, i + PER_TURN); j++) hub.exchangeCompleted(syntheticExchange(j))
    if (i % 10_000 === 0) await turn()
  }
  gc()
  const m = process.memoryUsage()
  const mb = (b: number): number => b / (1024 * 1024)
  const held = hub.store.size
  hub.close()
  return {
    exchanges: n,
    held,
    rssMb: mb(m.rss),
    baselineRssMb: mb(baseline),
    heapUsedMb: mb(m.heapUsed),
    arrayBuffersMb: mb(m.arrayBuffers),
  }
}

async function main(): Promise<void> {
  const part = process.argv[2]
  if (part === 'throughput') {
    const n = Number(process.argv[3] ?? 200_000)
    await throughput(20_000, false) // warm-up
    const plain = await throughput(n, false)
    const encoded = await throughput(n, true)
    process.send?.({ plain, encoded })
  } else {
    process.send?.(await memory(Number(process.argv[3] ?? 100_000)))
  }
}

main().catch((error: unknown) => {
  console.error('capture-micro failed:', error)
  process.exit(1)
})
