/** The chaos waits on a real clock: they end early for a client that leaves, and leave nothing behind. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { getEventListeners } from 'node:events'
import { setTimeout as sleep } from 'node:timers/promises'
import { realSleep } from '../../electron/chaos/chaos-env.ts'

const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length
const within = (promise: Promise<void>, ms: number) => Promise.race([promise.then(() => 'done'), sleep(ms, 'waiting')])

test('a wait for a client that has already left ends at once and starts no timer', async () => {
  const aborter = new AbortController()
  aborter.abort()
  const before = timers()
  const wait = realSleep(60_000, aborter.signal)
  assert.equal(timers(), before)
  assert.equal(await within(wait, 500), 'done')
})

test('a client leaving ends the wait early, and its timer and listener go with it', async () => {
  const aborter = new AbortController()
  const before = timers()
  const wait = realSleep(60_000, aborter.signal)
  assert.equal(getEventListeners(aborter.signal, 'abort').length, 1)
  aborter.abort()
  assert.equal(timers(), before, 'the 60 s timer is cleared')
  assert.equal(await within(wait, 500), 'done')
})

test('a wait that runs its course lets go of the client signal it watched', async () => {
  const aborter = new AbortController()
  await realSleep(5, aborter.signal)
  assert.equal(getEventListeners(aborter.signal, 'abort').length, 0)
})
