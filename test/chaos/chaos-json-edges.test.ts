import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fixedClock } from '../../electron/core/clock.ts'
import { bodyText, request, response } from '../../electron/core/message.ts'
import { chaosEnv } from '../../electron/chaos/chaos-env.ts'
import { buildBehaviour, buildTrigger } from '../../electron/chaos/chaos-json.ts'

const env = chaosEnv({ clock: fixedClock(0), seed: 1 })

test('a response behaviour without a body answers with an empty one', async () => {
  const res = await buildBehaviour({ type: 'response', status: 503 }, env).apply(request({ target: '/' }), async () =>
    response(200, { body: 'upstream' }),
  )
  assert.equal(res.status, 503)
  assert.equal(await bodyText(res.body), '')
})

test('an unknown behaviour or trigger type is a programmer error that says to validate first', () => {
  assert.throws(
    () => buildBehaviour({ type: 'explode' }, env),
    /^Error: unknown behaviour "explode": validate with parseStages first$/,
  )
  assert.throws(
    () => buildTrigger({ type: 'sometimes' }, env),
    /^Error: unknown trigger "sometimes": validate with parseStages first$/,
  )
})
