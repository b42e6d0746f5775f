import { catchAll } from '../core/filters/catch-all.ts'
import { systemClock, type Clock } from '../core/clock.ts'
import { websocket } from '../core/websocket/websocket.ts'
import { broadcastEvery } from '../core/websocket/broadcast-every.ts'
import type { App } from '../proxy/proxy-options.ts'

export const websocketClock = (ms = 1000, clock: Clock = systemClock): App => {
  const handler = websocket(broadcastEvery(ms, () => new Date(clock.now()).toISOString()))
  return { filters: [catchAll()], handler, close: handler.close }
}
