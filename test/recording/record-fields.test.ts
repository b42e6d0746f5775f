import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Readable } from 'node:stream'
import { fixedClock } from '../../electron/core/clock.ts'
import { bodyText, generatedResponse, request, response, streamBody } from '../../electron/core/message.ts'
import { absoluteUrl, DEFAULT_MAX_RECORDED_BODY, recordTo } from '../../electron/recording/record-to.ts'
import type { RecordedExchange } from '../../electron/recording/recorded-exchange.ts'
import { waitFor } from './support.ts'

/** A writer with `enqueue`, as the session store has, keeping what it is given. */
function queueing() {
  const kept: RecordedExchange[] = []
  return {
    kept,
    writer: {
      description: 'keeps records in a list',
      append: async () => assert.fail('a writer with enqueue is given records through it'),
      enqueue: (x: RecordedExchange, settled: (error?: Error) => void) => {
        kept.push(x)
        settled(undefined)
      },
    },
  }
}

test('a record holds the time the request arrived, its duration and wait to the microsecond, and the messages as they went', async () => {
  const clock = fixedClock(1_700_000_000_000)
  const { kept, writer } = queueing()
  const filter = recordTo(writer, { clock })
  assert.equal((filter as { description?: string }).description, 'keeps records in a list')
  const handler = filter(async () => {
    clock.advance(12.3456789)
    return response(201, {
      reason: 'Made',
      version: '1.0',
      headers: [['X-R', '1']],
      body: 'done',
      tags: ['chaos'],
    })
  })
  const res = await handler(
    request({
      method: 'PUT',
      target: '/things/1?x=2',
      version: '1.1',
      headers: [['Host', 'api.test:8080']],
      body: 'in',
    }),
  )
  assert.deepEqual(res.tags, ['chaos', 'recorded'])
  assert.equal(await bodyText(res.body), 'done')
  assert.equal(kept.length, 1)
  assert.deepEqual(
    { ...kept[0]!, request: { ...kept[0]!.request, body: 'x' }, response: { ...kept[0]!.response, body: 'x' } },
    {
      startedAt: 1_700_000_000_000,
      durationMs: 12.346,
      waitMs: 12.346,
      request: {
        method: 'PUT',
        url: 'http://api.test:8080/things/1?x=2',
        version: '1.1',
        headers: [['Host', 'api.test:8080']],
        body: 'x',
      },
      response: { status: 201, reason: 'Made', version: '1.0', headers: [['X-R', '1']], body: 'x' },
      tags: ['chaos'],
    },
  )
  assert.equal(Buffer.from(kept[0]!.request.body).toString(), 'in')
  assert.equal(Buffer.from(kept[0]!.response.body).toString(), 'done')
})

test('the wait is to the response head, the duration to the end of its streamed body', async () => {
  const clock = fixedClock(0)
  const { kept, writer } = queueing()
  const body = new Readable({ read() {} })
  const handler = recordTo(writer, { clock })(async () => {
    clock.advance(5)
    return response(200, { body: streamBody(body) })
  })
  const res = await handler(request({ target: 'http://h.test/s', headers: [['Host', 'h.test']] }))
  assert.deepEqual(res.tags, ['recorded'])
  const reading = bodyText(res.body)
  body.push('part one, ')
  await new Promise((r) => setImmediate(r))
  clock.advance(20)
  body.push('part two')
  body.push(null)
  assert.equal(await reading, 'part one, part two')
  await waitFor(() => kept.length === 1, 2000, 'the record')
  assert.equal(kept[0]!.waitMs, 5)
  assert.equal(kept[0]!.durationMs, 25)
  assert.equal(Buffer.from(kept[0]!.response.body).toString(), 'part one, part two')
  assert.equal('truncated' in kept[0]!, false)
  assert.equal('tags' in kept[0]!, false)
})

test('tunnels and CONNECT exchanges are passed on unrecorded, and onSkip hears why', async () => {
  const { kept, writer } = queueing()
  const skipped: string[] = []
  const handler = recordTo(writer, { onSkip: (why) => skipped.push(why) })(async () => response(200))
  const res = await handler(request({ method: 'connect', target: 'h.test:443' }))
  assert.equal(res.tags, undefined, 'not tagged recorded')
  assert.deepEqual(skipped, ['connect h.test:443: tunnels are not recorded'])
  await handler(request({ method: 'CONNECTX', target: 'http://h.test/' }))
  assert.equal(kept.length, 1, 'a method that only starts with CONNECT is recorded')
})

