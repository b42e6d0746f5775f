/**
 * Hearing that a request's client went away, for many exchanges at once. The server gives every request on a
 * connection the same `AbortSignal`, so rather than adding and removing an EventTarget listener per exchange
 * (each with its option parsing and per-listener objects), each signal gets one listener, once, and exchanges
 * join and leave its set of watchers: a WeakMap look-up and two Set operations per exchange.
 */

/** Told when the signal it watches aborts. */
export interface AbortWatcher {
  clientWentAway(): void
}

/** The watchers of one signal, and that signal's one 'abort' listener. */
export class AbortWatch {
  /** Add a watcher while it waits, delete it when it no longer cares. A signal aborts once, so each is told once at most. */
  readonly watchers = new Set<AbortWatcher>()

  handleEvent(): void {
    for (const watcher of this.watchers) watcher.clientWentAway()
  }
}

const watches = new WeakMap<AbortSignal, AbortWatch>()

/** The watch of a signal that has not aborted yet (beware: a signal that already aborted never tells anyone). */
export function watchOf(signal: AbortSignal): AbortWatch {
  let watch = watches.get(signal)
  if (!watch) {
    watch = new AbortWatch()
    watches.set(signal, watch)
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: a signal aborts once, so `once` only frees the listener a moment sooner
    signal.addEventListener('abort', watch, { once: true })
  }
  return watch
}
