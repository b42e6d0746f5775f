/**
 * Holding a body in memory while a breakpoint waits, up to a limit. A body past the limit is not held: the
 * bytes already read are put back in front of the rest, so it passes on unchanged and still streams.
 */
import { PassThrough } from 'node:stream'
import { streamBody, type Body } from '../core/message.ts'

/** The most a breakpoint holds of one body (8 MiB): past this, the editor could not show it usefully anyway. */
export const HOLD_LIMIT_BYTES = 8 * 1024 * 1024

export type Held = { readonly held: Buffer } | { readonly passed: Body }

export function holdBody(body: Body, limit = HOLD_LIMIT_BYTES): Promise<Held> {
  if (body.kind === 'bytes') {
    const bytes = Buffer.from(body.bytes.buffer, body.bytes.byteOffset, body.bytes.byteLength)
    return Promise.resolve(bytes.byteLength <= limit ? { held: bytes } : { passed: body })
  }
  if (body.length !== undefined && body.length > limit) return Promise.resolve({ passed: body })
  const stream = body.stream
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const cleanup = (): void => {
      stream.off('data', onData)
      stream.off('end', onEnd)
      stream.off('error', onError)
      stream.off('close', onClose)
    }
    const onData = (chunk: Buffer | string): void => {
      const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
      chunks.push(b)
      size += b.byteLength
      if (size <= limit) return
      // Too large: give the bytes back in front of the rest and let it stream on.
      stream.pause()
      cleanup()
      const out = new PassThrough()
      for (const c of chunks) out.write(c)
      stream.on('error', (e) => out.destroy(e))
      stream.pipe(out)
      resolve({ passed: streamBody(out, body.length) })
    }
    const onEnd = (): void => {
      cleanup()
      resolve({ held: Buffer.concat(chunks, size) })
    }
    const onError = (e: Error): void => {
      cleanup()
      reject(e)
    }
    const onClose = (): void => {
      if (!stream.readableEnded) {
        cleanup()
        reject(stream.errored ?? new Error('the body closed before it ended'))
      }
    }
    stream.on('data', onData)
    stream.once('end', onEnd)
    stream.once('error', onError)
    stream.once('close', onClose)
    stream.resume()
  })
}
