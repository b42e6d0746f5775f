/**
 * The one typed contract between the main process and the renderer (GitHub Desktop's ipc-shared idea).
 *
 * Commands go renderer → main and return a promise; events go main → renderer. Electron IPC carries it in
 * the desktop app (the preload exposes one function per command), and a WebSocket carries it in
 * `nanoscope serve`. Payloads are plain data; main validates every payload with `validateArgs`.
 */
import type {
  PausedEdits,
  PausedExchange,
  BlockKindInfo,
  ContentSearchTerm,
  RecordingInfo,
  ReplayReportData,
  SessionInfo,
  StartReplayRequest,
  WebsocketFrame,
  ChaosInfo,
  ChaosPreset,
  ExchangeDetail,
  ExchangeSummary,
  ListenerInfo,
  Settings,
  StartListenerRequest,
} from './exchange.ts'

export const CONTRACT_VERSION = 1

export interface Snapshot {
  readonly version: number
  readonly exchanges: readonly ExchangeSummary[]
  readonly listeners: readonly ListenerInfo[]
  readonly capturing: boolean
  readonly settings: Settings
  /** What breakpoints hold right now (without bodies); `paused` events follow. */
  readonly paused?: readonly PausedExchange[]
}

/** Commands: name → [argument, result]. */
export interface Commands {
  /** Everything captured so far; live events follow with no gap and no duplicate. */
  subscribe: [Record<string, never>, Snapshot]
  listListeners: [Record<string, never>, ListenerInfo[]]
  startListener: [StartListenerRequest, ListenerInfo]
  stopListener: [{ id: string }, { stopped: boolean }]
  getExchange: [{ id: string }, ExchangeDetail | null]
  /** The ids of the stored exchanges matching each term (one list per term, in order), for the Traffic filter. */
  searchExchanges: [{ terms: ContentSearchTerm[] }, { matches: string[][]; searched: number }]
  /** Forgets the captured traffic; with `upToSeq`, only exchanges numbered up to it (newer traffic stays). */
  clear: [{ upToSeq?: number }, { cleared: number }]
  pauseCapture: [Record<string, never>, { capturing: boolean }]
  resumeCapture: [Record<string, never>, { capturing: boolean }]
  getSettings: [Record<string, never>, Settings]
  updateSettings: [Partial<Settings>, Settings]
  /**
   * Sends a captured request through its proxy again, changed by `edits` if given (Edit and resend); it appears as a
   * new exchange tagged `resent` and `resent-from:ID`, the original's id.
   */
  resend: [{ id: string; edits?: PausedEdits }, { status: number }]
  /** Launches Chromium through a proxy with a fresh profile, where Chromium is installed. */
  launchBrowser: [{ listenerId: string }, { launched: boolean; message: string }]
  /** A listener's chaos engine and the presets the pane offers. */
  getChaos: [{ listenerId: string }, { chaos: ChaosInfo; presets: ChaosPreset[] }]
  /** Switches chaos on or off and/or replaces its stages (http4k chaos JSON); a bad field is an error naming it. */
  setChaos: [{ listenerId: string; active?: boolean; stages?: unknown }, ChaosInfo]
  /**
   * The sessions on this machine, or under `location` (`s3://bucket/prefix`, reached with the endpoint and
   * credentials of the environment main runs in). An S3 session's `id` is its whole `s3://` location, which every
   * command taking a `sessionId` accepts, except rename and delete (local sessions only).
   */
  listSessions: [{ location?: string }, SessionInfo[]]
  /** A listener's recording and stand-in state. */
  getRecording: [{ listenerId: string }, RecordingInfo]
  startRecording: [{ listenerId: string; name?: string }, RecordingInfo]
  stopRecording: [{ listenerId: string }, RecordingInfo]
  /** Answers a listener's requests from a session (never contacting the server), or stops (sessionId absent). */
  setStandIn: [{ listenerId: string; sessionId?: string }, RecordingInfo]
  renameSession: [{ sessionId: string; name: string }, SessionInfo]
  deleteSession: [{ sessionId: string }, { deleted: boolean }]
  /** HAR 1.2 of a session, or of the current traffic when sessionId is absent. */
  exportHar: [{ sessionId?: string }, { fileName: string; har: string }]
  importHar: [
    { fileName: string; content: string },
    { session: SessionInfo; imported: number; warnings: string[]; skipped: string[] },
  ]
  /** Replays a session through a listener (its exchanges show in Traffic tagged 'replayed'); progress arrives as events. */
  replaySession: [StartReplayRequest & { listenerId: string }, ReplayReportData]
  /** Starts (or reuses) the websocket clock app behind a reverse proxy; the Clock pane connects to `url`. */
  startClockDemo: [{ intervalMs?: number }, { url: string; clockListenerId: string; proxyListenerId: string }]
  /** The local CA that HTTPS interception signs with (made on first use), for the Setup pane. */
  getCa: [
    Record<string, never>,
    { certPath: string; sha256: string; spki: string; pem: string; chromiumFlag: string; intercepting: boolean },
  ]
  /** The block kinds a pipeline can hold, for the Pipelines pane's "add block" menu. */
  listBlockKinds: [Record<string, never>, BlockKindInfo[]]
  /** Checks blocks without applying them: every problem, named by its path (`pipeline[1].respond.status: …`). */
  checkPipeline: [{ listenerId: string; pipeline: unknown[] }, { problems: string[] }]
  /** Replaces a proxy's blocks while it serves (in-flight exchanges finish on the old ones); an error lists every problem. */
  setPipeline: [{ listenerId: string; pipeline: unknown[] }, ListenerInfo]
  /** The running proxies (or one) as a pipeline file that `nanoscope run` runs to the same effect. */
  exportPipeline: [{ listenerId?: string }, { fileName: string; content: string }]
  /** The exchanges breakpoint blocks hold right now, without their bodies. */
  listPaused: [Record<string, never>, PausedExchange[]]
  /** One paused exchange with its bodies (for the editor), or null when it is no longer paused. */
  getPaused: [{ id: string }, PausedExchange | null]
  /** Sends a paused request on (or a paused response to the client), with the editor's changes; false if no longer paused. */
  continuePaused: [{ id: string; edits?: PausedEdits }, { resolved: boolean }]
  /** Closes the client's connection; a paused request never reaches the server. */
  abortPaused: [{ id: string }, { resolved: boolean }]
  /** Answers the client from the editor without going (or going on) upstream. */
  respondPaused: [
    {
      id: string
      status: number
      reason?: string
      headers?: [string, string][]
      body?: { text: string } | { base64: string }
    },
    { resolved: boolean },
  ]
}

