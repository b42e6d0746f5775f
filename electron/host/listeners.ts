import type { Breakpoints } from '../pipeline/breakpoints.ts'
import type { ListenerInfo, StartListenerRequest } from '../../shared/exchange.ts'
import type { Clock } from '../core/clock.ts'
import type { Filter, HttpHandler } from '../core/http.ts'
import { pipeline } from '../core/http.ts'
import { mountApp } from '../proxy/mount-app.ts'
import type { App, ProxyOptions } from '../proxy/proxy-options.ts'
import { createChaosEngine, type ChaosEngine } from '../chaos/engine.ts'
import type { BlockSpec } from '../pipeline/block.ts'
import type { BuildOptions } from '../pipeline/builder.ts'
import { checkBlocks } from '../pipeline/pipeline-file.ts'
import { blockKind } from '../pipeline/registry.ts'
import { startLiveListener, type LiveListener } from '../pipeline/live-listener.ts'
import { recordingSwitch, standInSwitch } from '../recording/switches.ts'
import type { ListenerSwitches } from './sessions.ts'
import type { TlsInterception } from '../tls/intercept-connect.ts'

import { staticServer } from '../apps/static-server.ts'
import { websocketClock } from '../apps/websocket-clock.ts'
import { existsSync, statSync } from 'node:fs'
import path from 'node:path'

/**
 * Who asks for a pipeline: the host itself (a pipeline file given to `serve --pipeline`, the app's own
 * listeners) or a window through the contract. A window may not name a script the user did not give in a
 * file: scripts run with the user's rights (SECURITY.md).
 */
export type PipelineCaller = 'host' | 'window'

/** The window's seed-app presets: each kind is a block list (every proxy the window starts carries a chaos block). */
export const PRESET_BLOCKS: Record<'proxy' | 'latency' | 'sniff', readonly BlockSpec[]> = {
  proxy: [{ use: 'chaos' }],
  latency: [{ use: 'latency' }, { use: 'chaos' }],
  sniff: [{ use: 'sniff' }, { use: 'chaos' }],
}

/** A listener in the window always has a chaos block (the Chaos pane drives it): one is added at the end if missing. */
export function withChaosBlock(blocks: readonly BlockSpec[]): BlockSpec[] {
  return blocks.some((b) => b.use === 'chaos') ? [...blocks] : [...blocks, { use: 'chaos' }]
}

export interface RunningListener {
  readonly info: ListenerInfo
  /** The composed pipeline as a function, for sending a request through it in memory (resend). */
  readonly handler: HttpHandler
  readonly mounted: { stop(): Promise<void> }
  /** Proxies: the pipeline, which can be swapped while it serves. */
  readonly live?: LiveListener
  /** Where the blocks' relative paths point. */
  readonly baseDir?: string
  /** Every proxy carries a chaos engine, off until switched on from the Chaos pane or its control API. */
  readonly chaos?: ChaosEngine
  /** Proxies only: recording into a session, and answering from one instead of the server. */
  readonly switches?: ListenerSwitches
  /** Script files (absolute) the host gave this listener; the only ones a window may put back in its pipeline. */
  readonly scripts?: Set<string>
}

export interface ListenerOptions {
  readonly clock: Clock
  /** Filters the host puts into every proxy's pipeline for a listener id (capture). */
  readonly innerFilters: (listenerId: string) => Filter[]
  /** How proxies treat upstream TLS (certificate checks, extra trusted CAs). */
  readonly upstream?: Pick<ProxyOptions, 'insecureUpstream' | 'upstreamCa' | 'allowHosts'>
  /** HTTPS interception for proxies (absent: CONNECT is tunnelled raw). */
  readonly tls?: () => Promise<TlsInterception>
  /** Where latency and sniff lines go when run inside the app. */
  readonly out?: { write(text: string): unknown }
  /** A listener's info changed by itself (a script's reload failed or recovered): tell the windows. */
  readonly onChange?: (id: string) => void
  /** The host's paused exchanges, shared by every proxy's breakpoint blocks. */
  readonly breakpoints?: Breakpoints
}

