/**
 * A message's body: bytes, or a stream with a length that may be unknown. Beware: a stream body can be read once;
 * a filter that needs the bytes calls `bufferBody` (message.ts) and passes the buffered message on.
 */
import type { Readable } from 'node:stream'
import { prematureClose } from '../wire/stream-plumbing.ts'

export type Body =
  | { readonly kind: 'bytes'; readonly bytes: Uint8Array }
  | { readonly kind: 'stream'; readonly stream: Readable; readonly length: number | undefined }

export const emptyBody: Body = Object.freeze({ kind: 'bytes', bytes: new Uint8Array(0) })

export function bytesBody(content: string | Uint8Array): Body {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content
  return Object.freeze({ kind: 'bytes', bytes })
}

export function streamBody(stream: Readable, length?: number): Body {
  return Object.freeze({ kind: 'stream', stream, length })
}

/** The body's length in bytes, or undefined for a stream of unknown length. */
export function bodyLength(body: Body): number | undefined {
  return body.kind === 'bytes' ? body.bytes.byteLength : body.length
}

/** Reads a body into memory. Beware: this consumes a stream body; use the returned bytes afterwards. */
export function bodyBytes(body: Body): Promise<Buffer> {
  if (body.kind === 'bytes')
    return Promise.resolve(Buffer.from(body.bytes.buffer, body.bytes.byteOffset, body.bytes.byteLength))
  return readAll(body.stream)
}

/** Reads a stream to its end with plain listeners (cheaper than `for await`); rejects if it fails or closes early. */
function readAll(stream: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let length = 0
    if (stream.readableEnded) {
      resolve(Buffer.alloc(0))
      return
    }
    if (stream.destroyed) {
      reject(stream.errored ?? prematureClose())
      return
    }
    stream.on('data', (chunk: Buffer | string) => {
      const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
      chunks.push(b)
      length += b.byteLength
    })
    stream.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length)))
    stream.once('error', reject)
    stream.once('close', () => {
      if (!stream.readableEnded) reject(stream.errored ?? prematureClose())
    })
    stream.resume() // in case it was paused: a 'data' listener alone does not restart a paused stream
  })
}

export async function bodyText(body: Body): Promise<string> {
  return (await bodyBytes(body)).toString('utf8')
}

/** Returns the message with its body held in memory, so it can be read more than once. */

/** A body from what a message builder was given: nothing (empty), text or bytes, or a body. */
export function toBody(body: Body | string | Uint8Array | undefined): Body {
  if (body === undefined) return emptyBody
  if (typeof body === 'string' || body instanceof Uint8Array) return bytesBody(body)
  return body
}