/** Events: name → payload. */
export interface Events {
  exchanges: { exchanges: ExchangeSummary[] }
  listeners: { listeners: ListenerInfo[] }
  capture: { capturing: boolean }
  /** `upToSeq` absent: everything was cleared; else the exchanges numbered up to it. */
  cleared: { upToSeq?: number }
  settings: Settings
  chaos: ChaosInfo
  recording: RecordingInfo
  sessions: Record<string, never>
  replayProgress: { sessionId: string; done: number; total: number }
  /** Websocket frames as they pass, coalesced per exchange. */
  frames: { exchangeId: string; frames: WebsocketFrame[] }
  /** The whole list of paused exchanges, after every pause and every resolution. */
  paused: { paused: PausedExchange[] }
}

export type CommandName = keyof Commands
export type EventName = keyof Events
export type ArgsOf<K extends CommandName> = Commands[K][0]
export type ResultOf<K extends CommandName> = Commands[K][1]

export const COMMAND_NAMES: readonly CommandName[] = [
  'subscribe',
  'listListeners',
  'startListener',
  'stopListener',
  'getExchange',
  'searchExchanges',
  'clear',
  'pauseCapture',
  'resumeCapture',
  'getSettings',
  'updateSettings',
  'resend',
  'launchBrowser',
  'getChaos',
  'setChaos',
  'listSessions',
  'getRecording',
  'startRecording',
  'stopRecording',
  'setStandIn',
  'renameSession',
  'deleteSession',
  'exportHar',
  'importHar',
  'replaySession',
  'startClockDemo',
  'getCa',
  'listBlockKinds',
  'checkPipeline',
  'setPipeline',
  'exportPipeline',
  'listPaused',
  'getPaused',
  'continuePaused',
  'abortPaused',
  'respondPaused',
]
export const EVENT_NAMES: readonly EventName[] = [
  'exchanges',
  'listeners',
  'capture',
  'cleared',
  'settings',
  'chaos',
  'frames',
  'recording',
  'sessions',
  'replayProgress',
  'paused',
]

/** What the renderer talks to, whichever transport carries it. */
export interface Transport {
  invoke<K extends CommandName>(name: K, args: ArgsOf<K>): Promise<ResultOf<K>>
  on<K extends EventName>(name: K, listener: (payload: Events[K]) => void): () => void
}

/** Messages on the `serve` WebSocket. */
export type WireMessage =
  | { readonly type: 'command'; readonly id: number; readonly name: string; readonly args: unknown }
  | { readonly type: 'result'; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly type: 'result'; readonly id: number; readonly ok: false; readonly error: string }
  | { readonly type: 'event'; readonly name: EventName; readonly payload: unknown }

export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && (COMMAND_NAMES as readonly string[]).includes(name)
}

/**
 * What the Electron preload exposes on `window.nanoscope`: one function per command and one subscription
 * function per event (`onExchanges`, `onListeners`, …) — never `ipcRenderer` or a generic invoke.
 */
export type PreloadApi = { readonly [K in CommandName]: (args: ArgsOf<K>) => Promise<ResultOf<K>> } & {
  readonly [K in EventName as `on${Capitalize<K>}`]: (listener: (payload: Events[K]) => void) => () => void
}

/** The IPC channel names used by the Electron transport. */
export const commandChannel = (name: CommandName): string => `nanoscope:command:${name}`
export const eventChannel = (name: EventName): string => `nanoscope:event:${name}`
export const eventSubscriberName = (name: EventName): string => `on${name[0]!.toUpperCase()}${name.slice(1)}`
