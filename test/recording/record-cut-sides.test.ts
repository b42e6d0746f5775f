// What a record says about which side was cut at the body cap, and trailers that came empty on a request.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Readable } from 'node:stream'
import { bodyText, type Headers, request, response, streamBody } from '../../electron/core/message.ts'
import type { RecordedExchange } from '../../electron/recording/recorded-exchange.ts'
import { recordTo } from '../../electron/recording/record-to.ts'
import { waitFor } from './support.ts'

/** Records one exchange through recordTo with a 4-byte cap: `requestBody` sent, `responseBody` answered. */
async function recordOne(requestBody: string, responseBody: string): Promise<RecordedExchange> {
  const kept: RecordedExchange[] = []
  const handler = recordTo(
    { append: async (x: RecordedExchange) => void kept.push(x) },
    { maxBodyBytes: 4 },
  )(async () => response(200, { body: streamBody(Readable.from([Buffer.from(responseBody)])) }))
  const res = await handler(
    request({ method: 'POST', target: 'http://h.test/x', headers: [['Host', 'h.test']], body: requestBody }),
  )
  assert.equal(await bodyText(res.body), responseBody, 'the client gets the whole body')
  await waitFor(() => kept.length === 1, 2000, 'the record')
  return kept[0]!
}

test('a response cut at the cap beside a whole request is recorded with only the response marked truncated', async () => {
  const x = await recordOne('ab', 'abcdefgh')
  assert.deepEqual(x.truncated, { response: 8 })
  assert.equal(Buffer.from(x.response.body).toString(), 'abcd')
  assert.equal(Buffer.from(x.request.body).toString(), 'ab')
})

test('a request cut at the cap beside a whole response is recorded with only the request marked truncated', async () => {
  const x = await recordOne('abcdefgh', 'ok')
  assert.deepEqual(x.truncated, { request: 8 })
  assert.equal(Buffer.from(x.request.body).toString(), 'abcd')
})

test('a body exactly as long as the cap is whole: the record says nothing about truncation', async () => {
  const x = await recordOne('abcd', 'wxyz')
  assert.equal('truncated' in x, false)
})

test('a streamed request whose trailers came empty is recorded with no trailers field', async () => {
  const kept: RecordedExchange[] = []
  const handler = recordTo({ append: async (x: RecordedExchange) => void kept.push(x) })(async (req) => {
    await bodyText(req.body)
    return response(200, { body: 'ok' })
  })
  const req = Object.freeze({
    ...request({
      method: 'POST',
      target: 'http://h.test/up',
      headers: [['Host', 'h.test']],
      body: streamBody(Readable.from([Buffer.from('sent')])),
    }),
    trailers: Promise.resolve<Headers>([]),
  })
  await bodyText((await handler(req)).body)
  await waitFor(() => kept.length === 1, 2000, 'the record')
  assert.equal(Buffer.from(kept[0]!.request.body).toString(), 'sent')
  assert.equal('trailers' in kept[0]!.request, false)
})

test('an OPTIONS exchange, seven letters like CONNECT, is recorded; only CONNECT is a tunnel left out', async () => {
  const kept: RecordedExchange[] = []
  const skipped: string[] = []
  const handler = recordTo(
    { append: async (x: RecordedExchange) => void kept.push(x) },
    { onSkip: (why) => skipped.push(why) },
  )(async () => response(204))
  for (const method of ['OPTIONS', 'CONNECT'])
    await bodyText((await handler(request({ method, target: 'http://h.test/x', headers: [['Host', 'h.test']] }))).body)
  await waitFor(() => kept.length + skipped.length === 2, 2000, 'both exchanges seen')
  assert.deepEqual(
    kept.map((x) => x.request.method),
    ['OPTIONS'],
  )
  assert.deepEqual(skipped, ['CONNECT http://h.test/x: tunnels are not recorded'])
})
