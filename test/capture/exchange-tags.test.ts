import { test } from 'node:test'
import assert from 'node:assert/strict'
import { exchangeNote, exchangeTags } from '../../electron/capture/exchange-tags.ts'
import { generatedResponse, request, response, type Response } from '../../electron/core/message.ts'

const tagged = (tags: readonly string[] | undefined) => ({ ...request({ target: '/' }), ...(tags ? { tags } : {}) })

test("an exchange's tags are the request's, then the response's that are not already there", () => {
  const res = response(200, { tags: ['recorded', 'replayed', 'chaos'] })
  assert.deepEqual(exchangeTags(tagged(['replayed', 'resent']), res), ['replayed', 'resent', 'recorded', 'chaos'])
  assert.deepEqual(exchangeTags(tagged(undefined), res), ['recorded', 'replayed', 'chaos'])
  assert.deepEqual(exchangeTags(tagged([]), res), ['recorded', 'replayed', 'chaos'])
  assert.deepEqual(exchangeTags(tagged(['resent']), undefined), ['resent'])
  assert.deepEqual(exchangeTags(tagged(undefined), undefined), [])
  assert.deepEqual(exchangeTags(tagged(undefined), response(200)), [])
})

test('a response Nanoscope made is tagged generated, and one that became a tunnel is tagged tunnel, once each', () => {
  const generated = generatedResponse(502, 'refused', 'upstream refused')
  assert.deepEqual(exchangeTags(tagged(undefined), generated), ['generated'])
  const tunnel: Response = { ...response(101), tunnel: async () => ({ bytesUp: 0, bytesDown: 0 }) }
  assert.deepEqual(exchangeTags(tagged(['resent']), tunnel), ['resent', 'tunnel'])
  const both: Response = { ...generated, tags: ['chaos', 'generated', 'tunnel'], tunnel: tunnel.tunnel }
  assert.deepEqual(exchangeTags(tagged(undefined), both), ['chaos', 'generated', 'tunnel'])
  const taggedTunnel: Response = { ...tunnel, tags: ['websocket'] }
  assert.deepEqual(exchangeTags(tagged(undefined), taggedTunnel), ['websocket', 'tunnel'])
})

test("a chaos exchange's note is what its chaos header says, whatever the header's case", () => {
  const res = response(200, { headers: [['x-nanoscope-chaos', 'latency 300 ms']], tags: ['chaos'] })
  assert.equal(exchangeNote(res, ['chaos', 'note:not this one']), 'latency 300 ms')
  assert.equal(exchangeNote(response(200, { tags: ['chaos'] }), ['chaos']), undefined)
})

test("an exchange's note is the text after note: in its first note tag, when chaos did not write one", () => {
  const res = response(200, { headers: [['X-Nanoscope-Chaos', 'unused']] })
  assert.equal(exchangeNote(res, ['x', 'note:the breakpoint timed out', 'note:second']), 'the breakpoint timed out')
  assert.equal(exchangeNote(undefined, ['chaos', 'note:held']), 'held', 'no response: the tag still speaks')
  assert.equal(exchangeNote(res, ['notes', 'xnote:a']), undefined)
  assert.equal(exchangeNote(res, ['note:']), '')
})
