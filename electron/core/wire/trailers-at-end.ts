/**
 * The trailers due when a body has ended, as every writer (HTTP/1.1 and h2, server and client) and every observer
 * (capture, the recorder, sniff) reads them.
 *
 * A message's trailers settle before its body ends (they come before the end on the wire). The adapters that read
 * them mark the promise with what it resolves to when they settle it (`markSettled`), so at a body's end they are
 * read at once (`trailersNow`, `whenTrailersAtEnd`), without a promise or an immediate: the common case, a chunked
 * body whose parser saw no trailer section, costs nothing. Unmarked (a replayed or made-up message's), they are
 * normally known and this waits a microtask. When they are not, they belong to another body: a filter or script
 * replaced the body (`withBody` keeps the message's other fields) and the old one, never read, will never end. They
 * are then taken as none, at the event loop's check phase, rather than holding the stream (and its keep-alive
 * connection) forever. Trailers that reject count as none too, so a failing script costs its trailers only.
 */
import type { Headers } from '../message.ts'

const SETTLED = Symbol('nanoscope.trailersSettled')
type Marked = Promise<Headers> & { [SETTLED]?: Headers }

/** Not known yet: the trailers promise is not marked settled. */
export const PENDING: unique symbol = Symbol('nanoscope.trailersPending')

/**
 * Records on a trailers promise the fields it has just been resolved with, so readers can take them at once. The
 * first mark stays, as the first resolution does.
 */
export function markSettled(trailers: Promise<Headers>, fields: Headers): void {
  ;(trailers as Marked)[SETTLED] ??= fields
}

/** A trailers promise with the function that resolves it and marks it settled (`markSettled`). */
export function settlingTrailers(): {
  readonly trailers: Promise<Headers>
  readonly settle: (fields: Headers) => void
} {
  let resolve!: (fields: Headers) => void
  const trailers = new Promise<Headers>((r) => {
    resolve = r
  })
  return {
    trailers,
    settle: (fields) => {
      markSettled(trailers, fields)
      resolve(fields)
    },
  }
}

/** The trailers at once: the fields of a promise marked settled, undefined for none at all, or `PENDING`. */
export function trailersNow(trailers: Promise<Headers> | undefined): Headers | undefined | typeof PENDING {
  if (trailers === undefined) return undefined
  return (trailers as Marked)[SETTLED] ?? PENDING
}

/** Calls `then` with the trailers due at a body's end: at once when they are known, else as `trailersAtEnd` does. */
export function whenTrailersAtEnd(trailers: Promise<Headers>, then: (fields: Headers | undefined) => void): void {
  const known = (trailers as Marked)[SETTLED]
  if (known !== undefined) then(known)
  else void trailersAtEnd(trailers).then(then)
}

export function trailersAtEnd(trailers: Promise<Headers>): Promise<Headers | undefined> {
  const known = (trailers as Marked)[SETTLED]
  if (known !== undefined) return Promise.resolve(known)
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
