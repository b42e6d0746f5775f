/**
 * The data shapes that cross from main to renderer. Plain serialisable data only: no classes, no Buffers.
 */

/** How an exchange ended. */
export type Outcome =
  | { readonly kind: 'pending' }
  | { readonly kind: 'completed' }
  | { readonly kind: 'aborted'; readonly message: string }
  | { readonly kind: 'failed'; readonly cause: string; readonly message: string }

/** Milliseconds after `startedAt`, each present once reached. */
export interface Timings {
  readonly requestBodyDone?: number
  readonly responseHeaders?: number
  readonly responseDone?: number
}

/** One exchange without bodies or headers: what the traffic table needs. */
export interface ExchangeSummary {
  readonly id: string
  readonly seq: number
  readonly listenerId: string
  /** Epoch milliseconds. */
  readonly startedAt: number
  readonly method: string
  readonly url: string
  readonly host: string
  readonly path: string
  readonly httpVersion: string
  readonly status?: number
  readonly reason?: string
  readonly contentType?: string
  /** Real body sizes in bytes (not capped), when known. */
  readonly requestSize?: number
  readonly responseSize?: number
  readonly timings: Timings
  readonly durationMs?: number
  readonly outcome: Outcome
  /** 'recorded', 'replayed', 'chaos', 'websocket', 'tunnel', 'generated', … */
  readonly tags: readonly string[]
  /** What a chaos behaviour did, when one did. */
  readonly note?: string
}

export type RawHeaderList = ReadonlyArray<readonly [string, string]>

/** A captured body: bytes as base64, up to the cap; `size` is the real length. */
export interface BodyData {
  readonly base64: string
  readonly size: number
  readonly truncated: boolean
  /**
   * Present when the body did not all arrive (an upload answered before it was sent, a response cut off): the
   * bytes that never did, or null when its length was unknown. `size` is then the declared length.
   */
  readonly missing?: number | null
  /**
   * True when capture no longer holds the bytes: it keeps bodies up to `Settings.maxTotalBodyBytes` in all, and
   * drops the oldest exchanges' bodies (the exchanges stay) to stay within it. `size` is still the real length.
   */
  readonly dropped?: boolean
}

export interface ExchangeDetail extends ExchangeSummary {
  readonly target: string
  readonly requestHeaders: RawHeaderList
  readonly responseHeaders: RawHeaderList
  readonly requestBody: BodyData | null
  readonly responseBody: BodyData | null
  /**
   * Trailer fields that came after each body (HTTP/2 trailers, HTTP/1.1 chunked trailers: gRPC's `grpc-status`),
   * in wire order; absent when none came.
   */
  readonly requestTrailers?: RawHeaderList
  readonly responseTrailers?: RawHeaderList
  /**
   * HTTP/2 requests: the pseudo-header fields (`:method`, `:scheme`, `:authority`, `:path`) as the wire had them.
   * `requestHeaders` then holds the regular fields, with `host` made from `:authority` when the client sent none
   * (the HTTP/1.1 view of the request, which the pipeline and HTTP/1.1 upstreams see).
   */
  readonly requestPseudoHeaders?: RawHeaderList
  /** For CONNECT tunnels and websockets. */
  readonly tunnel?: { readonly bytesUp: number; readonly bytesDown: number; readonly error?: string }
  /** For websockets: every frame seen, in order, up to the bounds; `framesDropped` counts those beyond. */
  readonly frames?: readonly WebsocketFrame[]
  readonly framesDropped?: number
}

/** Proxies (seed apps 1–3, each with chaos) and the apps they can front: static files (5) and the clock (6). */
export type ListenerKind = 'proxy' | 'latency' | 'sniff' | 'static' | 'clock'
export type ProxyMode = 'forward' | 'reverse'

export interface ListenerInfo {
  readonly id: string
  /** Shown in the window and on the marks of exchanges its blocks acted on. */
  readonly name: string
  readonly kind: ListenerKind
  readonly mode: ProxyMode
  readonly host: string
  /** Static listeners: the folder served. */
  readonly dir?: string
  readonly port: number
  /** http://host:port */
  readonly url: string
  readonly target?: string
  readonly httpsUpstream: boolean
  /** Proxies: `http://` upstreams are spoken to in h2c (HTTP/2 with prior knowledge); present when true. */
  readonly h2cUpstream?: boolean
  /** The composed pipeline, one English line per filter, outermost first. */
  readonly pipeline: readonly string[]
  /** Proxies: the blocks of the pipeline, as a pipeline file holds them (the Pipelines pane edits them). */
  readonly blocks?: readonly BlockData[]
  /** Each block in one English line, in the same order as `blocks`. */
  readonly blockLines?: readonly string[]
  /** Present when a block has a problem while it keeps running (a script whose last save did not load): per block, the problem or null. */
  readonly blockProblems?: readonly (string | null)[]
  readonly startedAt: number
  /** E.g. "port 8080 was taken, so this proxy took 41235". */
  readonly note?: string
}

