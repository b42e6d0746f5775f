/**
 * writeH2Response at its edges, with a stand-in stream recording what node:http2 would be asked: a bodiless answer
 * never writes the body it was given, and a body nobody will send (the stream is gone, or the answer is bodiless) is
 * read off so its upstream is freed.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { EventEmitter } from 'node:events'
import type { ServerHttp2Stream } from 'node:http2'
import { PassThrough } from 'node:stream'
import { writeH2Response } from '../../../electron/core/server/h2-server.ts'
import { response, streamBody } from '../../../electron/core/message.ts'

function standIn(gone = false) {
  const calls: unknown[][] = []
  const stream = Object.assign(new EventEmitter(), {
    destroyed: gone,
    closed: false,
    headersSent: false,
    respond(headers: Record<string, unknown>, opts: Record<string, unknown>) {
      calls.push(['respond', headers, opts])
    },
    end(bytes?: Uint8Array) {
      calls.push(['end', bytes === undefined ? undefined : Buffer.from(bytes).toString()])
    },
    write(bytes: Uint8Array) {
      calls.push(['write', Buffer.from(bytes).toString()])
      return true
    },
    close(code: number) {
      calls.push(['close', code])
    },
  })
  return { calls, h2: stream as unknown as ServerHttp2Stream }
}

test('h2 answers to HEAD, 204 and 304 never write the bytes body they were given', () => {
  for (const [method, status] of [
    ['HEAD', 200],
    ['GET', 204],
    ['GET', 304],
  ] as const) {
    const { calls, h2 } = standIn()
    writeH2Response(h2, method, response(status, { body: 'hello' }))
    assert.deepEqual(
      calls,
      [['respond', { ':status': status }, { endStream: true, waitForTrailers: false }]],
      `${method} ${status}`,
    )
  }
})

test('an h2 answer to HEAD reads off its stream body, which is never written', async () => {
  const { calls, h2 } = standIn()
  const body = new PassThrough()
  writeH2Response(h2, 'HEAD', response(200, { body: streamBody(body) }))
  assert.equal(body.readableFlowing, true, 'the body flows, so its upstream is drained')
  body.end('unsent')
  await new Promise((resolve) => setImmediate(resolve))
  assert.deepEqual(calls, [['respond', { ':status': 200 }, { endStream: true, waitForTrailers: false }]])
})

test('an answer for an h2 stream already gone reads off its stream body and asks nothing of the stream', () => {
  const { calls, h2 } = standIn(true)
  const body = new PassThrough()
  assert.equal(body.readableFlowing, null)
  writeH2Response(h2, 'GET', response(200, { body: streamBody(body) }))
  assert.equal(body.readableFlowing, true, 'the body flows, so its upstream is drained')
  assert.deepEqual(calls, [])
})
