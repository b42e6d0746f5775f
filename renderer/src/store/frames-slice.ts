/**
 * The websocket frames of the open exchange: the detail's frames (fetched with `getExchange`) merged with
 * `frames` events as they arrive, capped so a chatty socket cannot grow the window without bound.
 */
import type { StateCreator } from 'zustand/vanilla'
import type { Transport } from '../../../shared/contract.ts'
import type { WebsocketFrame } from '../../../shared/exchange.ts'
import type { AppState } from './app-store.ts'

/** Frames kept for the open exchange; older ones are dropped and counted. */
export const FRAME_CAP = 2000

export interface OpenFrames {
  readonly exchangeId: string
  readonly frames: readonly WebsocketFrame[]
  /** Frames the host did not keep (its `framesDropped`). */
  readonly hostDropped: number
  /** Frames dropped here beyond FRAME_CAP, oldest first. */
  readonly localDropped: number
}

export interface FramesSlice {
  readonly openFrames: OpenFrames | undefined
  listenFrames(): () => void
  /** Takes the frames of a freshly fetched detail, keeping live frames it does not hold yet. */
  loadFrames(exchangeId: string, frames: readonly WebsocketFrame[], hostDropped: number): void
  /** Appends a `frames` event's frames when they belong to the open exchange. */
  appendFrames(exchangeId: string, frames: readonly WebsocketFrame[]): void
}

/** Frames carry no sequence number; this is close enough to tell the same frame seen twice. */
export function frameKey(f: WebsocketFrame): string {
  return `${f.at}|${f.direction}|${f.opcode}|${f.fin ? 1 : 0}|${f.size}|${f.text ?? f.base64 ?? ''}`
}

function capped(frames: readonly WebsocketFrame[]): { frames: readonly WebsocketFrame[]; over: number } {
  if (frames.length <= FRAME_CAP) return { frames, over: 0 }
  const over = frames.length - FRAME_CAP
  return { frames: frames.slice(over), over }
}

export const createFramesSlice =
  (transport: Transport): StateCreator<AppState, [], [], FramesSlice> =>
  (set, get) => ({
    openFrames: undefined,

    listenFrames() {
      return transport.on('frames', (p) => get().appendFrames(p.exchangeId, p.frames))
    },

    loadFrames(exchangeId, frames, hostDropped) {
      const current = get().openFrames?.exchangeId === exchangeId ? get().openFrames : undefined
      const keys = new Set(frames.map(frameKey))
      const live = current ? current.frames.filter((f) => !keys.has(frameKey(f))) : []
      const next = capped(live.length > 0 ? [...frames, ...live] : frames)
      set({
        openFrames: {
          exchangeId,
          frames: next.frames,
          hostDropped,
          localDropped: (current?.localDropped ?? 0) + next.over,
        },
      })
    },

    appendFrames(exchangeId, frames) {
      const s = get()
      if (frames.length === 0 || !s.detailOpen || s.selectedId !== exchangeId) return
      const current = s.openFrames?.exchangeId === exchangeId ? s.openFrames : undefined
      const next = capped(current ? [...current.frames, ...frames] : frames)
      set({
        openFrames: {
          exchangeId,
          frames: next.frames,
          hostDropped: current?.hostDropped ?? 0,
          localDropped: (current?.localDropped ?? 0) + next.over,
        },
      })
    },
  })