/** Starts, stops and lists the running apps. Each has an id, its address and its pipeline in English. */
export class Listeners {
  readonly #running = new Map<string, RunningListener>()
  #next = 1

  constructor(private readonly options: ListenerOptions) {}

  list(): ListenerInfo[] {
    return [...this.#running.values()].map((l) => l.info)
  }

  get(id: string): RunningListener | undefined {
    return this.#running.get(id)
  }

  /** Starts a listener. With `fallbackToFreePort`, a taken port is replaced by a free one and the info says so. */
  async start(
    request: StartListenerRequest,
    fallbackToFreePort = false,
    captured = true,
    caller: PipelineCaller = 'host',
  ): Promise<ListenerInfo> {
    const id = `L${this.#next++}`
    if (request.kind === 'static' || request.kind === 'clock') return this.startApp(id, request, captured)
    const chaos = createChaosEngine({ clock: this.options.clock })
    const switches: ListenerSwitches = {
      recording: recordingSwitch({ clock: this.options.clock }),
      standIn: standInSwitch(),
    }
    const name = request.name ?? `listener ${id.slice(1)}`
    const baseDir = request.baseDir ?? process.cwd()
    const blocks = withChaosBlock(
      this.checked(request.pipeline ?? PRESET_BLOCKS[request.kind as keyof typeof PRESET_BLOCKS], baseDir),
    )
    const scripts = new Set<string>()
    this.allowScripts(blocks, baseDir, caller, scripts)
    const o: BuildOptions = {
      target: request.target,
      httpsUpstream: request.httpsUpstream ?? false,
      clock: this.options.clock,
      out: this.options.out ?? { write: () => true },
      inner: this.options.innerFilters(id),
      innermost: [switches.recording, switches.standIn],
      engine: chaos,
      listenerName: name,
      baseDir,
      onBlockChange: () => this.refresh(id),
      ...(this.options.breakpoints ? { breakpoints: this.options.breakpoints } : {}),
      ...(this.options.tls ? { tls: await this.options.tls() } : {}),
      ...this.options.upstream,
      ...(request.h2cUpstream ? { h2cUpstream: true } : {}),
    }
    const host = request.host ?? '127.0.0.1'
    const port = request.port ?? 8080
    let live: LiveListener
    let note: string | undefined
    try {
      live = await startLiveListener(blocks, o, { host, port })
    } catch (error) {
      if (!fallbackToFreePort || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error
      live = await startLiveListener(blocks, o, { host, port: 0 })
      note = `port ${port} was taken, so this proxy took ${live.server.port}`
    }
    const info = (): ListenerInfo => ({
      id,
      name,
      kind: request.kind,
      mode: request.target ? 'reverse' : (request.mode ?? 'forward'),
      host: live.server.host,
      port: live.server.port,
      url: live.server.url,
      httpsUpstream: o.httpsUpstream ?? false,
      ...(o.h2cUpstream ? { h2cUpstream: true } : {}),
      pipeline: live.pipeline,
      blocks: live.blocks.map((b) => ({ ...b })),
      blockLines: live.blocks.map(
        (b) => `${blockKind(b.use)?.describe(b as never) ?? b.use}${b.enabled === false ? ' (switched off)' : ''}`,
      ),
      ...(live.problems.some((p) => p !== null) ? { blockProblems: [...live.problems] } : {}),
      startedAt: this.options.clock.now(),
      ...(request.target ? { target: request.target } : {}),
      ...(note ? { note } : {}),
    })
    this.#running.set(id, {
      info: info(),
      handler: live.handler,
      mounted: live,
      live,
      chaos,
      switches,
      baseDir,
      scripts,
    })
    this.#infos.set(id, info)
    return this.#running.get(id)!.info
  }

