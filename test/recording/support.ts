import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { RecordedExchange } from '../../electron/recording/recorded-exchange.ts'

/** A fresh temporary directory, removed by the returned function. */
export async function tempDir(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'nanoscope-rec-'))
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) }
}

export function exchange(
  over: {
    method?: string
    url?: string
    status?: number
    requestBody?: Uint8Array | string
    responseBody?: Uint8Array | string
    startedAt?: number
    durationMs?: number
    requestHeaders?: Array<[string, string]>
    responseHeaders?: Array<[string, string]>
  } = {},
): RecordedExchange {
  const bytes = (b: Uint8Array | string | undefined) =>
    typeof b === 'string' ? Buffer.from(b) : (b ?? Buffer.alloc(0))
  return {
    startedAt: over.startedAt ?? 1_700_000_000_000,
    durationMs: over.durationMs ?? 5,
    waitMs: Math.min(over.durationMs ?? 5, 3),
    request: {
      method: over.method ?? 'GET',
      url: over.url ?? 'http://example.com/a',
      version: '1.1',
      headers: over.requestHeaders ?? [['Host', 'example.com']],
      body: bytes(over.requestBody),
    },
    response: {
      status: over.status ?? 200,
      reason: 'OK',
      version: '1.1',
      headers: over.responseHeaders ?? [['Content-Type', 'text/plain']],
      body: bytes(over.responseBody ?? 'hello'),
    },
  }
}

/** Bounded wait for a condition. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
  what = 'condition',
): Promise<void> {
  const until = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}
