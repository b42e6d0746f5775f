import type { CapturedExchange } from '../../electron/capture/captured-exchange.ts'
import type { ExchangeSummary } from '../../shared/exchange.ts'

/** A minimal completed exchange, with a response body of `bodySize` bytes kept whole. */
export function makeRecord(n: number, bodySize = 0, id = `x${n}`): CapturedExchange {
  return {
    id,
    listenerId: 'l1',
    startedAt: n,
    method: 'GET',
    target: `/${n}`,
    url: `http://h/${n}`,
    host: 'h',
    path: `/${n}`,
    httpVersion: '1.1',
    requestHeaders: [['Host', 'h']],
    responseHeaders: [],
    status: 200,
    reason: 'OK',
    timings: {},
    outcome: { kind: 'completed' },
    tags: [],
    requestBody: null,
    responseBody: bodySize > 0 ? { bytes: new Uint8Array(bodySize), size: bodySize, truncated: false } : null,
  }
}

/** Resolves when `check` holds, failing after `ms` (every wait in a test is bounded). */
export async function until(check: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

/** A broadcaster subscriber that keeps every batch it is sent; `backedUp` makes it report a full socket. */
export function collector(backedUp?: () => boolean) {
  const batches: ExchangeSummary[][] = []
  return {
    batches,
    seqs: () => batches.flat().map((s) => s.seq),
    sizes: () => batches.map((b) => b.length),
    subscriber: {
      deliver: (batch: ExchangeSummary[]) => {
        batches.push(batch)
      },
      ...(backedUp ? { backedUp } : {}),
    },
  }
}
