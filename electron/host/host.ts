/**
 * The host: runs apps on demand, captures every exchange, and serves the UI contract to any number of
 * windows (Electron IPC or the `serve` WebSocket). Each window gets a connection (`connectWindow`): its own live
 * stream of exchange batches after a snapshot, plus the host-wide events. (A "session" is a recording on disk.)
 */
import { CONTRACT_VERSION, isCommandName, type ArgsOf, type CommandName, type ResultOf } from '../../shared/contract.ts'
import type { ChaosInfo, PausedEdits, Settings, StartListenerRequest } from '../../shared/exchange.ts'
import { CHAOS_PRESETS } from '../chaos/presets.ts'
import { validateArgs } from '../../shared/validate.ts'
import { systemClock, type Clock } from '../core/clock.ts'
import { bodyBytes, request as makeRequest } from '../core/message.ts'
import { CaptureHub } from '../capture/capture-hub.ts'
import { EventBus, type EventSink } from './event-bus.ts'
import { Listeners, type PipelineCaller } from './listeners.ts'
import { launchBrowser } from './launch-browser.ts'
import { SessionsController } from './sessions.ts'
import { tlsInterception } from '../tls/interception.ts'
import { caInfo } from '../tls/certificate-authority.ts'
import { chromiumTrustArgs } from '../tls/fingerprints.ts'
import { Breakpoints } from '../pipeline/breakpoints.ts'
import { editedRequest } from '../pipeline/blocks/breakpoint.ts'
import { BLOCK_KINDS } from '../pipeline/registry.ts'
import { blockJsonSchema, checkBlocks } from '../pipeline/pipeline-file.ts'
import { pipelineFileText } from '../pipeline/print-pipeline.ts'
import type { BlockSpec } from '../pipeline/block.ts'

export interface HostOptions {
  readonly clock?: Clock
  /** Where recorded sessions live (default: the user's data directory). */
  readonly sessionsRoot?: string
  /** Decrypt HTTPS through CONNECT with the local CA (made on first use). Default off; the app and `serve` turn it on. */
  readonly interceptHttps?: boolean | { readonly caDir?: string; readonly passthrough?: readonly string[] }
  /** Skip upstream certificate checks (local development only). */
  readonly insecureUpstream?: boolean
  /** Extra CA certificates (PEM) to trust for upstreams. */
  readonly upstreamCa?: readonly string[]
  /** Proxies forward only to these hosts (see `allowHosts`). */
  readonly allowHosts?: readonly string[]
  readonly settings?: Partial<Settings>
}

/** One window's connection to the host: the commands it sends, and closing it when the window goes. */
export interface WindowConnection {
  /** Validates and runs one command from this window. Throws an Error whose message says what was wrong. */
  dispatch(name: unknown, args: unknown): Promise<unknown>
  close(): void
}

type Handlers = { [K in CommandName]: (args: ArgsOf<K>) => Promise<ResultOf<K>> }

export class Host {
  readonly clock: Clock
  readonly hub: CaptureHub
  readonly listeners: Listeners
  readonly events = new EventBus()
  readonly sessions: SessionsController
  /** Every exchange a breakpoint block holds; windows see each change as a `paused` event. */
  readonly breakpoints: Breakpoints
  #connectedWindows = 0
  private readonly caDir: string | undefined
  /** Whether proxies decrypt HTTPS (see HostOptions.interceptHttps). */
  readonly intercepting: boolean

  constructor(options: HostOptions = {}) {
    this.clock = options.clock ?? systemClock
    this.hub = new CaptureHub(options.settings)
    const intercept = options.interceptHttps
    this.caDir = typeof intercept === 'object' ? intercept.caDir : undefined
    this.intercepting = !!intercept
    this.breakpoints = new Breakpoints(this.clock)
    this.breakpoints.onChange((paused) => this.events.emit('paused', { paused: [...paused] }))
    this.listeners = new Listeners({
      clock: this.clock,
      breakpoints: this.breakpoints,
      ...(intercept
        ? {
            tls: () =>
              tlsInterception({
                ...(this.caDir ? { caDir: this.caDir } : {}),
                ...(typeof intercept === 'object' && intercept.passthrough
                  ? { passthrough: [...intercept.passthrough] }
                  : {}),
              }),
          }
        : {}),
      upstream: {
        ...(options.insecureUpstream ? { insecureUpstream: true } : {}),
        ...(options.upstreamCa?.length ? { upstreamCa: options.upstreamCa } : {}),
        ...(options.allowHosts?.length ? { allowHosts: options.allowHosts } : {}),
      },
      innerFilters: (listenerId) => [this.hub.captureFilter(listenerId, this.clock)],
      onChange: () => this.events.emit('listeners', { listeners: this.listeners.list() }),
    })
    this.sessions = new SessionsController({
      ...(options.sessionsRoot ? { root: options.sessionsRoot } : {}),
      switchesOf: (id) => {
        const switches = this.listenerOrThrow(id).switches
        if (!switches) throw new Error(`listener "${id}" is not a proxy, so it cannot record or stand in`)
        return switches
      },
      handlerOf: (id) => this.listenerOrThrow(id).handler,
      onRecording: (info) => this.events.emit('recording', info),
      onSessions: () => this.events.emit('sessions', {}),
      onReplayProgress: (progress) => this.events.emit('replayProgress', progress),
    })
    this.hub.onCleared((upToSeq) => this.events.emit('cleared', upToSeq === undefined ? {} : { upToSeq }))
    this.hub.frames.onFrames((exchangeId, frames) => this.events.emit('frames', { exchangeId, frames }))
    this.hub.onSettings((settings) => this.events.emit('settings', settings))
  }