/** One pipeline block as plain JSON: `{ "use": "mock", "match": {…}, … }` (see `nanoscope run --schema`). */
export type BlockData = { readonly use: string; readonly [option: string]: unknown }

/** What the Pipelines pane offers to add: each block kind, what it does and a block to start from. */
export interface BlockKindInfo {
  readonly use: string
  readonly summary: string
  readonly example: BlockData
  /** The block's JSON Schema (generated from the schema that checks it), from which the window draws its form. */
  readonly schema: Record<string, unknown>
}

export interface StartListenerRequest {
  readonly kind: ListenerKind
  /** Proxies: the blocks (default: the kind's seed-app preset). A chaos block is added if none is given. */
  readonly pipeline?: readonly unknown[]
  readonly name?: string
  /** Where relative paths in the blocks point (a pipeline file's folder); default the host's working directory. */
  readonly baseDir?: string
  /** Proxies only: forward, or reverse with `target`. */
  readonly mode?: ProxyMode
  /** Static only: the folder to serve. */
  readonly dir?: string
  /** Clock only: milliseconds between ticks (default 1000). */
  readonly intervalMs?: number
  readonly target?: string
  readonly httpsUpstream?: boolean
  /** Proxies: speak h2c (HTTP/2 with prior knowledge) to `http://` upstreams, for h2c-only servers. Default false. */
  readonly h2cUpstream?: boolean
  readonly host?: string
  readonly port?: number
}

export interface Settings {
  /** Bytes kept per body; beyond it the body is truncated and marked with its real length. */
  readonly bodyCapBytes: number
  readonly maxExchanges: number
  readonly maxTotalBodyBytes: number
}

export const DEFAULT_SETTINGS: Settings = Object.freeze({
  bodyCapBytes: 1024 * 1024,
  maxExchanges: 100_000,
  maxTotalBodyBytes: 64 * 1024 * 1024,
})

/**
 * One websocket frame seen through the proxy, in the order it crossed (RFC 6455 §5). Payloads are capped like
 * bodies: `size` is the real payload length, `base64`/`text` hold at most the stored part (`truncated` says
 * so). Compressed frames (permessage-deflate, RFC 7692) are shown as their raw bytes with `compressed`.
 */
export interface WebsocketFrame {
  /** 'client': browser → server (masked on the wire); 'server': server → browser. */
  readonly direction: 'client' | 'server'
  /** Epoch milliseconds when the frame's last byte went past. */
  readonly at: number
  /** 0 continuation, 1 text, 2 binary, 8 close, 9 ping, 10 pong. */
  readonly opcode: number
  /** What the frame carries; a continuation frame carries its message's kind. */
  readonly kind: 'text' | 'binary' | 'close' | 'ping' | 'pong'
  /** False for every fragment of a message but its last. */
  readonly fin: boolean
  readonly compressed: boolean
  /** Real payload length in bytes. */
  readonly size: number
  /** Text frames (not compressed): the stored payload decoded as UTF-8. */
  readonly text?: string
  /** Binary, ping/pong and compressed frames: the stored payload bytes. */
  readonly base64?: string
  readonly truncated: boolean
  readonly close?: { readonly code: number; readonly reason: string }
}

/** A listener's chaos engine, as the Chaos pane shows it. */
export interface ChaosInfo {
  readonly listenerId: string
  readonly active: boolean
  /** The engine's own one-line description of its stages, e.g. "Always Latency (range = PT0.1S to PT0.5S)". */
  readonly description: string
  /** The stages as http4k-compatible chaos JSON. */
  readonly stages: readonly unknown[]
  readonly chaoticCount: number
  /** Where the same engine's control API answers (GET /chaos/status, POST /chaos/activate, …). */
  readonly controlUrl?: string
}

/** A ready-made stage the Chaos pane offers as a toggle. */
export interface ChaosPreset {
  readonly id: string
  readonly label: string
  readonly stage: unknown
}

/** A recorded session on disk, as the Sessions pane lists it. */
export interface SessionInfo {
  /** The directory's name: stable while the display name changes. */
  readonly id: string
  readonly dir: string
  readonly name: string
  readonly created: string
  readonly updated: string
  readonly source: string
  readonly count: number
  readonly sizeBytes: number
  /** Why the session cannot be fully read (damage), or what a reader would skip (a torn tail). */
  readonly problem?: string
}

