import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { gzipSync } from 'node:zlib'
import { toHar, exchangesToHar } from '../../electron/recording/har-export.ts'
import type { ExchangeDetail } from '../../shared/exchange.ts'
import { exchange } from './support.ts'

// har-validator checks a document against the published HAR 1.2 JSON Schema (har-schema).
const harValidator = createRequire(import.meta.url)('har-validator') as { har(data: unknown): Promise<unknown> }

async function assertValidHar(har: unknown): Promise<void> {
  try {
    await harValidator.har(JSON.parse(JSON.stringify(har))) // resolves with the document, rejects with the schema errors
  } catch (error) {
    const errors = (error as { errors?: unknown }).errors
    assert.fail(`not valid HAR 1.2: ${JSON.stringify(errors ?? (error as Error).message)}`)
  }
}

test('a session with binary, text and compressed bodies exports as HAR valid against the HAR 1.2 JSON Schema', async () => {
  await assertValidHar(
    toHar([
      exchange({
        method: 'POST',
        url: 'http://api.test/upload?x=1',
        requestBody: Buffer.from([0, 1, 0xff]),
        responseBody: Buffer.from([0xfe, 0x80]),
        requestHeaders: [
          ['Host', 'api.test'],
          ['Content-Type', 'application/octet-stream'],
          ['Cookie', 'a=1'],
        ],
        responseHeaders: [
          ['Content-Type', 'application/octet-stream'],
          ['Set-Cookie', 'c=3; Path=/; HttpOnly'],
        ],
      }),
      exchange({
        url: 'http://api.test/text',
        responseBody: 'héllo',
        responseHeaders: [['Content-Type', 'text/plain; charset=utf-8']],
      }),
      exchange({
        url: 'http://api.test/gz',
        responseBody: gzipSync('zipped'),
        responseHeaders: [['Content-Encoding', 'gzip']],
      }),
    ]),
  )
})

test('the current traffic, failures included, exports as HAR valid against the HAR 1.2 JSON Schema', async () => {
  const base: Omit<ExchangeDetail, 'status' | 'responseBody'> = {
    id: 'x1',
    seq: 1,
    listenerId: 'L1',
    startedAt: 1_700_000_000_000,
    method: 'GET',
    url: 'http://h.test/a',
    host: 'h.test',
    path: '/a',
    httpVersion: '1.1',
    timings: { responseHeaders: 4, responseDone: 6 },
    durationMs: 6,
    outcome: { kind: 'completed' },
    tags: [],
    target: '/a',
    requestHeaders: [['Host', 'h.test']],
    responseHeaders: [['Content-Type', 'text/plain']],
    requestBody: null,
  }
  await assertValidHar(
    exchangesToHar([
      {
        ...base,
        status: 200,
        reason: 'OK',
        responseBody: { base64: Buffer.from('hi').toString('base64'), size: 2, truncated: false },
      },
      {
        ...base,
        id: 'x2',
        outcome: { kind: 'failed', cause: 'refused', message: 'upstream refused' },
        responseHeaders: [],
        responseBody: null,
      },
    ]),
  )
})

test('the schema check itself rejects a document missing required HAR fields', async () => {
  const har = JSON.parse(JSON.stringify(toHar([exchange({ url: 'http://api.test/x' })]))) as {
    log: { entries: Array<{ request: Record<string, unknown> }> }
  }
  delete har.log.entries[0]!.request.method
  await assert.rejects(harValidator.har(har))
})
