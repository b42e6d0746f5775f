/**
 * The edges of the wire printer: what it accepts as a body cap, how it names itself, the default cap, and that an
 * exchange whose trailers came empty prints no trailer section.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { EXCHANGE_SEPARATOR, printExchange } from '../../../electron/core/filters/print-exchange.ts'
import { request, response } from '../../../electron/core/message.ts'
import { collect } from './printed-writes.ts'

test('a body cap must be a whole number of bytes, 0 or more', () => {
  for (const cap of [-1, 1.5, Number.NaN])
    assert.throws(
      () => printExchange({ write() {} }, { bodyCap: cap }),
      new Error(`printExchange needs a bodyCap that is a whole number of bytes, got ${cap}`),
    )
  assert.equal(
    printExchange({ write() {} }, { bodyCap: 0 }).description,
    'prints each request and response as on the wire',
  )
})

test('by default 64 KiB of a body are printed and the rest counted', async () => {
  const { out, next } = collect()
  const body = 'a'.repeat(64 * 1024 + 10)
  await printExchange(out)(async () => response(200, { body }))(request({ target: '/big' }))
  const text = await next()
  assert.ok(text.includes(`${'a'.repeat(64 * 1024)}\n<<10 more bytes not shown>>\n`), 'cut after 64 KiB')
})

test('trailers that came as an empty list print no trailer section', async () => {
  const { out, next } = collect()
  await printExchange(out)(async () => ({ ...response(200, { body: 'ok' }), trailers: Promise.resolve([]) }))({
    ...request({ target: '/t', body: 'q' }),
    trailers: Promise.resolve([]),
  })
  assert.equal(await next(), `GET /t HTTP/1.1\n\nq\nHTTP/1.1 200 OK\n\nok\n${EXCHANGE_SEPARATOR}`)
})

test('a handler that throws something other than an Error still prints the request with why', async () => {
  const { out, next } = collect()
  await assert.rejects(
    printExchange(out)(async () => {
      throw 'plain string'
    })(request({ method: 'DELETE', target: '/d' })),
  )
  assert.equal(await next(), `DELETE /d HTTP/1.1\n\n<<no response: plain string>>\n${EXCHANGE_SEPARATOR}`)
})