  /** Replaces a proxy's blocks while it serves; in-flight exchanges finish on the old ones. Throws naming every problem. */
  async setPipeline(id: string, raw: readonly unknown[], caller: PipelineCaller = 'host'): Promise<ListenerInfo> {
    const listener = this.#running.get(id)
    if (!listener?.live) throw new Error(`setPipeline: no proxy listener "${id}"`)
    const baseDir = listener.baseDir ?? process.cwd()
    const blocks = withChaosBlock(this.checked(raw, baseDir))
    const scripts = new Set(listener.scripts)
    this.allowScripts(blocks, baseDir, caller, scripts)
    await listener.live.swap(blocks)
    for (const file of scripts) listener.scripts?.add(file)
    const info = this.#infos.get(id)!()
    this.#running.set(id, { ...listener, info })
    return info
  }

  /** Re-reads a listener's info after a change of its own (a script's reload) and tells the windows. */
  private refresh(id: string): void {
    const listener = this.#running.get(id)
    const info = this.#infos.get(id)
    if (!listener || !info) return
    this.#running.set(id, { ...listener, info: info() })
    this.options.onChange?.(id)
  }

  /** The window's check of a pipeline it has not applied yet: the same refusals `setPipeline` would give. */
  scriptProblems(id: string, blocks: readonly BlockSpec[]): string[] {
    const listener = this.#running.get(id)
    try {
      this.allowScripts(blocks, listener?.baseDir ?? process.cwd(), 'window', new Set(listener?.scripts))
      return []
    } catch (error) {
      return (error as Error).message.split('\n')
    }
  }

  /**
   * Script blocks from the host are remembered in `scripts`; from a window, each must name a file the host
   * already gave this listener, else every such block is refused, named by its path.
   */
  private allowScripts(
    blocks: readonly BlockSpec[],
    baseDir: string,
    caller: PipelineCaller,
    scripts: Set<string>,
  ): void {
    const refused: string[] = []
    blocks.forEach((b, i) => {
      if (b.use !== 'script' || typeof b.file !== 'string') return
      const file = path.resolve(baseDir, b.file)
      if (caller === 'host') scripts.add(file)
      else if (!scripts.has(file)) {
        refused.push(
          `pipeline[${i}].file: the window cannot add the script ${file}: scripts run with your rights, so a new one must come from a pipeline file (nanoscope serve --pipeline FILE); the window can only keep, move, switch or edit the scripts that file gave this listener`,
        )
      }
    })
    if (refused.length) throw new Error(refused.join('\n'))
  }

  private checked(raw: readonly unknown[], baseDir: string): BlockSpec[] {
    const checked = checkBlocks(raw, baseDir, ['pipeline'])
    if (!checked.ok) throw new Error(checked.problems.join('\n'))
    return checked.value as BlockSpec[]
  }

  readonly #infos = new Map<string, () => ListenerInfo>()

  /** Static files or the clock, with capture in front so their traffic shows too. */
  private async startApp(id: string, request: StartListenerRequest, captured: boolean): Promise<ListenerInfo> {
    if (request.kind === 'static' && !(request.dir && existsSync(request.dir) && statSync(request.dir).isDirectory())) {
      throw new Error(`startListener: "${request.dir}" is not a folder`)
    }
    const plain =
      request.kind === 'static'
        ? staticServer(request.dir)
        : websocketClock(request.intervalMs ?? 1000, this.options.clock)
    const app: App = captured ? { ...plain, filters: [...this.options.innerFilters(id), ...plain.filters] } : plain
    const mounted = await mountApp(app, { host: request.host ?? '127.0.0.1', port: request.port ?? 0 })
    const info: ListenerInfo = {
      id,
      name: request.name ?? `${request.kind} ${id.slice(1)}`,
      kind: request.kind,
      mode: 'reverse',
      host: mounted.server.host,
      port: mounted.server.port,
      url: mounted.server.url,
      httpsUpstream: false,
      pipeline: mounted.pipeline,
      startedAt: this.options.clock.now(),
      ...(request.dir ? { dir: request.dir } : {}),
    }
    this.#running.set(id, { info, handler: pipeline(app.filters, app.handler), mounted })
    return info
  }

  async stop(id: string): Promise<boolean> {
    const listener = this.#running.get(id)
    if (!listener) return false
    this.#running.delete(id)
    await listener.mounted.stop()
    return true
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.#running.keys()].map((id) => this.stop(id)))
  }
}
