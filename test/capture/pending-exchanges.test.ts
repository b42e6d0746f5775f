/**
 * Requests in flight (issue 24): an exchange is in the store, and sent to subscribers, as pending the moment its
 * request head is read; its completion replaces it in place (same id, same seq). A batch holding both sends only
 * the completed one, and a clear up to a seq keeps the newer traffic.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { CaptureHub } from '../../electron/capture/capture-hub.ts'
import { fixedClock } from '../../electron/core/clock.ts'
import { request, response, type Response } from '../../electron/core/message.ts'
import type { ExchangeSummary } from '../../shared/exchange.ts'
import { until } from './fixtures.ts'

/** An upstream that answers each request only when the test says so. */
function heldUpstream() {
  const waiting: Array<(res: Response) => void> = []
  return {
    handler: (): Promise<Response> =>
      new Promise((resolve) => {
        waiting.push(resolve)
      }),
    answer: (status = 200): void => {
      waiting.shift()!(response(status, { body: 'done' }))
    },
    get waiting(): number {
      return waiting.length
    },
  }
}

test('an exchange is stored and sent as pending when its request head is read, then completes in place', async (t) => {
  const hub = new CaptureHub({}, { intervalMs: 5 })
  t.after(() => hub.close())
  const upstream = heldUpstream()
  const handler = hub.captureFilter('l1', fixedClock())(upstream.handler)
  const batches: ExchangeSummary[][] = []
  hub.subscribe({
    deliver: (b) => {
      batches.push(b)
    },
  })

  const answered = handler(request({ target: '/slow', headers: [['Host', 'h']] }))
  await until(() => batches.length === 1)
  const [pending] = batches[0]!
  assert.equal(pending!.outcome.kind, 'pending')
  assert.deepEqual(
    [pending!.path, pending!.host, pending!.status, pending!.durationMs],
    ['/slow', 'h', undefined, undefined],
  )
  assert.equal(hub.detail(pending!.id)!.requestHeaders[0]![0], 'Host')

  upstream.answer(201)
  await answered
  await until(() => batches.length === 2)
  const [completed] = batches[1]!
  assert.deepEqual(
    [completed!.id, completed!.seq, completed!.status, completed!.outcome.kind],
    [pending!.id, pending!.seq, 201, 'completed'],
  )
  assert.equal(hub.store.size, 1)
})

test('a batch that holds an exchange both pending and completed sends only the completed summary', async (t) => {
  const hub = new CaptureHub({}, { intervalMs: 50 })
  t.after(() => hub.close())
  const handler = hub.captureFilter('l1', fixedClock())(async () => response(200, { body: 'fast' }))
  const batches: ExchangeSummary[][] = []
  hub.subscribe({
    deliver: (b) => {
      batches.push(b)
    },
  })
  await handler(request({ target: '/fast', headers: [['Host', 'h']] }))
  hub.broadcaster.flush()
  assert.deepEqual(
    batches.flat().map((s) => [s.path, s.outcome.kind]),
    [['/fast', 'completed']],
  )
})

test('a subscriber joining while a request is in flight gets it pending in its snapshot and completed live', async (t) => {
  const hub = new CaptureHub({}, { intervalMs: 5 })
  t.after(() => hub.close())
  const upstream = heldUpstream()
  const handler = hub.captureFilter('l1', fixedClock())(upstream.handler)
  const answered = handler(request({ target: '/x', headers: [['Host', 'h']] }))
  await until(() => upstream.waiting === 1)
  const batches: ExchangeSummary[][] = []
  const { snapshot } = hub.subscribe({
    deliver: (b) => {
      batches.push(b)
    },
  })
  assert.deepEqual(
    snapshot.map((s) => s.outcome.kind),
    ['pending'],
  )
  upstream.answer()
  await answered
  await until(() => batches.length === 1)
  assert.deepEqual(
    batches.flat().map((s) => [s.id, s.outcome.kind]),
    [[snapshot[0]!.id, 'completed']],
  )
})

test('an exchange cleared while in flight does not come back when it completes', async (t) => {
  const hub = new CaptureHub({}, { intervalMs: 5 })
  t.after(() => hub.close())
  const upstream = heldUpstream()
  const handler = hub.captureFilter('l1', fixedClock())(upstream.handler)
  const answered = handler(request({ target: '/x', headers: [['Host', 'h']] }))
  await until(() => upstream.waiting === 1)
  assert.equal(hub.clear(), 1)
  upstream.answer()
  await answered
  assert.equal(hub.store.size, 0)
})

test('clearing up to a seq forgets the older exchanges, keeps the newer ones and says which were cleared', async (t) => {
  const hub = new CaptureHub({}, { intervalMs: 5 })
  t.after(() => hub.close())
  const handler = hub.captureFilter('l1', fixedClock())(async () => response(200))
  for (const path of ['/1', '/2', '/3']) await handler(request({ target: path, headers: [['Host', 'h']] }))
  const seqs = hub.summaries().map((s) => s.seq)
  const told: Array<number | undefined> = []
  hub.onCleared((upTo) => told.push(upTo))
  assert.equal(hub.clear(seqs[1]!), 2)
  assert.deepEqual(
    hub.summaries().map((s) => s.path),
    ['/3'],
  )
  assert.deepEqual(told, [seqs[1]])
  await handler(request({ target: '/4', headers: [['Host', 'h']] }))
  assert.deepEqual(
    hub.summaries().map((s) => s.path),
    ['/3', '/4'],
  )
})

test('a clear up to a seq drops the queued summaries it covers and sends the rest', async (t) => {
  const hub = new CaptureHub({}, { intervalMs: 10_000 })
  t.after(() => hub.close())
  const handler = hub.captureFilter('l1', fixedClock())(async () => response(200))
  const batches: ExchangeSummary[][] = []
  hub.subscribe({
    deliver: (b) => {
      batches.push(b)
    },
  })
  for (const path of ['/1', '/2', '/3']) await handler(request({ target: path, headers: [['Host', 'h']] }))
  hub.clear(hub.summaries()[1]!.seq)
  hub.broadcaster.flush()
  assert.deepEqual(
    batches.flat().map((s) => s.path),
    ['/3'],
  )
})
