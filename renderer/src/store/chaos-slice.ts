/**
 * Each proxy's chaos engine as the Chaos pane and the banner show it. `chaos` events replace a listener's
 * state whole, whether the change came from this window, another one, or the HTTP control API.
 */
import type { StateCreator } from 'zustand/vanilla'
import type { Transport } from '../../../shared/contract.ts'
import type { ChaosInfo, ChaosPreset, ListenerInfo } from '../../../shared/exchange.ts'
import type { AppState } from './app-store.ts'
import { isProxyListener, pruneByListener } from './listener-kinds.ts'

export interface ChaosSlice {
  /** Per listener id. */
  readonly chaos: Readonly<Record<string, ChaosInfo>>
  readonly chaosPresets: readonly ChaosPreset[]
  listenChaos(): () => void
  /** Fetches the engines of proxies not yet known (all of them with `all`), and forgets stopped listeners. */
  refreshChaos(listeners: readonly ListenerInfo[], all?: boolean): Promise<void>
  applyChaos(info: ChaosInfo): void
  /** Switches and/or replaces stages; rejects with the host's message (naming the bad field). */
  setChaos(listenerId: string, change: { active?: boolean; stages?: unknown }): Promise<ChaosInfo>
}

export const createChaosSlice =
  (transport: Transport): StateCreator<AppState, [], [], ChaosSlice> =>
  (set, get) => {
    const seen = new Map<string, number>()
    return {
      chaos: {},
      chaosPresets: [],

      listenChaos() {
        return transport.on('chaos', (info) => get().applyChaos(info))
      },

      async refreshChaos(listeners, all = false) {
        const pruned = pruneByListener(get().chaos, listeners)
        if (pruned !== get().chaos) set({ chaos: pruned })
        const wanted = listeners.filter((l) => isProxyListener(l) && (all || !(l.id in get().chaos)))
        await Promise.all(
          wanted.map(async (l) => {
            const before = seen.get(l.id) ?? 0
            try {
              const { chaos, presets } = await transport.invoke('getChaos', { listenerId: l.id })
              const fresh = (seen.get(l.id) ?? 0) === before && get().listeners.some((x) => x.id === l.id)
              set({
                ...(fresh ? { chaos: { ...get().chaos, [l.id]: chaos } } : {}),
                ...(get().chaosPresets.length === 0 ? { chaosPresets: presets } : {}),
              })
            } catch {
              /* the listener stopped meanwhile */
            }
          }),
        )
      },

      applyChaos(info) {
        seen.set(info.listenerId, (seen.get(info.listenerId) ?? 0) + 1)
        set({ chaos: { ...get().chaos, [info.listenerId]: info } })
      },

      async setChaos(listenerId, change) {
        const info = await transport.invoke('setChaos', { listenerId, ...change })
        get().applyChaos(info)
        return info
      },
    }
  }

/** The engines switched on now, for the banner. */
export function activeChaos(chaos: Readonly<Record<string, ChaosInfo>>): ChaosInfo[] {
  return Object.values(chaos).filter((c) => c.active)
}
