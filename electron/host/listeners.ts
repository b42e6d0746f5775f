import type { ListenerInfo, StartListenerRequest } from '../../shared/exchange.ts'
import type { Clock } from '../core/clock.ts'
import type { Filter, HttpHandler } from '../core/http.ts'
import { pipeline } from '../core/http.ts'
import { simpleProxy } from '../apps/simple-proxy.ts'
import { latencyProxy } from '../apps/latency-proxy.ts'
import { sniffProxy } from '../apps/sniff-proxy.ts'
import { mountApp, type MountedApp } from '../proxy/mount-app.ts'
import type { App, ProxyOptions } from '../proxy/proxy-options.ts'
import { createChaosEngine, type ChaosEngine } from '../chaos/engine.ts'
import { serveChaosControls } from '../chaos/chaos-controls.ts'
import { selfAddress } from '../chaos/self-address.ts'
import { recordingSwitch, standInSwitch } from '../recording/switches.ts'
import type { ListenerSwitches } from './sessions.ts'
import type { TlsInterception } from '../tls/intercept-connect.ts'

import { staticServer } from '../apps/static-server.ts'
import { websocketClock } from '../apps/websocket-clock.ts'
import { existsSync, statSync } from 'node:fs'

const APPS: Record<'proxy' | 'latency' | 'sniff', (o: ProxyOptions) => App> = {
  proxy: simpleProxy, latency: latencyProxy, sniff: sniffProxy,
}

export interface RunningListener {
  readonly info: ListenerInfo
  /** The composed pipeline as a function, for sending a request through it in memory (resend). */
  readonly handler: HttpHandler
  readonly mounted: MountedApp
  /** Every proxy carries a chaos engine, off until switched on from the Chaos pane or its control API. */
  readonly chaos?: ChaosEngine
  /** Proxies only: recording into a session, and answering from one instead of the server. */
  readonly switches?: ListenerSwitches
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
  async start(request: StartListenerRequest, fallbackToFreePort = false, captured = true): Promise<ListenerInfo> {
    const id = `L${this.#next++}`
    if (request.kind === 'static' || request.kind === 'clock') return this.startApp(id, request, captured)
    const chaos = createChaosEngine({ clock: this.options.clock })
    const switches: ListenerSwitches = { recording: recordingSwitch({ clock: this.options.clock }), standIn: standInSwitch() }
    const self = selfAddress()
    const o: ProxyOptions = {
      target: request.target,
      httpsUpstream: request.httpsUpstream ?? false,
      clock: this.options.clock,
      out: this.options.out ?? { write: () => true },
      inner: [...this.options.innerFilters(id), chaos.filter, switches.recording, switches.standIn],
      ...(this.options.tls ? { tls: await this.options.tls() } : {}),
      ...this.options.upstream,
    }
    const plain = APPS[request.kind as keyof typeof APPS](o)
    const [outermost, ...rest] = plain.filters
    const app: App = { ...plain, filters: [outermost!, serveChaosControls({ ...o, engine: chaos, self }), ...rest] }
    const host = request.host ?? '127.0.0.1'
    const port = request.port ?? 8080
    let mounted: MountedApp
    let note: string | undefined
    try {
      mounted = await mountApp(app, { host, port })
    } catch (error) {
      if (!fallbackToFreePort || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') {
        app.close()
        throw error
      }
      mounted = await mountApp(app, { host, port: 0 })
      note = `port ${port} was taken, so this proxy took ${mounted.server.port}`
    }
    self.listeningOn(mounted.server.url)
    const info: ListenerInfo = {
      id, kind: request.kind, mode: request.mode ?? 'forward', host: mounted.server.host, port: mounted.server.port,
      url: mounted.server.url, httpsUpstream: o.httpsUpstream ?? false, pipeline: mounted.pipeline,
      startedAt: this.options.clock.now(),
      ...(request.target ? { target: request.target } : {}), ...(note ? { note } : {}),
    }
    this.#running.set(id, { info, handler: pipeline(app.filters, app.handler), mounted, chaos, switches })
    return info
  }

  /** Static files or the clock, with capture in front so their traffic shows too. */
  private async startApp(id: string, request: StartListenerRequest, captured: boolean): Promise<ListenerInfo> {
    if (request.kind === 'static' && !(request.dir && existsSync(request.dir) && statSync(request.dir).isDirectory())) {
      throw new Error(`startListener: "${request.dir}" is not a folder`)
    }
    const plain = request.kind === 'static' ? staticServer(request.dir) : websocketClock(request.intervalMs ?? 1000, this.options.clock)
    const app: App = captured ? { ...plain, filters: [...this.options.innerFilters(id), ...plain.filters] } : plain
    const mounted = await mountApp(app, { host: request.host ?? '127.0.0.1', port: request.port ?? 0 })
    const info: ListenerInfo = {
      id, kind: request.kind, mode: 'reverse', host: mounted.server.host, port: mounted.server.port, url: mounted.server.url,
      httpsUpstream: false, pipeline: mounted.pipeline, startedAt: this.options.clock.now(),
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
