/**
 * A WsHandler that sends every connected client the same message on one shared timer (seed app 6's clock,
 * without a thread per client): the timer starts with the first client and stops when the last one leaves.
 * A client gets its first message at once on joining, as the seed's clock does, then each shared tick (so its
 * second message comes at most one interval later).
 */
import type { WsHandler, Websocket } from './websocket.ts'

export interface Broadcast extends WsHandler {
  readonly description: string
  readonly clients: number
  /** Whether the shared timer is running. */
  readonly ticking: boolean
}

export interface Timers {
  setInterval(callback: () => void, ms: number): unknown
  clearInterval(handle: unknown): void
}

const nodeTimers: Timers = {
  setInterval: (callback, ms) => setInterval(callback, ms),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
}

/** Sends `message()` to each client as it joins, then every `intervalMs` (computed once per tick) to all. */
export function broadcastEvery(
  intervalMs: number,
  message: () => string | Uint8Array,
  timers: Timers = nodeTimers,
): Broadcast {
  if (!(intervalMs > 0)) throw new Error(`broadcastEvery needs an interval above 0 ms, such as 1000; got ${intervalMs}`)
  const clients = new Set<Websocket>()
  let timer: unknown
  const tick = (): void => {
    const m = message()
    for (const ws of clients) ws.send(m)
  }
  const join = function joinBroadcast(ws: Websocket): void {
    clients.add(ws)
    ws.onClose(() => {
      clients.delete(ws)
      if (clients.size === 0 && timer !== undefined) {
        timers.clearInterval(timer)
        timer = undefined
      }
    })
    timer ??= timers.setInterval(tick, intervalMs)
    ws.send(message())
  }
  // Object.assign would copy the getters' current values, so the live ones are defined in place.
  return Object.defineProperties(join, {
    description: {
      value: `sends each client a message when it joins, then every ${intervalMs} ms on one shared timer`,
    },
    clients: { get: () => clients.size },
    ticking: { get: () => timer !== undefined },
  }) as Broadcast
}
