import { test } from 'node:test'
import assert from 'node:assert/strict'
import { PassThrough } from 'node:stream'
import { nodeClient } from '../../../electron/core/client/node-client.ts'
import { bodyText, request, streamBody } from '../../../electron/core/message.ts'
import { within } from '../server/net-fixtures.ts'
import { scriptedUpstream } from './scripted-upstream.ts'

test('an upstream that answers before the upload has ended gets no more of it: the upload is let go and the connection closed', async () => {
  const upstream = await scriptedUpstream(() => {})
  const client = nodeClient({ timeoutMs: 3000 })
  try {
    const upload = new PassThrough()
    const pending = client(request({ method: 'POST', target: `${upstream.url}/big`, body: streamBody(upload, 1000) }))
    upload.write('first part')
    const connection = await upstream.accepted(1)
    await within(
      2000,
      new Promise<void>((resolve) => {
        const poll = (): void => (connection.received.endsWith('first part') ? resolve() : void setTimeout(poll, 5))
        poll()
      }),
      'the first part to arrive',
    )
    connection.socket.write('HTTP/1.1 413 Content Too Large\r\nContent-Length: 8\r\n\r\ntoo big!')
    const res = await within(2000, pending, 'the answer')
    assert.equal(res.status, 413)
    assert.equal(await bodyText(res.body), 'too big!')
    await within(2000, connection.closed, 'the connection to close')
    assert.equal(upload.listenerCount('data'), 0, 'nothing reads the rest of the upload')
    upload.write('second part')
    assert.equal(upload.isPaused(), false, 'the upload is not held back waiting for a connection that is gone')
    upload.destroy()
  } finally {
    client.close()
    await upstream.close()
  }
})
