import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Readable } from 'node:stream'
import { recordTo } from '../../electron/recording/record-to.ts'
import { bodyText, generatedResponse, request, response, streamBody } from '../../electron/core/message.ts'
import type { RecordedExchange } from '../../electron/recording/recorded-exchange.ts'
import { waitFor } from './support.ts'

/** A writer with only `append`, as other writers than the session store have. */
function keeping() {
  const kept: RecordedExchange[] = []
  return {
    kept,
    writer: {
      append: async (x: RecordedExchange) => {
        kept.push(x)
      },
    },
  }
}

test('bodies longer than the cap are recorded cut to the cap with their real length, in one chunk or many', async () => {
  for (const chunks of [['abcdef'], ['ab', 'cd', 'ef'], ['a', 'bcdef']]) {
    const { kept, writer } = keeping()
    const handler = recordTo(writer, { maxBodyBytes: 3 })(async () =>
      response(200, { body: streamBody(Readable.from(chunks.map((c) => Buffer.from(c)))) }),
    )
    const res = await handler(
      request({ method: 'POST', target: 'http://h/x', headers: [['Host', 'h']], body: 'uploaded' }),
    )
    assert.equal(await bodyText(res.body), 'abcdef', 'the client still gets every byte')
    await waitFor(() => kept.length === 1, 2000, `the record of ${chunks.join('|')}`)
    const x = kept[0]!
    assert.equal(Buffer.from(x.response.body).toString(), 'abc')
    assert.equal(Buffer.from(x.request.body).toString(), 'upl')
    assert.deepEqual(x.truncated, { request: 8, response: 6 })
  }
})

test('a body within the cap is recorded whole and the record says nothing about truncation', async () => {
  const { kept, writer } = keeping()
  const handler = recordTo(writer)(async () =>
    response(200, { body: streamBody(Readable.from([Buffer.from('one chunk')])) }),
  )
  const res = await handler(request({ target: 'http://h/y', headers: [['Host', 'h']] }))
  assert.equal(await bodyText(res.body), 'one chunk')
  await waitFor(() => kept.length === 1, 2000, 'the record')
  assert.equal(Buffer.from(kept[0]!.response.body).toString(), 'one chunk')
  assert.equal(kept[0]!.truncated, undefined)
  assert.deepEqual(res.tags, ['recorded'])
})

test('a writer that fails is reported through onSkip, and the exchange itself is unharmed', async () => {
  const skipped: string[] = []
  const writer = { append: () => Promise.reject(new Error('disk full')) }
  const handler = recordTo(writer, { onSkip: (why) => skipped.push(why) })(async () => response(200, { body: 'fine' }))
  const res = await handler(request({ target: 'http://h/z', headers: [['Host', 'h']] }))
  assert.equal(await bodyText(res.body), 'fine')
  await waitFor(() => skipped.length === 1, 2000, 'the failure report')
  assert.match(skipped[0]!, /recording failed: disk full/)
})

test('a response the upstream broke off mid-body is recorded as far as it came, with how many bytes never did', async () => {
  const { kept, writer } = keeping()
  const broken = new Readable({ read() {} })
  const handler = recordTo(writer)(async () =>
    response(200, { headers: [['Content-Length', '10']], body: streamBody(broken, 10) }),
  )
  const res = await handler(request({ target: 'http://h/cut', headers: [['Host', 'h']] }))
  const reading = bodyText(res.body).catch((error: Error) => error)
  broken.push(Buffer.from('abcd'))
  await new Promise((r) => setImmediate(r))
  broken.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }))
  assert.ok((await reading) instanceof Error, 'the client sees the body fail')
  await waitFor(() => kept.length === 1, 2000, 'the record')
  assert.equal(Buffer.from(kept[0]!.response.body).toString(), 'abcd')
  assert.deepEqual(kept[0]!.incomplete, { response: 6 })
  assert.equal(kept[0]!.generated, undefined)
})

test('a proxy-made response is recorded marked generated, with its cause and message', async () => {
  const { kept, writer } = keeping()
  const handler = recordTo(writer)(async () =>
    generatedResponse(502, 'refused', 'upstream refused the connection: h:80'),
  )
  const res = await handler(request({ target: 'http://h/down', headers: [['Host', 'h']] }))
  assert.equal(res.status, 502)
  await waitFor(() => kept.length === 1, 2000, 'the record')
  assert.deepEqual(kept[0]!.generated, { cause: 'refused', message: 'upstream refused the connection: h:80' })
  assert.equal(kept[0]!.response.status, 502)
})
