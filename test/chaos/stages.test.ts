import { test } from 'node:test'
import assert from 'node:assert/strict'
import { request } from '../../electron/core/message.ts'
import { returnStatus, type Behaviour } from '../../electron/chaos/behaviours.ts'
import { chaosRequest } from '../../electron/chaos/chaos-request.ts'
import { andThen, appliedWhen, chain, repeat, until, wait } from '../../electron/chaos/stages.ts'
import { always, countdown, matchRequest } from '../../electron/chaos/triggers.ts'
import * as stages from '../../electron/chaos/stages.ts'

const req = (method = 'GET') => chaosRequest(request({ method, target: 'http://h/' }))
const name = (b: Behaviour | undefined) => b?.describe() ?? 'finished'

test('a behaviour applied when a trigger fires is finished for requests where it does not', () => {
  const stage = appliedWhen(returnStatus(418), matchRequest({ method: 'POST' }))
  assert.equal(name(stage.behaviourFor(req('POST'))), 'ReturnStatus (418)')
  assert.equal(name(stage.behaviourFor(req('GET'))), 'finished')
  assert.equal(stage.describe(), 'method == POST ReturnStatus (418)')
})

test('andThen moves onto the next stage for the same request when the first is finished', () => {
  const stage = andThen(
    appliedWhen(returnStatus(418), matchRequest({ method: 'POST' })),
    appliedWhen(returnStatus(500), always()),
  )
  assert.equal(name(stage.behaviourFor(req('POST'))), 'ReturnStatus (418)')
  assert.equal(name(stage.behaviourFor(req('GET'))), 'ReturnStatus (500)')
  assert.equal(stage.describe(), '[method == POST ReturnStatus (418)] then [Always ReturnStatus (500)]')
})

test('until latches off and is finished for the very request that fired it', () => {
  const stage = andThen(
    until(appliedWhen(returnStatus(418), always()), matchRequest({ method: 'POST' })),
    appliedWhen(returnStatus(500), always()),
  )
  assert.equal(name(stage.behaviourFor(req())), 'ReturnStatus (418)')
  assert.equal(name(stage.behaviourFor(req('POST'))), 'ReturnStatus (500)', 'the POST itself moves on')
  assert.equal(name(stage.behaviourFor(req())), 'ReturnStatus (500)', 'and it stays moved on')
  assert.match(stage.describe(), /^\[Always ReturnStatus \(418\) until method == POST\] then/)
})

test('wait applies nothing and never finishes by itself', () => {
  const stage = andThen(wait(), appliedWhen(returnStatus(500), always()))
  for (let i = 0; i < 3; i++) assert.equal(name(stage.behaviourFor(req())), 'None')
  assert.equal(wait().describe(), 'Wait')
})

test('an until countdown makes a stage last for n requests', () => {
  const stage = andThen(
    until(appliedWhen(returnStatus(418), always()), countdown(2)),
    appliedWhen(returnStatus(500), always()),
  )
  assert.deepEqual(
    [1, 2, 3, 4].map(() => name(stage.behaviourFor(req()))),
    ['ReturnStatus (418)', 'ReturnStatus (418)', 'ReturnStatus (500)', 'ReturnStatus (500)'],
  )
})

test('repeat starts its stages again afresh when they finish, for the same request', () => {
  // http4k's RepeatTest: 418 until POST, 404 until OPTIONS, 504 until TRACE; a TRACE lands back on 418.
  const build = () =>
    chain([
      until(appliedWhen(returnStatus(418), always()), matchRequest({ method: 'POST' })),
      until(appliedWhen(returnStatus(404), always()), matchRequest({ method: 'OPTIONS' })),
      until(appliedWhen(returnStatus(504), always()), matchRequest({ method: 'TRACE' })),
    ])
  const stage = repeat(build)
  const seen = ['GET', 'POST', 'GET', 'OPTIONS', 'GET', 'TRACE', 'GET'].map((m) => name(stage.behaviourFor(req(m))))
  assert.deepEqual(seen, [
    'ReturnStatus (418)',
    'ReturnStatus (404)',
    'ReturnStatus (404)',
    'ReturnStatus (504)',
    'ReturnStatus (504)',
    'ReturnStatus (418)',
    'ReturnStatus (418)',
  ])
  assert.match(stage.describe(), /^Repeat \[\[\[Always ReturnStatus \(418\) until method == POST\]/)
})

test('the stages module exports no then, so its namespace is not a thenable that await would call', async () => {
  assert.equal('then' in stages, false)
  const loaded = await import('../../electron/chaos/stages.ts')
  assert.equal(loaded.chain, stages.chain)
})
