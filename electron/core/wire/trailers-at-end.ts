/**
 * The trailers due when a body has ended, as every writer (HTTP/1.1 and h2, server and client) and every observer
 * (capture, the recorder, sniff) reads them.
 *
 * A message's trailers settle before its body ends (they come before the end on the wire), so at the end they are
 * normally known and this waits a microtask. When they are not, they belong to another body: a filter or script
 * replaced the body (`withBody` keeps the message's other fields) and the old one, never read, will never end. They
 * are then taken as none, at the event loop's check phase, rather than holding the stream (and its keep-alive
 * connection) forever. Trailers that reject count as none too, so a failing script costs its trailers only.
 */
import type { Headers } from '../message.ts'

export function trailersAtEnd(trailers: Promise<Headers>): Promise<Headers | undefined> {
  return new Promise((resolve) => {
    const late = setImmediate(resolve, undefined)
    trailers.then(
      (fields) => {
        clearImmediate(late)
        resolve(fields)
      },
      () => {
        clearImmediate(late)
        resolve(undefined)
      },
    )
  })
}

/** `trailersAtEnd` for an optional promise. */
export function atEnd(trailers: Promise<Headers> | undefined): Promise<Headers | undefined> | undefined {
  return trailers && trailersAtEnd(trailers)
}
