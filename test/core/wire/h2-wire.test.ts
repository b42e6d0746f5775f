import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import http2 from 'node:http2'
import type { AddressInfo } from 'node:net'
import { PassThrough, Readable } from 'node:stream'
import { pipeBody } from '../../../electron/core/wire/h2-wire.ts'

/** What the client got on one stream: the bytes, and how the stream ended (its RST_STREAM code, 0 for a clean end). */
interface Received {
  readonly body: string
  readonly rstCode: number
}

for (const end of ['after-body', 'with-last-data'] as const)
  describe(`pipeBody, ending the stream ${end}, which streams a body into an HTTP/2 stream`, () => {
    let server: http2.Http2Server
    let client: http2.ClientHttp2Session
    /** Each request's body, by path: what the server pipes into the stream. */
    const bodies = new Map<string, () => Readable>()

    before(async () => {
      server = http2.createServer()
      server.on('stream', (stream, headers) => {
        stream.on('error', () => {})
        stream.respond({ ':status': 200 })
        pipeBody(bodies.get(String(headers[':path']))!(), stream, end)
      })
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      client = http2.connect(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)
      client.on('error', () => {})
    })
    after(async () => {
      client.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    })

    /** One request's body and end; `onFirstData` runs when its first bytes arrive. */
    function fetch(path: string, onFirstData?: () => void): Promise<Received> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no end of ${path} within 5 s`)), 5000)
        const stream = client.request({ ':path': path })
        const chunks: Buffer[] = []
        stream.on('data', (c: Buffer) => {
          if (chunks.push(c) === 1) onFirstData?.()
        })
        stream.on('error', () => {})
        stream.on('close', () => {
          clearTimeout(timer)
          resolve({ body: Buffer.concat(chunks).toString(), rstCode: stream.rstCode ?? 0 })
        })
      })
    }

    it('sends every chunk in order and ends the stream cleanly when the body ends', async () => {
      bodies.set('/chunks', () => Readable.from([Buffer.from('one '), Buffer.from('two '), Buffer.from('three')]))
      assert.deepEqual(await fetch('/chunks'), { body: 'one two three', rstCode: 0 })
    })

    it('keeps a large body whole through the flow-control window, pausing and resuming the body', async () => {
      const chunk = Buffer.alloc(64 * 1024, 'x')
      bodies.set('/large', () => Readable.from(Array.from({ length: 32 }, () => chunk)))
      const got = await fetch('/large')
      assert.equal(got.rstCode, 0)
      assert.equal(got.body.length, 32 * 64 * 1024)
    })

    it('delivers each of many bodies whole when they send chunks in the same loop turns', async () => {
      for (let i = 0; i < 20; i++)
        bodies.set(`/many/${i}`, () => Readable.from([`${i}:a `, `${i}:b `, `${i}:c`].map((s) => Buffer.from(s))))
      const got = await Promise.all(Array.from({ length: 20 }, (_, i) => fetch(`/many/${i}`)))
      assert.deepEqual(
        got,
        Array.from({ length: 20 }, (_, i) => ({ body: `${i}:a ${i}:b ${i}:c`, rstCode: 0 })),
      )
    })

    it('sends a chunk the body holds while it waits for more, for each of many bodies waiting at once', async () => {
      const open = new Map<string, PassThrough>()
      for (let i = 0; i < 20; i++)
        bodies.set(`/waits/${i}`, () => {
          const body = new PassThrough()
          body.write(`${i}:first `)
          open.set(`/waits/${i}`, body)
          return body
        })
      // Each body ends only once its client has its first chunk: a chunk never sent would leave the stream open.
      const got = await Promise.all(
        Array.from({ length: 20 }, (_, i) => fetch(`/waits/${i}`, () => open.get(`/waits/${i}`)?.end(`${i}:last`))),
      )
      assert.deepEqual(
        got,
        Array.from({ length: 20 }, (_, i) => ({ body: `${i}:first ${i}:last`, rstCode: 0 })),
      )
    })

    it('ends the stream at once for a body that had already ended', async () => {
      bodies.set('/ended', () => {
        const body = new PassThrough()
        body.end()
        body.resume()
        return body
      })
      await new Promise((resolve) => setImmediate(resolve))
      assert.deepEqual(await fetch('/ended'), { body: '', rstCode: 0 })
    })

    it('resets the stream (INTERNAL_ERROR) when the body fails half-way, so the client cannot take it for complete', async () => {
      bodies.set('/fails', () => {
        const body = new PassThrough()
        body.write('half ')
        setTimeout(() => body.destroy(new Error('upstream went away')), 20)
        return body
      })
      const got = await fetch('/fails')
      assert.equal(got.rstCode, http2.constants.NGHTTP2_INTERNAL_ERROR)
    })
  })
