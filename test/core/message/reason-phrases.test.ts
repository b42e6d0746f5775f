/**
 * The reason phrase a response gets when nobody gave one: what the status line of every response Nanoscope makes
 * (a 504 for a timed-out upstream, a chaos 503, a static 404) shows on the wire and in the traffic table.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { reasonPhrase, response } from '../../../electron/core/message.ts'

/** RFC 9110 §15 (and RFC 2324 for 418), as a reader of the status line expects them. */
const RFC_9110: Array<[number, string]> = [
  [100, 'Continue'],
  [101, 'Switching Protocols'],
  [200, 'OK'],
  [201, 'Created'],
  [202, 'Accepted'],
  [204, 'No Content'],
  [206, 'Partial Content'],
  [301, 'Moved Permanently'],
  [302, 'Found'],
  [303, 'See Other'],
  [304, 'Not Modified'],
  [307, 'Temporary Redirect'],
  [308, 'Permanent Redirect'],
  [400, 'Bad Request'],
  [401, 'Unauthorized'],
  [403, 'Forbidden'],
  [404, 'Not Found'],
  [405, 'Method Not Allowed'],
  [408, 'Request Timeout'],
  [409, 'Conflict'],
  [413, 'Content Too Large'],
  [416, 'Range Not Satisfiable'],
  [418, "I'm a teapot"],
  [429, 'Too Many Requests'],
  [431, 'Request Header Fields Too Large'],
  [500, 'Internal Server Error'],
  [501, 'Not Implemented'],
  [502, 'Bad Gateway'],
  [503, 'Service Unavailable'],
  [504, 'Gateway Timeout'],
]

test('a response made without a reason carries the standard phrase of its status', () => {
  for (const [status, phrase] of RFC_9110) {
    assert.equal(reasonPhrase(status), phrase, `${status}`)
    assert.equal(response(status).reason, phrase, `response(${status})`)
  }
})

test('a status with no standard phrase listed gets an empty reason, and a given reason is kept', () => {
  assert.equal(reasonPhrase(299), '')
  assert.equal(response(599).reason, '')
  assert.equal(response(200, { reason: 'Fine' }).reason, 'Fine')
})
