/**
 * A listener whose pipeline can be swapped while it serves (a save of the pipeline file, an edit in the
 * window). New exchanges take the new pipeline at once; exchanges in flight finish on the old one, whose
 * resources (an open session, a control port) are freed once its last exchange has ended. The upstream
 * handler (its pool of connections, HTTPS interception) is the listener's and survives every swap.
 */
import { describePipeline, pipeline, type HttpHandler } from '../core/http.ts'
import type { Request, Response } from '../core/message.ts'
import { startWireServer } from '../core/server/wire-server.ts'
import type { RunningServer, ServerOptions } from '../core/server/node-server.ts'
import { selfAddress } from '../chaos/self-address.ts'
import { upstream } from '../proxy/upstream.ts'
import type { BlockSpec } from './block.ts'
import { proxyApp, type BuildOptions, type PipelineApp } from './builder.ts'

/** How long an old pipeline waits for a tunnel or a stalled body before it is freed anyway. */
export const SWAP_GRACE_MS = 30_000

export interface LiveListener {
  readonly server: RunningServer
  /** The running pipeline. */
  readonly app: PipelineApp
  readonly blocks: readonly BlockSpec[]
  /** What is wrong with each block right now (a script's failed reload), in the order of `blocks`. */
  readonly problems: readonly (string | null)[]
  /** One English line per filter, outermost first, then the handler. */
  readonly pipeline: readonly string[]
  /** The composed pipeline as a function (resend sends a request through it in memory). */
  readonly handler: HttpHandler
  /** Builds and starts the new blocks, then switches to them. On a failure the old pipeline keeps running. */
  swap(blocks: readonly BlockSpec[]): Promise<string[]>
  stop(): Promise<void>
}

interface Generation {
  readonly app: PipelineApp
  readonly composed: HttpHandler
  inFlight: number
  retired?: () => void
  /** The generation's own callbacks, made once so an exchange allocates no closures to be counted. */
  readonly responded: (res: Response) => Response
  readonly failed: (error: unknown) => never
  readonly ended: () => void
}

function generation(app: PipelineApp): Generation {
  const g: Generation = {
    app,
    composed: pipeline(app.filters, app.handler),
    inFlight: 0,
    responded: (res) => {
      settleWhenDone(g, res)
      return res
    },
    failed: (error) => {
      done(g)
      throw error
    },
    ended: () => done(g),
  }
  return g
}

export async function startLiveListener(
  blocks: readonly BlockSpec[],
  o: BuildOptions,
  server: ServerOptions,
): Promise<LiveListener & { said: string[] }> {
  const self = o.self ?? selfAddress()
  const shared = upstream(o)
  const build = (list: readonly BlockSpec[]): Generation => {
    return generation(proxyApp(list, { ...o, self, upstream: shared }))
  }
  let current = build(blocks)
  let said: string[] = []
  const serve = function servePipeline(req: Request): Promise<Response> {
    const g = current
    g.inFlight++
    return g.composed(req).then(g.responded, g.failed)
  }
  shared.reenter((req) => current.composed(req))
  let running: RunningServer | undefined
  try {
    running = await startWireServer(serve, server)
    self.listeningOn(running.url)
    said = (await current.app.start?.()) ?? []
  } catch (error) {
    await running?.stop()
    await current.app.close()
    shared.close()
    throw error
  }
  const listener = {
    server: running,
    said,
    get app() {
      return current.app
    },
    get blocks() {
      return current.app.blocks
    },
    get problems() {
      return current.app.problems()
    },
    get pipeline() {
      return describePipeline(current.app.filters, current.app.handler.description ?? 'the app')
    },
    handler: serve,
    async swap(next: readonly BlockSpec[]) {
      const fresh = build(next)
      let lines: string[]
      try {
        lines = (await fresh.app.start?.()) ?? []
      } catch (error) {
        await fresh.app.close()
        throw error
      }
      const old = current
      current = fresh
      retire(old)
      return lines
    },
    async stop() {
      await running.stop()
      await current.app.close()
      shared.close()
    },
  }
  return listener
}

function settleWhenDone(generation: Generation, res: Response): void {
  if (res.body.kind !== 'stream' || res.tunnel) {
    done(generation)
    return
  }
  const stream = res.body.stream
  if (stream.destroyed || stream.readableEnded) {
    done(generation)
    return
  }
  // 'close' comes once, so `on` does without the wrapper `once` would make per exchange.
  stream.on('close', generation.ended)
}

function done(generation: Generation): void {
  generation.inFlight--
  if (generation.inFlight === 0) generation.retired?.()
}

/** Frees an old generation once its exchanges have ended (or after the grace, for tunnels). */
function retire(old: Generation): void {
  let freed = false
  const free = (): void => {
    if (freed) return
    freed = true
    clearTimeout(timer)
    // A moment more for work that follows an exchange's end (the recorder appends after the body's last byte).
    setTimeout(() => {
      void old.app.close()
    }, 100).unref()
  }
  const timer = setTimeout(free, SWAP_GRACE_MS)
  timer.unref()
  if (old.inFlight === 0) free()
  else old.retired = free
}