/** A listener's recording and stand-in switches. */
export interface RecordingInfo {
  readonly listenerId: string
  readonly recording: boolean
  readonly sessionId?: string
  readonly name?: string
  /** Exchanges written to the session so far. */
  readonly count: number
  /** Why recording stopped by itself (a disk error), if it did. */
  readonly stoppedBecause?: string
  /** The session the stand-in answers from, when it is on. */
  readonly standInSessionId?: string
}

export type ReplayOutcome = 'same' | 'changed' | 'failed' | 'not-sent'

/** A header whose values differ between the recording and the replay. */
export interface HeaderDifference {
  /** Lower-cased name. */
  readonly name: string
  readonly recorded: readonly string[]
  readonly replayed: readonly string[]
}

export interface BodyDifference {
  readonly recordedSize: number
  readonly size: number
  /** Byte offset of the first difference (the shorter length when one is a prefix of the other). */
  readonly firstDifferenceAt: number
}

/** Nearest-rank latency statistics in milliseconds. */
export interface LatencyStatsData {
  readonly count: number
  readonly p50: number
  readonly p95: number
  readonly max: number
}

/** One replayed request compared with its recording. */
export interface ReplayResultData {
  /** Position in the recording (0-based). */
  readonly index: number
  readonly method: string
  /** The URL it was sent to. */
  readonly url: string
  readonly outcome: ReplayOutcome
  readonly recordedStatus: number
  readonly status?: number
  readonly statusChanged: boolean
  readonly body?: BodyDifference
  readonly headers: readonly HeaderDifference[]
  readonly recordedMs: number
  readonly replayedMs?: number
  readonly tags: readonly string[]
  /** Why it failed or was not sent. */
  readonly error?: string
}

export interface ReplayReportData {
  readonly target?: string
  readonly speed: number | 'max'
  readonly total: number
  readonly counts: Readonly<Record<ReplayOutcome, number>>
  readonly results: readonly ReplayResultData[]
  readonly latency: { readonly recorded: LatencyStatsData; readonly replayed: LatencyStatsData }
  readonly elapsedMs: number
  /** Headers left out of the comparison. */
  readonly ignoredHeaders: readonly string[]
}

export interface StartReplayRequest {
  readonly sessionId: string
  /** Send under this base URL instead of the recorded one. */
  readonly target?: string
  /** 1, 2, 0.5, … or 'max'. */
  readonly speed?: number | 'max'
  readonly concurrency?: number
  readonly limit?: number
}

/**
 * A Traffic filter term that needs headers or bodies, which only main holds: `header:name` (the header is
 * present, in the request or the response), `header:name=value` (and its value contains `value`, ignoring
 * case), `body:"text"` (the request or response body, decoded as the detail pane shows it, contains `text`,
 * ignoring case).
 */
export type ContentSearchTerm =
  | { readonly kind: 'header'; readonly name: string; readonly value?: string }
  | { readonly kind: 'body'; readonly text: string }

/** A request or response held by a breakpoint block, waiting for someone to continue, abort or answer it. */
export interface PausedExchange {
  /** The pause's own id (the contract's commands take it). */
  readonly id: string
  /** The Traffic row's exchange id, when capture saw it. */
  readonly exchangeId?: string
  readonly listenerName: string
  /** What is held: the request before it goes upstream, or the response before it goes to the client. */
  readonly phase: 'request' | 'response'
  /** Epoch milliseconds. */
  readonly pausedAt: number
  /** When it continues unchanged by itself (epoch milliseconds). */
  readonly timeoutAt: number
  /** The client went away while it was paused: continuing sends nothing upstream. */
  readonly clientGone: boolean
  readonly method: string
  readonly url: string
  readonly requestHeaders: RawHeaderList
  /** The held request body's length in bytes. */
  readonly requestSize: number
  /** The request body as base64: only in `getPaused`'s answer (lists and events leave bodies out). */
  readonly requestBody?: string
  readonly status?: number
  readonly reason?: string
  readonly responseHeaders?: RawHeaderList
  readonly responseSize?: number
  /** The response body as base64: only in `getPaused`'s answer. */
  readonly responseBody?: string
}

/** What the editor changes before a paused exchange goes on. Absent fields stay as they were. */
export interface PausedEdits {
  readonly method?: string
  readonly url?: string
  readonly headers?: ReadonlyArray<readonly [string, string]>
  readonly body?: { readonly text: string } | { readonly base64: string }
  readonly status?: number
  readonly reason?: string
}
