import { test } from 'node:test'
import assert from 'node:assert/strict'
import { CaptureHub } from '../../electron/capture/capture-hub.ts'
import { fixedClock } from '../../electron/core/clock.ts'
import { request, response } from '../../electron/core/message.ts'
import type { ExchangeSummary, Settings } from '../../shared/exchange.ts'
import { DEFAULT_SETTINGS } from '../../shared/exchange.ts'
import { until } from './fixtures.ts'

const ok = async () => response(200, { body: 'x'.repeat(100) })

test('exchanges captured through the hub reach a subscriber after its snapshot', async () => {
  const hub = new CaptureHub()
  const handler = hub.captureFilter('l1', fixedClock())(ok)
  await handler(request({ target: '/before', headers: [['Host', 'h']] }))
  const batches: ExchangeSummary[][] = []
  const { snapshot, unsubscribe } = hub.subscribe({
    deliver: (b) => {
      batches.push(b)
    },
  })
  await handler(request({ target: '/after', headers: [['Host', 'h']] }))
  await until(() => batches.length === 1)
  assert.deepEqual(
    snapshot.map((s) => s.path),
    ['/before'],
  )
  assert.deepEqual(
    batches.flat().map((s) => s.path),
    ['/after'],
  )
  assert.equal(hub.detail(snapshot[0]!.id)!.responseBody!.size, 100)
  unsubscribe()
  hub.close()
})

test('pausing stops recording new exchanges and resuming starts again', async () => {
  const hub = new CaptureHub()
  const capturing: boolean[] = []
  hub.onCapturing((c) => capturing.push(c))
  const handler = hub.captureFilter('l1', fixedClock())(ok)
  hub.pause()
  await handler(request({ target: '/' }))
  assert.deepEqual([hub.capturing, hub.store.size], [false, 0])
  hub.resume()
  await handler(request({ target: '/' }))
  assert.deepEqual([hub.capturing, hub.store.size], [true, 1])
  assert.deepEqual(capturing, [false, true])
})

test('settings start from the defaults, apply at run time and are announced', async () => {
  const hub = new CaptureHub({ maxExchanges: 3 })
  assert.deepEqual(hub.settings, { ...DEFAULT_SETTINGS, maxExchanges: 3 })
  const announced: Settings[] = []
  hub.onSettings((s) => announced.push(s))
  const handler = hub.captureFilter('l1', fixedClock())(ok)
  for (let i = 0; i < 3; i++) await handler(request({ target: `/${i}` }))
  const updated = hub.updateSettings({ maxExchanges: 2, bodyCapBytes: 10 })
  assert.deepEqual(announced, [updated])
  assert.deepEqual(
    hub.summaries().map((s) => s.path),
    ['/1', '/2'],
  )
  await handler(request({ target: '/3' }))
  const latest = hub.summaries().at(-1)!
  assert.deepEqual(hub.detail(latest.id)!.responseBody, {
    base64: Buffer.from('x'.repeat(10)).toString('base64'),
    size: 100,
    truncated: true,
  })
})

test('clearing empties the store, says how many went, and tells the listeners', async () => {
  const hub = new CaptureHub()
  let cleared = 0
  hub.onCleared(() => cleared++)
  const handler = hub.captureFilter('l1', fixedClock())(ok)
  await handler(request({ target: '/' }))
  await handler(request({ target: '/' }))
  assert.equal(hub.clear(), 2)
  assert.equal(cleared, 1)
  assert.deepEqual(hub.summaries(), [])
})
