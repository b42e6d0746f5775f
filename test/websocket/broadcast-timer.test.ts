/**
 * The shared timer of a broadcast (the websocket clock): it starts with the first client, keeps going while any
 * client stays, and stops with the last one, with fake websockets and, once, the real Node timers.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { broadcastEvery, type Timers } from '../../electron/core/websocket/broadcast-every.ts'
import type { Websocket, WsCloseStatus } from '../../electron/core/websocket/websocket.ts'

function fakeSocket(): Websocket & { sent: Array<string | Uint8Array>; leave(): void } {
  const closeListeners: Array<(s: WsCloseStatus) => void> = []
  const sent: Array<string | Uint8Array> = []
  return {
    sent,
    request: undefined as never,
    isOpen: true,
    bufferedAmount: 0,
    send: (m) => sent.push(m),
    close() {},
    onMessage() {},
    onClose: (l) => closeListeners.push(l),
    leave: () => closeListeners.forEach((l) => l({ code: 1000, reason: '' })),
  }
}

function fakeTimers() {
  const running = new Map<number, () => void>()
  let next = 1
  const timers: Timers = {
    setInterval(callback) {
      running.set(next, callback)
      return next++
    },
    clearInterval(handle) {
      assert.ok(running.delete(handle as number), 'clears a running timer')
    },
  }
  return { timers, running, fire: () => [...running.values()].forEach((f) => f()) }
}

test('the timer starts with the first client, keeps going while one stays, and stops with the last', () => {
  const { timers, running, fire } = fakeTimers()
  let n = 0
  const clock = broadcastEvery(1000, () => `tick ${++n}`, timers)
  assert.equal(clock.ticking, false)
  const a = fakeSocket()
  const b = fakeSocket()
  clock(a)
  clock(b)
  assert.equal(running.size, 1, 'one shared timer')
  assert.deepEqual([a.sent, b.sent], [['tick 1'], ['tick 2']], 'each gets a message on joining')
  fire()
  assert.deepEqual([a.sent.at(-1), b.sent.at(-1)], ['tick 3', 'tick 3'], 'one message per tick, the same for all')
  a.leave()
  assert.equal(clock.clients, 1)
  assert.equal(clock.ticking, true, 'still one client')
  assert.equal(running.size, 1)
  b.leave()
  assert.equal(clock.clients, 0)
  assert.equal(clock.ticking, false)
  assert.equal(running.size, 0, 'the timer was cleared')
  const c = fakeSocket()
  clock(c)
  assert.equal(running.size, 1, 'a new client starts it again')
  assert.equal(clock.ticking, true)
})

test('with Node’s timers, nothing is computed once the last client has left', async () => {
  let calls = 0
  const clock = broadcastEvery(5, () => {
    calls++
    return 'now'
  })
  const a = fakeSocket()
  clock(a)
  await new Promise((r) => setTimeout(r, 40))
  assert.ok(a.sent.length >= 2, 'ticks came while the client stayed')
  a.leave()
  const after = calls
  await new Promise((r) => setTimeout(r, 40))
  assert.equal(calls, after, 'no tick after the last client left')
})

test('an interval must be above 0 ms, and the broadcast says what it does', () => {
  for (const bad of [0, -5, Number.NaN])
    assert.throws(
      () => broadcastEvery(bad, () => ''),
      new Error(`broadcastEvery needs an interval above 0 ms, such as 1000; got ${bad}`),
    )
  assert.equal(
    broadcastEvery(250, () => '').description,
    'sends each client a message when it joins, then every 250 ms on one shared timer',
  )
})
