/**
 * A broadcast (the websocket clock) whose client reports leaving twice, or is handed to it twice: the shared timer
 * is stopped once, when the last client goes, and never asked to stop a timer that is not running.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { broadcastEvery, type Timers } from '../../electron/core/websocket/broadcast-every.ts'
import type { Websocket, WsCloseStatus } from '../../electron/core/websocket/websocket.ts'

function client(): Websocket & { leave(): void } {
  const listeners: Array<(s: WsCloseStatus) => void> = []
  return {
    request: undefined as never,
    isOpen: true,
    bufferedAmount: 0,
    send() {},
    close() {},
    onMessage() {},
    onClose: (l) => listeners.push(l),
    leave: () => listeners.forEach((l) => l({ code: 1000, reason: '' })),
  }
}

function countingTimers() {
  const cleared: unknown[] = []
  let started = 0
  const timers: Timers = {
    setInterval: () => ++started,
    clearInterval: (handle) => cleared.push(handle),
  }
  return { timers, cleared, started: () => started }
}

test('a client that reports leaving twice stops the shared timer once', () => {
  const { timers, cleared } = countingTimers()
  const clock = broadcastEvery(1000, () => 'now', timers)
  const a = client()
  clock(a)
  a.leave()
  a.leave()
  assert.deepEqual(cleared, [1], 'the one timer, stopped once')
  assert.equal(clock.ticking, false)
})

test('a client handed to the broadcast twice counts once, and its leaving stops the timer once', () => {
  const { timers, cleared, started } = countingTimers()
  const clock = broadcastEvery(1000, () => 'now', timers)
  const a = client()
  clock(a)
  clock(a)
  assert.equal(clock.clients, 1)
  assert.equal(started(), 1)
  a.leave()
  assert.deepEqual(cleared, [1])
})