  /** Starts a listener and tells every window. `captured: false` keeps an app's own traffic out of Traffic. */
  async startListener(
    request: StartListenerRequest,
    fallbackToFreePort = false,
    captured = true,
    caller: PipelineCaller = 'host',
  ) {
    const info = await this.listeners.start(request, fallbackToFreePort, captured, caller)
    const chaos = this.listeners.get(info.id)?.chaos
    chaos?.subscribe(() => this.events.emit('chaos', this.chaosInfo(info.id)))
    this.events.emit('listeners', { listeners: this.listeners.list() })
    return info
  }

  /** Replaces a proxy's blocks while it serves and tells every window. Throws listing every problem. */
  async setPipelineOf(id: string, pipeline: readonly unknown[], caller: PipelineCaller = 'host') {
    const info = await this.listeners.setPipeline(id, pipeline, caller)
    this.events.emit('listeners', { listeners: this.listeners.list() })
    return info
  }

  async stopListener(id: string): Promise<boolean> {
    // Its paused exchanges go on unchanged first, so stopping it does not wait on them.
    const name = this.listeners.get(id)?.info.name
    if (name !== undefined) this.breakpoints.releaseAll((p) => p.listenerName === name)
    const stopped = await this.listeners.stop(id)
    if (stopped) this.events.emit('listeners', { listeners: this.listeners.list() })
    return stopped
  }

  async stop(): Promise<void> {
    // Closing the host continues everything paused, unchanged: nothing hangs.
    this.breakpoints.releaseAll()
    await this.sessions.stopAll(
      this.listeners
        .list()
        .filter((l) => this.listeners.get(l.id)?.switches)
        .map((l) => l.id),
    )
    await this.listeners.stopAll()
  }

