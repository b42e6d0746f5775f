import { test } from 'node:test'
import assert from 'node:assert/strict'
import { PassThrough } from 'node:stream'
import { recordTo } from '../../electron/recording/record-to.ts'
import { bodyText, request, response, streamBody } from '../../electron/core/message.ts'
import type { RecordedExchange } from '../../electron/recording/recorded-exchange.ts'

test('an exchange whose handler never reads the streamed request body is still recorded, after the grace period', async () => {
  const written: RecordedExchange[] = []
  const writer = {
    append: async (x: RecordedExchange) => {
      written.push(x)
    },
  }
  // The handler answers without reading the body (as a stand-in or a chaos status does).
  const handler = recordTo(writer)(async () => response(200, { body: 'answered without reading' }))
  const upload = new PassThrough()
  upload.end('the body nobody read')
  const res = await handler(
    request({
      method: 'POST',
      target: 'http://api.test/upload',
      headers: [['Host', 'api.test']],
      body: streamBody(upload, 20),
    }),
  )
  assert.equal(await bodyText(res.body), 'answered without reading')
  const deadline = Date.now() + 5000
  while (written.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
  assert.equal(written.length, 1)
  assert.equal(Buffer.from(written[0]!.request.body).toString(), 'the body nobody read')
})

test('a large request body nobody reads is recorded after the grace period as far as it was read, saying how much never was', async () => {
  const skipped: string[] = []
  const written: RecordedExchange[] = []
  const handler = recordTo(
    {
      append: async (x: RecordedExchange) => {
        written.push(x)
      },
    },
    { onSkip: (why) => skipped.push(why) },
  )(async () => response(503, { body: 'not now' }))
  const upload = new PassThrough()
  upload.write(Buffer.alloc(512 * 1024, 1)) // the client sends half of what it announced, then waits
  const res = await handler(
    request({
      method: 'PUT',
      target: 'http://api.test/big',
      headers: [['Host', 'api.test']],
      body: streamBody(upload, 1024 * 1024),
    }),
  )
  assert.equal(await bodyText(res.body), 'not now')
  const deadline = Date.now() + 5000
  while (written.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
  assert.deepEqual(skipped, [])
  assert.equal(written.length, 1)
  const read = written[0]!.request.body.byteLength
  assert.ok(read > 0 && read < 1024 * 1024, `read ${read}`)
  assert.deepEqual(written[0]!.incomplete, { request: 1024 * 1024 - read })
  assert.equal(written[0]!.response.status, 503)
  upload.destroy()
})
