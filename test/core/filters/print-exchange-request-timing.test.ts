/**
 * When the wire printer prints a request whose body is still being read as the response ends: it waits a turn for
 * the body to finish rather than print it half-read, and prints trailers only after a body that went by whole.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { PassThrough, Readable } from 'node:stream'
import { EXCHANGE_SEPARATOR, printExchange } from '../../../electron/core/filters/print-exchange.ts'
import { bodyBytes, request, response, streamBody, type Request } from '../../../electron/core/message.ts'
import { collect } from './printed-writes.ts'

test('a request body the handler is still reading when its answer ends is printed whole once it has been read', async () => {
  const out = collect()
  const body = streamBody(Readable.from([Buffer.from('still '), Buffer.from('arriving')]))
  // The handler answers at once and reads the request body afterwards, as a fire-and-forget upload would.
  const answerFirst = async (req: Request) => {
    void bodyBytes(req.body)
    return response(202, { body: 'queued' })
  }
  const res = await printExchange(out.out)(answerFirst)(
    request({ method: 'POST', target: '/q', headers: [['Host', 'h']], body }),
  )
  assert.equal(res.status, 202)
  assert.equal(
    await out.next(),
    `POST /q HTTP/1.1\nHost: h\n\nstill arriving\nHTTP/1.1 202 Accepted\n\nqueued\n${EXCHANGE_SEPARATOR}`,
  )
})

test('a request body nobody read prints as still streaming, without the trailers that would follow it', async () => {
  const out = collect()
  const upload = new PassThrough()
  upload.write('part')
  const req: Request = {
    ...request({ method: 'POST', target: '/t', headers: [['Host', 'h']], body: streamBody(upload) }),
    trailers: Promise.resolve([['X-Checksum', '7']]),
  }
  const res = await printExchange(out.out)(async () => response(200, { body: 'ok' }))(req)
  assert.equal(res.status, 200)
  const text = await out.next()
  assert.match(text, /<<body still streaming>>/)
  assert.doesNotMatch(text, /trailers|X-Checksum/)
  upload.destroy()
})
