import { test } from 'node:test'
import assert from 'node:assert/strict'
import { CaptureHub } from '../../electron/capture/capture-hub.ts'
import { fixedClock } from '../../electron/core/clock.ts'
import { request, response } from '../../electron/core/message.ts'
import type { ExchangeSummary, Settings, WebsocketFrame } from '../../shared/exchange.ts'
import { DEFAULT_SETTINGS } from '../../shared/exchange.ts'
import { makeRecord } from './fixtures.ts'

const frame = (at: number) => ({ at, direction: 'client', opcode: 1, kind: 'text' }) as unknown as WebsocketFrame

test("an exchange's detail carries its websocket frames and how many were dropped; one without frames has none", () => {
  const hub = new CaptureHub()
  hub.exchangeCompleted(makeRecord(1))
  hub.exchangeCompleted(makeRecord(2))
  hub.websocketFrame('x1', frame(10))
  hub.websocketFrame('x1', frame(11))
  const detail = hub.detail('x1')!
  assert.deepEqual(detail.frames, [frame(10), frame(11)])
  assert.equal(detail.framesDropped, 0)
  hub.websocketFrame('x1', frame(12))
  assert.equal(detail.frames!.length, 2, 'the detail holds a copy of the frames, not the live list')
  const plain = hub.detail('x2')!
  assert.equal('frames' in plain, false)
  assert.equal('framesDropped' in plain, false)
  assert.equal(hub.detail('nope'), null)
  hub.close()
})

test('clearing up to a seq forgets the frames of the exchanges it cleared and keeps the others; a full clear forgets all', () => {
  const hub = new CaptureHub()
  for (let i = 1; i <= 3; i++) hub.exchangeCompleted(makeRecord(i))
  for (const id of ['x1', 'x2', 'x3']) hub.websocketFrame(id, frame(1))
  const told: (number | undefined)[] = []
  hub.onCleared((upTo) => told.push(upTo))
  assert.equal(hub.clear(2), 2)
  assert.deepEqual(told, [2])
  assert.equal(hub.frames.frames('x1'), undefined)
  assert.equal(hub.frames.frames('x2'), undefined)
  assert.deepEqual(hub.frames.frames('x3')!.frames, [frame(1)])
  assert.deepEqual(
    hub.summaries().map((s) => s.id),
    ['x3'],
  )
  assert.equal(hub.clear(3), 1, 'up to the latest seq is a full clear')
  assert.deepEqual(told, [2, undefined])
  assert.equal(hub.frames.frames('x3'), undefined)
  hub.close()
})

test('settings that are not settings, or are undefined, are ignored, at construction and at run time', () => {
  const hub = new CaptureHub({ maxExchanges: 5, bodyCapBytes: undefined, colour: 'red' } as Partial<Settings>)
  assert.deepEqual(hub.settings, { ...DEFAULT_SETTINGS, maxExchanges: 5 })
  const updated = hub.updateSettings({ maxTotalBodyBytes: 7, maxExchanges: undefined, x: 1 } as Partial<Settings>)
  assert.deepEqual(updated, { ...DEFAULT_SETTINGS, maxExchanges: 5, maxTotalBodyBytes: 7 })
  assert.ok(Object.isFrozen(updated))
  assert.equal(hub.settings, updated)
  hub.close()
})

test('the store takes its bounds from the hub settings, at first and when they change', () => {
  const hub = new CaptureHub({ maxExchanges: 2 })
  for (let i = 1; i <= 3; i++) hub.exchangeCompleted(makeRecord(i, 10))
  assert.deepEqual(
    hub.summaries().map((s) => s.id),
    ['x2', 'x3'],
  )
  hub.updateSettings({ maxTotalBodyBytes: 10 })
  assert.equal(hub.store.totalBodyBytes, 10)
  hub.close()
})

test('a listener that throws does not stop the others, and one that unsubscribed hears nothing more', () => {
  const hub = new CaptureHub()
  const heard: string[] = []
  hub.onCapturing(() => {
    throw new Error('broken')
  })
  const stop = hub.onCapturing((c) => heard.push(`capturing ${c}`))
  hub.onSettings(() => {
    throw new Error('broken')
  })
  const stopSettings = hub.onSettings((s) => heard.push(`cap ${s.bodyCapBytes}`))
  hub.onCleared(() => {
    throw new Error('broken')
  })
  const stopCleared = hub.onCleared((upTo) => heard.push(`cleared ${upTo}`))
  hub.pause()
  hub.pause()
  hub.updateSettings({ bodyCapBytes: 9 })
  hub.clear()
  assert.deepEqual(heard, ['capturing false', 'cap 9', 'cleared undefined'], 'pausing twice is announced once')
  stop()
  stopSettings()
  stopCleared()
  hub.resume()
  hub.updateSettings({ bodyCapBytes: 8 })
  hub.clear()
  assert.deepEqual(heard, ['capturing false', 'cap 9', 'cleared undefined'])
  assert.equal(hub.capturing, true)
  hub.close()
})

test('a completed record that updates one no longer stored is dropped; a new one is stored and sent', async () => {
  const hub = new CaptureHub({}, { intervalMs: 1 })
  const sent: ExchangeSummary[] = []
  hub.subscribe({ deliver: (b) => sent.push(...b) })
  hub.exchangeCompleted(makeRecord(1), true)
  hub.exchangeCompleted({ ...makeRecord(2), tunnel: { bytesUp: 1, bytesDown: 2 } })
  assert.equal(hub.store.size, 0)
  assert.equal(hub.broadcaster.pendingCount, 0)
  hub.exchangeCompleted(makeRecord(3))
  assert.equal(hub.broadcaster.pendingCount, 1)
  hub.exchangeCompleted({ ...makeRecord(3), status: 204 }, true)
  hub.broadcaster.flush()
  assert.deepEqual(
    sent.map((s) => [s.id, s.seq, s.status]),
    [
      ['x3', 1, 200],
      ['x3', 1, 204],
    ],
  )
  hub.close()
})

test("a hub's capture filter keeps bodies up to the hub's body cap", async () => {
  const hub = new CaptureHub({ bodyCapBytes: 3 })
  const handler = hub.captureFilter('l9', fixedClock(5))(async () => response(200, { body: 'abcdef' }))
  await handler(request({ target: '/', body: 'qwerty' }))
  const [summary] = hub.summaries()
  assert.equal(summary!.listenerId, 'l9')
  assert.equal(summary!.startedAt, 5)
  const detail = hub.detail(summary!.id)!
  assert.equal(Buffer.from(detail.requestBody!.base64, 'base64').toString(), 'qwe')
  assert.equal(Buffer.from(detail.responseBody!.base64, 'base64').toString(), 'abc')
  assert.deepEqual((await hub.search([{ kind: 'body', text: 'ABC' }])).matches, [[summary!.id]])
  hub.close()
})

test('a closed hub sends its subscribers nothing more', async () => {
  const hub = new CaptureHub({}, { intervalMs: 5 })
  const sent: ExchangeSummary[] = []
  hub.subscribe({ deliver: (b) => sent.push(...b) })
  hub.exchangeCompleted(makeRecord(1))
  hub.close()
  assert.equal(hub.broadcaster.subscriberCount, 0)
  assert.equal(hub.broadcaster.pendingCount, 0)
  await new Promise((r) => setTimeout(r, 30))
  assert.deepEqual(sent, [])
})
