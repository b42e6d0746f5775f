/**
 * The one builder: a proxy listener is its blocks plus where it sends requests. Every seed app, `run`'s
 * listeners, `serve`'s proxy and every listener the window starts are assembled here, in one fixed frame:
 *
 *   catch-all → blocks' outer parts (the chaos control API) → routing → the caller's own filters (capture)
 *   → the blocks, in order → allowed hosts → hop-by-hop headers removed → Via → the blocks' innermost parts
 *   (the sniffer, which prints what crosses the wire) → upstream
 *
 * Blocks sit after routing, so they see the request as it will go upstream, and after capture, so what they
 * do (a mock, a block) shows in Traffic like any exchange.
 */
import { describePipeline, type Filter } from '../core/http.ts'
import { catchAll } from '../core/filters/catch-all.ts'
import { removeHopByHop } from '../core/filters/hop-by-hop.ts'
import { addVia } from '../core/filters/via.ts'
import { allowHosts } from '../core/filters/allow-hosts.ts'
import { systemClock } from '../core/clock.ts'
import { routeUpstream, upstream, type Upstream } from '../proxy/upstream.ts'
import type { App, ProxyOptions } from '../proxy/proxy-options.ts'
import { selfAddress, type SelfAddress } from '../chaos/self-address.ts'
import type { ChaosEngine } from '../chaos/engine.ts'
import type { ExchangeWriter } from '../recording/recorded-exchange.ts'
import type { BlockContext, BlockSpec, BuiltBlock } from './block.ts'
import { blockKind } from './registry.ts'
import type { Breakpoints } from './breakpoints.ts'

export interface BuildOptions extends ProxyOptions {
  /** Relative paths in blocks resolve here (the pipeline file's folder). Default: the working directory. */
  readonly baseDir?: string
  readonly listenerName?: string
  /** The listener's own address (made here when absent; `mountApp` tells it the port). */
  readonly self?: SelfAddress
  /** An engine the caller owns, used by the chaos block instead of a fresh one (the chaos app's tests). */
  readonly engine?: ChaosEngine
  /** A session the caller opened, used by the record block instead of opening `dir` itself (`nanoscope record`). */
  readonly session?: ExchangeWriter
  /** Filters the caller places after the blocks (the host's recording and stand-in switches). */
  readonly innermost?: readonly Filter[]
  /** Where blocks' one-line notices go (a script reloaded or not). Default: stderr. */
  readonly say?: (line: string) => void
  /** Called when a block's state changes while it runs (a script's reload failed or recovered). */
  readonly onBlockChange?: () => void
  /** An upstream handler the caller owns and closes (a live listener's, shared by every swap). */
  readonly upstream?: Upstream
  /** The host's paused exchanges (breakpoint blocks pause there); without it each breakpoint keeps its own. */
  readonly breakpoints?: Breakpoints
}

/** A proxy app built from blocks: what `mountApp` runs, plus what the blocks expose. */
export interface PipelineApp extends App {
  readonly blocks: readonly BlockSpec[]
  /** The first enabled chaos block's engine, if any. */
  readonly chaos?: ChaosEngine
  /** What is wrong with each block right now, in the order of `blocks` (null: nothing, or switched off). */
  problems(): (string | null)[]
}

/** Builds a proxy from blocks. Blocks must have passed `checkBlocks`; an unknown `use` here is a programmer error. */
export function proxyApp(blocks: readonly BlockSpec[], o: BuildOptions = {}): PipelineApp {
  const self = o.self ?? selfAddress()
  const context: BlockContext = {
    clock: o.clock ?? systemClock,
    out: o.out ?? process.stdout,
    baseDir: o.baseDir ?? process.cwd(),
    listenerName: o.listenerName ?? 'proxy',
    self,
    target: o.target,
    ...(o.say ? { say: o.say } : {}),
    ...(o.onBlockChange ? { changed: o.onBlockChange } : {}),
    ...(o.engine ? { engine: o.engine } : {}),
    ...(o.session ? { session: o.session } : {}),
    ...(o.breakpoints ? { breakpoints: o.breakpoints } : {}),
  }
  const built: BuiltBlock[] = []
  const byIndex: (BuiltBlock | undefined)[] = []
  for (const spec of blocks) {
    if (spec.enabled === false) {
      byIndex.push(undefined)
      continue
    }
    const kind = blockKind(spec.use)
    if (!kind) throw new Error(`unknown block "${spec.use}": check block lists with checkBlocks before building them`)
    // The caller's engine (the Chaos pane's) drives the first chaos block only; any further one has its own.
    const engineTaken = spec.use === 'chaos' && built.some((x) => x.chaos === o.engine && o.engine !== undefined)
    const b = kind.build(spec, engineTaken ? { ...context, engine: undefined } : context)
    built.push(b)
    byIndex.push(b)
  }
  const way = o.upstream ?? upstream(o)
  const filters: Filter[] = [
    catchAll(),
    ...built.flatMap((b) => (b.outer ? [b.outer] : [])),
    routeUpstream(o),
    ...(o.inner ?? []),
    ...built.map((b) => b.filter),
    ...(o.innermost ?? []),
    ...(o.allowHosts?.length ? [allowHosts(o.allowHosts)] : []),
    removeHopByHop(),
    addVia(),
    ...built.flatMap((b) => (b.innermost ? [b.innermost] : [])),
  ]
  const chaos = built.find((b) => b.chaos)?.chaos
  return {
    filters,
    handler: way.handler,
    reenter: way.reenter,
    blocks,
    ...(chaos ? { chaos } : {}),
    problems: () => byIndex.map((b) => b?.problem?.() ?? null),
    listeningOn: (url) => self.listeningOn(url),
    async start() {
      const said: string[] = []
      for (const b of built) {
        const line = await b.start?.()
        if (line) said.push(line)
      }
      return said
    },
    async close() {
      if (!o.upstream) way.close()
      await Promise.all(built.map((b) => b.close?.()))
    },
  }
}

/** One line per part of a built pipeline, outermost first (the Pipelines pane's and `describe`'s view). */
export function explainApp(app: App): string[] {
  return describePipeline(app.filters, app.handler.description ?? 'the app')
}
