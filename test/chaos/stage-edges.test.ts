import { test } from 'node:test'
import assert from 'node:assert/strict'
import { request } from '../../electron/core/message.ts'
import { returnStatus, type Behaviour } from '../../electron/chaos/behaviours.ts'
import { chaosRequest } from '../../electron/chaos/chaos-request.ts'
import { andThen, appliedWhen, chain, repeat, until, wait, type Stage } from '../../electron/chaos/stages.ts'
import { always, countdown, matchRequest } from '../../electron/chaos/triggers.ts'

const req = (method = 'GET') => chaosRequest(request({ method, target: 'http://h/' }))
const name = (b: Behaviour | undefined) => b?.describe() ?? 'finished'
const byBody = () => matchRequest({ body: '.*x.*' })
const plain = (code = 418): Stage => appliedWhen(returnStatus(code), always())

test('a stage needs the request body exactly when one of its triggers reads it', () => {
  assert.equal(plain().needsBody, false)
  assert.equal(wait().needsBody, false)
  assert.equal(appliedWhen(returnStatus(418), byBody()).needsBody, true)
  const reading = appliedWhen(returnStatus(418), byBody())
  assert.deepEqual(
    [andThen(plain(), plain()), andThen(reading, plain()), andThen(plain(), reading), andThen(reading, reading)].map(
      (s) => s.needsBody,
    ),
    [false, true, true, true],
  )
  assert.deepEqual(
    [until(plain(), always()), until(reading, always()), until(plain(), byBody())].map((s) => s.needsBody),
    [false, true, true],
  )
})

test('a repeating stage needs the body while its current round does', () => {
  let round = 0
  const stage = repeat(() => {
    round++
    return round === 1 ? until(plain(), countdown(1)) : appliedWhen(returnStatus(500), byBody())
  })
  assert.equal(stage.needsBody, false, 'the first round reads no body')
  assert.equal(name(stage.behaviourFor(req())), 'ReturnStatus (418)')
  assert.equal(name(stage.behaviourFor(req())), 'finished', 'the second round is no body match')
  assert.equal(stage.needsBody, true, 'the second round reads bodies')
})

test('chain needs at least one stage, and a chain of one is that stage', () => {
  assert.throws(() => chain([]), new Error('chain needs at least one stage'))
  const only = plain()
  assert.equal(chain([only]), only)
  assert.equal(
    chain([plain(), plain(500), plain(503)]).describe(),
    '[[Always ReturnStatus (418)] then [Always ReturnStatus (500)]] then [Always ReturnStatus (503)]',
  )
})

test('a repeating stage describes the round it is in', () => {
  let round = 0
  const stage = repeat(() => {
    round++
    return until(plain(400 + round), countdown(1))
  })
  assert.equal(stage.describe(), 'Repeat [Always ReturnStatus (401) until Countdown (1 remaining)]')
  assert.equal(name(stage.behaviourFor(req())), 'ReturnStatus (401)')
  assert.equal(
    name(stage.behaviourFor(req())),
    'ReturnStatus (402)',
    'the finished round is rebuilt for the same request',
  )
  assert.equal(stage.describe(), 'Repeat [Always ReturnStatus (402) until Countdown (0 remaining)]')
})

test('until stays finished once its trigger fired, even when the trigger would not fire again', () => {
  const stage = until(plain(), matchRequest({ method: 'POST' }))
  assert.deepEqual(
    ['GET', 'POST', 'GET', 'PUT'].map((m) => name(stage.behaviourFor(req(m)))),
    ['ReturnStatus (418)', 'finished', 'finished', 'finished'],
  )
  assert.equal(stage.describe(), 'Always ReturnStatus (418) until method == POST')
})
