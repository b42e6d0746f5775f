/**
 * Whether the HTTP/2 server holds a response stream's end for trailers. node:http2 must be told when the response
 * head goes out (`waitForTrailers`), and a stream held for trailers that then has none ends with an extra empty DATA
 * frame once they are known to be none. So the stream is held only when trailers are likely: the response announces
 * them (`Trailer`, RFC 9110 §6.6.2), it is gRPC's (`application/grpc*`, whose status always comes in trailers), or the
 * client said it wants them (`TE: trailers`, as gRPC clients do). Otherwise the last DATA frame ends the stream, and
 * trailers an upstream sends unannounced to such a client are dropped (capture still keeps them).
 */
import type { Headers, Response } from '../message.ts'

export function holdsForTrailers(res: Response, requestHeaders: Headers): boolean {
  if (res.trailers === undefined) return false
  for (const [name, value] of res.headers) {
    const n = name.length
    if (n === 7 && name.toLowerCase() === 'trailer') return true
    if (n === 12 && name.toLowerCase() === 'content-type' && /^\s*application\/grpc/i.test(value)) return true
  }
  for (const [name, value] of requestHeaders)
    if (name.length === 2 && name.toLowerCase() === 'te' && /(?:^|,)\s*trailers\s*(?:[;,]|$)/i.test(value)) return true
  return false
}