  /** Connects one window: `sink` gets its events; `backedUp` says when its transport is behind (batches wait). */
  connectWindow(sink: EventSink, backedUp: () => boolean = () => false): WindowConnection {
    const removeSink = this.events.add(sink)
    this.#connectedWindows++
    let closed = false
    let unsubscribe: (() => void) | undefined
    const handlers: Handlers = {
      subscribe: async () => {
        unsubscribe?.()
        const { snapshot, unsubscribe: stop } = this.hub.subscribe({
          deliver: (exchanges) => sink('exchanges', { exchanges }),
          backedUp,
        })
        unsubscribe = stop
        return {
          version: CONTRACT_VERSION,
          exchanges: snapshot,
          listeners: this.listeners.list(),
          capturing: this.hub.capturing,
          settings: this.hub.settings,
          paused: this.breakpoints.list(),
        }
      },
      listListeners: async () => this.listeners.list(),
      startListener: async (args) => this.startListener(args, false, true, 'window'),
      stopListener: async ({ id }) => ({ stopped: await this.stopListener(id) }),
      getExchange: async ({ id }) => this.hub.detail(id),
      searchExchanges: async ({ terms }) => this.hub.search(terms),
      clear: async ({ upToSeq }) => ({ cleared: this.hub.clear(upToSeq) }),
      pauseCapture: async () => this.setCapturing(false),
      resumeCapture: async () => this.setCapturing(true),
      getSettings: async () => this.hub.settings,
      updateSettings: async (changes) => this.hub.updateSettings(changes),
      resend: async ({ id, edits }) => this.resend(id, edits),
      launchBrowser: async ({ listenerId }) => {
        const listener = this.listeners.get(listenerId)
        if (!listener) throw new Error(`launchBrowser: no listener "${listenerId}"`)
        const trust =
          listener.info.kind !== 'static' && listener.info.kind !== 'clock'
            ? chromiumTrustArgs((await caInfo(this.caDir ? { dir: this.caDir } : {})).spki)
            : []
        return launchBrowser(listener.info.url, trust)
      },
      getChaos: async ({ listenerId }) => ({
        chaos: this.chaosInfo(listenerId),
        presets: CHAOS_PRESETS.map((p) => ({ ...p })),
      }),
      setChaos: async ({ listenerId, active, stages }) => {
        const engine = this.chaosOf(listenerId)
        if (stages !== undefined) {
          const parsed = engine.setStages(stages, { activate: false })
          if (!parsed.ok) throw new Error(`setChaos: ${parsed.problem.field}: ${parsed.problem.message}`)
        }
        if (active === true) engine.activate()
        if (active === false) engine.deactivate()
        return this.chaosInfo(listenerId)
      },
      listSessions: async ({ location }) => this.sessions.list(location),
      getRecording: async ({ listenerId }) => this.sessions.info(listenerId),
      startRecording: async ({ listenerId, name }) => this.sessions.startRecording(listenerId, name),
      stopRecording: async ({ listenerId }) => this.sessions.stopRecording(listenerId),
      setStandIn: async ({ listenerId, sessionId }) => this.sessions.setStandIn(listenerId, sessionId),
      renameSession: async ({ sessionId, name }) => this.sessions.rename(sessionId, name),
      deleteSession: async ({ sessionId }) => this.sessions.remove(sessionId),
      exportHar: async ({ sessionId }) =>
        this.sessions.exportHar(sessionId, () =>
          this.hub
            .summaries()
            .map((s) => this.hub.detail(s.id))
            .filter((d): d is NonNullable<typeof d> => d !== null),
        ),
      importHar: async ({ fileName, content }) => this.sessions.importHar(fileName, content),
      replaySession: async ({ listenerId, ...request }) => this.sessions.replay(listenerId, request),
      startClockDemo: async ({ intervalMs }) => this.startClockDemo(intervalMs),
      listBlockKinds: async () =>
        BLOCK_KINDS.map((k) => ({
          use: k.use,
          summary: k.summary,
          example: { ...k.example },
          schema: blockJsonSchema(k),
        })),
      checkPipeline: async ({ listenerId, pipeline }) => {
        const checked = checkBlocks(pipeline, this.listenerOrThrow(listenerId).baseDir ?? process.cwd(), ['pipeline'])
        if (!checked.ok) return { problems: [...checked.problems] }
        return { problems: this.listeners.scriptProblems(listenerId, checked.value as BlockSpec[]) }
      },
      setPipeline: async ({ listenerId, pipeline }) => this.setPipelineOf(listenerId, pipeline, 'window'),
      exportPipeline: async ({ listenerId }) => {
        const proxies = this.listeners
          .list()
          .filter((l) => l.blocks && (listenerId === undefined || l.id === listenerId))
        if (listenerId !== undefined && proxies.length === 0)
          throw new Error(`exportPipeline: no proxy listener "${listenerId}"`)
        const content = pipelineFileText(
          proxies.map((l) => ({
            name: l.name,
            host: l.host,
            port: l.port,
            ...(l.target ? { target: l.target } : {}),
            ...(l.httpsUpstream ? { httpsUpstream: true } : {}),
            ...(l.h2cUpstream ? { h2cUpstream: true } : {}),
            pipeline: (l.blocks ?? []) as BlockSpec[],
          })),
        )
        return {
          fileName: `${listenerId ? proxies[0]!.name.replace(/[^\w.-]+/g, '-') : 'nanoscope'}.pipeline.json`,
          content,
        }
      },
      listPaused: async () => this.breakpoints.list(),
      getPaused: async ({ id }) => this.breakpoints.get(id) ?? null,
      continuePaused: async ({ id, edits }) => ({
        resolved: this.breakpoints.resolve(id, { kind: 'continue', ...(edits ? { edits } : {}) }),
      }),
      abortPaused: async ({ id }) => ({ resolved: this.breakpoints.resolve(id, { kind: 'abort' }) }),
      respondPaused: async ({ id, status, reason, headers, body }) => ({
        resolved: this.breakpoints.resolve(id, {
          kind: 'respond',
          status,
          ...(reason ? { reason } : {}),
          headers: headers ?? [],
          body: !body
            ? Buffer.alloc(0)
            : 'text' in body
              ? Buffer.from(body.text, 'utf8')
              : Buffer.from(body.base64, 'base64'),
        }),
      }),
      getCa: async () => {
        const info = await caInfo(this.caDir ? { dir: this.caDir } : {})
        return { ...info, chromiumFlag: chromiumTrustArgs(info.spki).join(' '), intercepting: this.intercepting }
      },
    }
    return {
      dispatch: async (name, args) => {
        if (!isCommandName(name)) throw new Error(`unknown command "${String(name)}"`)
        const problem = validateArgs(name, args)
        if (problem) throw new Error(problem)
        return (handlers[name] as (a: unknown) => Promise<unknown>)(args)
      },
      close: () => {
        if (closed) return
        closed = true
        unsubscribe?.()
        removeSink()
        // The last window closing continues everything paused: nobody is left to answer it.
        if (--this.#connectedWindows === 0) this.breakpoints.releaseAll()
      },
    }
  }

  /**
   * The Clock pane's demo: the websocket clock (seed app 6) behind a reverse proxy, so its frames are captured
   * like any other traffic. Reused while both listeners run.
   */
  async startClockDemo(intervalMs = 1000): Promise<{ url: string; clockListenerId: string; proxyListenerId: string }> {
    const running =
      this.clockDemo &&
      this.listeners.get(this.clockDemo.clockListenerId) &&
      this.listeners.get(this.clockDemo.proxyListenerId)
    if (running && this.clockDemo) return this.clockDemo
    // Only the proxy in front captures, so each tick shows once.
    const clock = await this.startListener({ kind: 'clock', intervalMs, port: 0 }, false, false)
    const proxy = await this.startListener({ kind: 'proxy', mode: 'reverse', target: clock.url, port: 0 })
    this.clockDemo = {
      url: `${proxy.url.replace(/^http/, 'ws')}/clock`,
      clockListenerId: clock.id,
      proxyListenerId: proxy.id,
    }
    return this.clockDemo
  }

  private clockDemo: { url: string; clockListenerId: string; proxyListenerId: string } | undefined

  /** A listener's chaos engine as the UI shows it; the control API on its own address drives the same engine. */
  chaosInfo(listenerId: string): ChaosInfo {
    const listener = this.listenerOrThrow(listenerId)
    const state = this.chaosOf(listenerId).state()
    return {
      listenerId,
      active: state.active,
      description: state.description,
      stages: [...state.stages],
      chaoticCount: state.chaoticCount,
      ...(listener.info.mode === 'forward' ? { controlUrl: `${listener.info.url}/chaos` } : {}),
    }
  }

  private chaosOf(id: string) {
    const chaos = this.listenerOrThrow(id).chaos
    if (!chaos) throw new Error(`listener "${id}" is not a proxy, so it has no chaos engine`)
    return chaos
  }

  private listenerOrThrow(id: string) {
    const listener = this.listeners.get(id)
    if (!listener) throw new Error(`no listener "${id}"`)
    return listener
  }

  private setCapturing(capturing: boolean) {
    if (capturing) this.hub.resume()
    else this.hub.pause()
    this.events.emit('capture', { capturing: this.hub.capturing })
    return { capturing: this.hub.capturing }
  }

  /**
   * Sends a captured request through its listener's pipeline again, changed by `edits` if given (Content-Length
   * follows an edited body unless the edits set it), so it shows up as a new exchange linked to this one.
   */
  private async resend(id: string, edits?: PausedEdits): Promise<{ status: number }> {
    const detail = this.hub.detail(id)
    if (!detail) throw new Error(`resend: no exchange "${id}" (it may have been cleared or evicted)`)
    if (!edits?.body) {
      // An edited body replaces what was captured; otherwise the capture must hold the body whole.
      if (detail.requestBody?.missing !== undefined)
        throw new Error(
          'resend: the request body did not all arrive (it was answered before the client sent it all), so it cannot be sent again exactly',
        )
      if (detail.requestBody?.truncated)
        throw new Error('resend: the request body was larger than the capture cap, so it cannot be sent again exactly')
    }
    const listener = this.listeners.get(detail.listenerId) ?? this.listeners.get(this.listeners.list()[0]?.id ?? '')
    if (!listener) throw new Error('resend: no proxy is running to send it through')
    const body = detail.requestBody ? Buffer.from(detail.requestBody.base64, 'base64') : undefined
    const req = makeRequest({
      method: detail.method,
      target: detail.method === 'CONNECT' ? detail.target : detail.url,
      headers: detail.requestHeaders.map(([n, v]) => [n, v] as const),
      ...(body ? { body } : {}),
    })
    const res = await listener.handler(
      Object.freeze({ ...editedRequest(req, edits), tags: ['resent', `resent-from:${id}`] }),
    )
    await bodyBytes(res.body).catch(() => undefined)
    return { status: res.status }
  }
}
