/**
 * Recorded sessions: the list on disk (loaded when the Sessions pane first asks, then on every `sessions`
 * event), each proxy's recording and stand-in switches (`recording` events), and the replay in progress
 * (`replayProgress` events, then the report).
 */
import type { StateCreator } from 'zustand/vanilla'
import type { ArgsOf, Transport } from '../../../shared/contract.ts'
import type { ListenerInfo, RecordingInfo, ReplayReportData, SessionInfo } from '../../../shared/exchange.ts'
import type { AppState } from './app-store.ts'
import { isProxyListener, pruneByListener } from './listener-kinds.ts'
import { messageOf } from './session-slice.ts'

export type LoadState = 'idle' | 'loading' | 'ready' | 'error'

export interface ReplayState {
  readonly sessionId: string
  readonly listenerId: string
  readonly status: 'running' | 'done' | 'failed'
  readonly done: number
  /** Unknown (undefined) until the first progress event or the report. */
  readonly total: number | undefined
  readonly report?: ReplayReportData
  readonly error?: string
}

export interface RecordingSlice {
  readonly sessions: readonly SessionInfo[]
  readonly sessionsLoad: LoadState
  readonly sessionsError: string | undefined
  /** Where the list comes from: '' for this machine's sessions, else an `s3://bucket/prefix` location. */
  readonly sessionsLocation: string
  /** Per listener id. */
  readonly recordings: Readonly<Record<string, RecordingInfo>>
  /** `${listenerId}\n${reason}` of stop notices the user dismissed. */
  readonly dismissedStops: readonly string[]
  readonly replay: ReplayState | undefined
  /** Wires `recording`, `sessions` and `replayProgress` events; returns the unwiring function. */
  listenRecording(): () => void
  loadSessions(): Promise<void>
  /** Lists the sessions at `location` ('' for this machine's) from now on. */
  showSessionsAt(location: string): Promise<void>
  /** Fetches the switches of proxies not yet known (all of them with `all`), and forgets stopped listeners. */
  refreshRecordings(listeners: readonly ListenerInfo[], all?: boolean): Promise<void>
  applyRecording(info: RecordingInfo): void
  applyReplayProgress(progress: { sessionId: string; done: number; total: number }): void
  startRecording(listenerId: string, name: string): Promise<void>
  stopRecording(listenerId: string): Promise<void>
  setStandIn(listenerId: string, sessionId: string | undefined): Promise<void>
  dismissStop(listenerId: string): void
  /** Runs a replay; resolves when the report is in (or the replay failed, which `replay.error` says). */
  startReplay(request: ArgsOf<'replaySession'>): Promise<void>
  clearReplay(): void
}

export const stopKey = (info: RecordingInfo): string => `${info.listenerId}\n${info.stoppedBecause ?? ''}`

export const createRecordingSlice =
  (transport: Transport): StateCreator<AppState, [], [], RecordingSlice> =>
  (set, get) => {
    let loadGeneration = 0
    /** Bumped per listener on every `recording` event, so an older fetch never overwrites a newer event. */
    const seen = new Map<string, number>()

    return {
      sessions: [],
      sessionsLoad: 'idle',
      sessionsError: undefined,
      sessionsLocation: '',
      recordings: {},
      dismissedStops: [],
      replay: undefined,

      listenRecording() {
        const offs = [
          transport.on('recording', (info) => get().applyRecording(info)),
          transport.on('sessions', () => {
            if (get().sessionsLoad !== 'idle') void get().loadSessions()
          }),
          transport.on('replayProgress', (p) => get().applyReplayProgress(p)),
        ]
        return () => {
          for (const off of offs) off()
        }
      },

      async loadSessions() {
        const mine = ++loadGeneration
        if (get().sessionsLoad !== 'ready') set({ sessionsLoad: 'loading' })
        const location = get().sessionsLocation
        try {
          const sessions = await transport.invoke('listSessions', location ? { location } : {})
          if (mine === loadGeneration) set({ sessions, sessionsLoad: 'ready', sessionsError: undefined })
        } catch (error) {
          if (mine === loadGeneration) set({ sessionsLoad: 'error', sessionsError: messageOf(error) })
        }
      },

      async showSessionsAt(location) {
        set({ sessionsLocation: location.trim(), sessions: [], sessionsLoad: 'loading', sessionsError: undefined })
        await get().loadSessions()
      },

      async refreshRecordings(listeners, all = false) {
        const pruned = pruneByListener(get().recordings, listeners)
        if (pruned !== get().recordings) set({ recordings: pruned })
        const wanted = listeners.filter((l) => isProxyListener(l) && (all || !(l.id in get().recordings)))
        await Promise.all(
          wanted.map(async (l) => {
            const before = seen.get(l.id) ?? 0
            try {
              const info = await transport.invoke('getRecording', { listenerId: l.id })
              if ((seen.get(l.id) ?? 0) === before && get().listeners.some((x) => x.id === l.id)) {
                set({ recordings: { ...get().recordings, [l.id]: info } })
              }
            } catch {
              /* the listener stopped meanwhile; its next event or listeners update says so */
            }
          }),
        )
      },

      applyRecording(info) {
        seen.set(info.listenerId, (seen.get(info.listenerId) ?? 0) + 1)
        set({ recordings: { ...get().recordings, [info.listenerId]: info } })
      },

      applyReplayProgress(p) {
        const r = get().replay
        if (r?.status !== 'running' || r.sessionId !== p.sessionId || p.done < r.done) return
        set({ replay: { ...r, done: p.done, total: p.total } })
      },

      async startRecording(listenerId, name) {
        const trimmed = name.trim()
        const info = await get().run('startRecording', { listenerId, ...(trimmed ? { name: trimmed } : {}) })
        if (info) get().applyRecording(info)
      },

      async stopRecording(listenerId) {
        const info = await get().run('stopRecording', { listenerId })
        if (info) get().applyRecording(info)
      },

      async setStandIn(listenerId, sessionId) {
        const info = await get().run('setStandIn', { listenerId, ...(sessionId ? { sessionId } : {}) })
        if (info) get().applyRecording(info)
      },

      dismissStop(listenerId) {
        const info = get().recordings[listenerId]
        if (info?.stoppedBecause) set({ dismissedStops: [...get().dismissedStops, stopKey(info)] })
      },

      async startReplay(request) {
        const base = { sessionId: request.sessionId, listenerId: request.listenerId }
        set({ replay: { ...base, status: 'running', done: 0, total: undefined } })
        try {
          const report = await transport.invoke('replaySession', request)
          if (get().replay?.sessionId !== request.sessionId) return
          set({ replay: { ...base, status: 'done', done: report.total, total: report.total, report } })
        } catch (error) {
          const r = get().replay
          set({ replay: { ...base, status: 'failed', done: r?.done ?? 0, total: r?.total, error: messageOf(error) } })
        }
      },

      clearReplay() {
        set({ replay: undefined })
      },
    }
  }

/** The recordings running now, for the toolbar's red dot. */
export function activeRecordings(recordings: Readonly<Record<string, RecordingInfo>>): RecordingInfo[] {
  return Object.values(recordings).filter((r) => r.recording)
}
