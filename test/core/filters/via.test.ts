import { test } from 'node:test'
import assert from 'node:assert/strict'
import { generatedResponse, headerValues, request, response, type Request } from '../../../electron/core/message.ts'
import { addVia } from '../../../electron/core/filters/via.ts'

test('addVia appends this hop to the request and the response with each message’s version', async () => {
  let seen: Request | undefined
  const res = await addVia()(async (req) => {
    seen = req
    return response(200, { version: '1.0', headers: [['Via', '1.1 cdn']] })
  })(request({ target: '/', headers: [['Host', 'h']] }))
  assert.deepEqual(seen?.headers, [
    ['Host', 'h'],
    ['Via', '1.1 nanoscope'],
  ])
  assert.deepEqual(headerValues(res, 'via'), ['1.1 cdn', '1.0 nanoscope'])
})

test('addVia uses the pseudonym it is given and refuses one that is not a token', async () => {
  let seen: Request | undefined
  await addVia('scope.local')(async (req) => {
    seen = req
    return response(200)
  })(request({ target: '/', version: '1.0' }))
  assert.deepEqual(seen?.headers, [['Via', '1.0 scope.local']])
  assert.throws(() => addVia('two words'), /one token/)
})

test('addVia leaves responses Nanoscope generated without a Via', async () => {
  const res = await addVia()(async () => generatedResponse(502, 'refused', 'upstream refused'))(
    request({ target: '/' }),
  )
  assert.deepEqual(headerValues(res, 'Via'), [])
})
