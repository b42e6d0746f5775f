/** Body surgery for the chaos behaviours: cutting, resetting and dribbling, streaming where possible. */
import { Readable, Transform } from 'node:stream'
import {
  bodyLength,
  bytesBody,
  header,
  replaceHeader,
  withoutHeaders,
  streamBody,
  type Body,
  type Request,
  type Response,
} from '../core/message.ts'

/**
 * The message with its body cut to at most `limit` bytes and any Content-Length made to match (or removed when the
 * cut's length cannot be known). The rest of a streamed request body is read and dropped (destroying it would cut
 * the client off); the rest of a streamed response body is let go, freeing its upstream connection.
 */
export function cutBody<M extends Request | Response>(message: M, limit: number): M {
  const body = message.body
  // Stryker disable next-line StringLiteral: any name but 'destroy' drains; 'drain' only says so
  const rest = 'method' in message ? 'drain' : 'destroy'
  const cut: Body =
    body.kind === 'bytes'
      ? bytesBody(body.bytes.subarray(0, limit))
      : streamBody(
          limitStream(body.stream, limit, rest),
          body.length === undefined ? undefined : Math.min(body.length, limit),
        )
  const withCut = { ...message, body: cut } as M
  if (header(message, 'content-length') === undefined) return Object.freeze(withCut)
  // The cut length is unknown for a stream of unknown length: the old Content-Length goes rather than over-promise.
  const length = bodyLength(cut)
  return length === undefined
    ? withoutHeaders(withCut, CONTENT_LENGTH)
    : replaceHeader(withCut, 'Content-Length', String(length))
}

const CONTENT_LENGTH: ReadonlySet<string> = new Set(['content-length'])

/** Passes the first `limit` bytes, then ends; the source's rest is drained or destroyed. */
function limitStream(source: Readable, limit: number, rest: 'drain' | 'destroy'): Readable {
  const letGo = (): void => {
    if (rest === 'destroy') source.destroy()
    else source.resume()
  }
  let left = limit
  let ended = false
  const out = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      // Stryker disable next-line BlockStatement: equivalent; a chunk written before the unpipe has an empty part here (left is 0), and pushing nothing after the end is ignored
      if (ended) {
        // Stryker disable next-line CallExpression: equivalent; the source is unpiped and the readable side has ended, so a stalled writable side holds nothing back
        callback()
        return
      }
      // Some of the limit is always left here: a limit of 0 never pipes, and the chunk that spends it ends the stream.
      const part = chunk.subarray(0, left)
      left -= part.byteLength
      this.push(part)
      if (left <= 0) {
        ended = true
        this.push(null)
        source.unpipe(out)
        letGo()
      }
      callback()
    },
  })
  if (limit <= 0) {
    letGo()
    out.end()
    return out
  }
  source.on('error', (e) => out.destroy(e))
  return source.pipe(out)
}

/** A body whose stream fails at once: the server adapter then destroys the client's socket (a reset). */
export function resettingBody(): Body {
  return streamBody(
    new Readable({
      read() {
        this.destroy(new Error('connection reset by chaos'))
      },
    }),
  )
}

/** How often a dribbled body sends its next piece. */
export const DRIBBLE_TICK_MS = 100

/** Re-sends `bytes` in evenly spaced pieces so the last arrives after `periodMs`. Stops if the reader goes away. */
export function dribbledBody(bytes: Uint8Array, periodMs: number): Body {
  const steps = Math.max(1, Math.min(bytes.byteLength, Math.ceil(periodMs / DRIBBLE_TICK_MS)))
  const size = Math.ceil(bytes.byteLength / steps)
  let sent = 0
  let timer: NodeJS.Timeout | undefined
  const stream = new Readable({
    read() {
      if (timer) return
      timer = setTimeout(() => {
        timer = undefined
        const piece = bytes.subarray(sent, sent + size)
        sent += piece.byteLength
        if (piece.byteLength > 0) this.push(piece)
        if (sent >= bytes.byteLength) this.push(null)
      }, periodMs / steps)
    },
    destroy(error, callback) {
      clearTimeout(timer)
      callback(error)
    },
  })
  return streamBody(stream, bytes.byteLength)
}
