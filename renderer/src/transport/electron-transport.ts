/**
 * The desktop transport: the preload's `window.nanoscope`, one function per command and one `onX` per
 * event (never a generic invoke).
 */
import {
  eventSubscriberName,
  type CommandName,
  type EventName,
  type Events,
  type PreloadApi,
} from '../../../shared/contract.ts'
import type { AppTransport } from './connection.ts'

type AnyCommand = (args: unknown) => Promise<unknown>
type AnySubscribe = (listener: (payload: unknown) => void) => () => void

export function electronTransport(api: PreloadApi): AppTransport {
  const table = api as unknown as Record<string, AnyCommand | AnySubscribe>
  return {
    kind: 'electron',
    invoke(name: CommandName, args: unknown) {
      const fn = table[name] as AnyCommand | undefined
      if (typeof fn !== 'function') return Promise.reject(new Error(`The desktop app does not offer "${name}"`))
      return fn(args) as never
    },
    on<K extends EventName>(name: K, listener: (payload: Events[K]) => void) {
      const subscribe = table[eventSubscriberName(name)] as AnySubscribe | undefined
      if (typeof subscribe !== 'function') return () => {}
      return subscribe(listener as (payload: unknown) => void)
    },
    onConnection(listener) {
      listener({ status: 'open' })
      return () => {}
    },
    reconnect() {},
  }
}