test('an exchange whose client went away while the response streamed is recorded as far as it went, tagged client-aborted with a note', async () => {
  const { kept, writer } = queueing()
  const skipped: string[] = []
  const abort = new AbortController()
  const body = new Readable({ read() {} })
  const handler = recordTo(writer, { onSkip: (why) => skipped.push(why) })(async () =>
    response(200, { headers: [['Content-Length', '100']], body: streamBody(body, 100), tags: ['chaos'] }),
  )
  const res = await handler(
    Object.freeze({
      ...request({ target: 'http://h.test/gone', headers: [['Host', 'h.test']] }),
      signal: abort.signal,
    }),
  )
  const reading = bodyText(res.body).catch(() => 'failed')
  body.push('some')
  await new Promise((r) => setImmediate(r))
  abort.abort()
  body.destroy(new Error('client gone'))
  assert.equal(await reading, 'failed')
  await waitFor(() => kept.length === 1, 2000, 'the record')
  const x = kept[0]!
  assert.deepEqual(
    [x.response.status, Buffer.from(x.response.body).toString(), x.incomplete, x.tags, x.note, x.generated],
    [
      200,
      'some',
      { response: 96 },
      ['chaos', 'client-aborted'],
      'the client went away before the response ended',
      undefined,
    ],
  )
  assert.deepEqual(skipped, [])
})

test('a client gone before the head, answered with the 499 client-aborted, is recorded with the same tag and no note', async () => {
  const { kept, writer } = queueing()
  const handler = recordTo(writer)(async () =>
    generatedResponse(499, 'client-aborted', 'the client went away before h.test:80 answered'),
  )
  await handler(request({ target: 'http://h.test/early', headers: [['Host', 'h.test']] }))
  await waitFor(() => kept.length === 1, 2000, 'the record')
  const x = kept[0]!
  assert.deepEqual(
    [x.response.status, x.generated?.cause, x.tags, x.note],
    [499, 'client-aborted', ['client-aborted'], undefined],
  )
})

test('a streamed body of unknown length that broke off is recorded incomplete by an unknown amount', async () => {
  const { kept, writer } = queueing()
  const body = new Readable({ read() {} })
  const handler = recordTo(writer)(async () => response(200, { body: streamBody(body, undefined) }))
  const res = await handler(request({ target: 'http://h.test/cut', headers: [['Host', 'h.test']] }))
  const reading = bodyText(res.body).catch(() => 'failed')
  body.push('abc')
  await new Promise((r) => setImmediate(r))
  body.destroy(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))
  assert.equal(await reading, 'failed')
  await waitFor(() => kept.length === 1, 2000, 'the record')
  assert.deepEqual(kept[0]!.incomplete, { response: null })
  assert.equal(Buffer.from(kept[0]!.response.body).toString(), 'abc')
})

test('a bytes body over the cap is recorded cut with its real length; at the cap it is whole', async () => {
  const { kept, writer } = queueing()
  const handler = recordTo(writer, { maxBodyBytes: 4 })(async (req) =>
    response(200, { body: req.target.endsWith('/big') ? 'abcdefgh' : 'abcd' }),
  )
  await handler(request({ method: 'POST', target: 'http://h.test/big', body: '12345' }))
  await handler(request({ method: 'POST', target: 'http://h.test/fits', body: '1234' }))
  assert.equal(kept.length, 2)
  assert.deepEqual(kept[0]!.truncated, { request: 5, response: 8 })
  assert.equal(Buffer.from(kept[0]!.request.body).toString(), '1234')
  assert.equal(Buffer.from(kept[0]!.response.body).toString(), 'abcd')
  assert.equal('truncated' in kept[1]!, false)
  assert.equal(DEFAULT_MAX_RECORDED_BODY, 32 * 1024 * 1024)
})

test('a record that the writer refuses at once is reported, and the exchange goes on', async () => {
  const skipped: string[] = []
  const writer = {
    append: async () => {},
    enqueue: () => {
      throw new Error('closed')
    },
  }
  const handler = recordTo(writer, { onSkip: (why) => skipped.push(why) })(async () => response(200, { body: 'ok' }))
  const res = await handler(request({ target: 'http://h.test/' }))
  assert.equal(await bodyText(res.body), 'ok')
  assert.deepEqual(skipped, ['recording failed: closed'])
  const told: string[] = []
  const settledWithError = recordTo(
    { append: async () => {}, enqueue: (_x, settled) => settled(new Error('disk full')) },
    { onSkip: (why) => told.push(why) },
  )(async () => response(200))
  await settledWithError(request({ target: 'http://h.test/' }))
  assert.deepEqual(told, ['recording failed: disk full'])
})

test('an origin-form request is recorded under http:// and its Host, or localhost without one', () => {
  assert.equal(absoluteUrl(request({ target: '/a?b', headers: [['host', 'x.test:81']] })), 'http://x.test:81/a?b')
  assert.equal(absoluteUrl(request({ target: '/a' })), 'http://localhost/a')
  assert.equal(absoluteUrl(request({ target: 'https://y.test/a' })), 'https://y.test/a')
})
