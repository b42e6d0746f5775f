import type { EventName, Events } from '../../shared/contract.ts'

export type EventSink = <K extends EventName>(name: K, payload: Events[K]) => void

/** Fans host-wide events (listeners, capture state, settings, cleared) out to every connected window. */
export class EventBus {
  readonly #sinks = new Set<EventSink>()

  add(sink: EventSink): () => void {
    this.#sinks.add(sink)
    return () => {
      this.#sinks.delete(sink)
    }
  }

  emit<K extends EventName>(name: K, payload: Events[K]): void {
    for (const sink of this.#sinks) {
      try {
        sink(name, payload)
      } catch {
        /* a broken window never stops the others */
      }
    }
  }
}
