/**
 * The proxy arrangements measured, each started as its own process in front of the shared upstream process.
 * `direct` starts nothing: autocannon talks to the upstream itself.
 */
import { startChild, type Child } from './child.ts'
import { FORWARDING_NODE_FLAGS, SERVE_NODE_FLAGS } from '../bin/node-flags.mjs'
import { startNginx } from './nginx-proxy.ts'
import { startServe } from './serve-process.ts'

export type ScenarioName =
  | 'direct'
  | 'bare-pipe'
  | 'nanoscope-plain'
  | 'nanoscope-capture'
  | 'nanoscope-subscribed'
  | 'nanoscope-recording'
  | 'nanoscope-pipeline'
  | 'nginx'

export interface Scenario {
  readonly name: ScenarioName
  readonly what: string
  /** The anchor it is compared with: the bench runs both side by side and measures them in alternating slices. */
  readonly against?: ScenarioName
}

/**
 * In the order they run within a round. A scenario with an anchor (`against`) runs in a group with it: bare pipe
 * with capture and subscribed, plain with recording, their measurements interleaved slice by slice.
 */
export const SCENARIOS: readonly Scenario[] = [
  { name: 'direct', what: 'autocannon straight to the upstream (no proxy)' },
  { name: 'bare-pipe', what: 'bare Node pipe proxy: http.createServer + http.request, keep-alive agent, bodies piped' },
  {
    name: 'nanoscope-capture',
    against: 'bare-pipe',
    what: 'Nanoscope reverse proxy + latency and sniff filters to a no-op Writable + capture into an in-memory CaptureHub',
  },
  {
    name: 'nanoscope-subscribed',
    against: 'bare-pipe',
    what:
      "the user's path: the `nanoscope serve` process (bin/nanoscope.mjs), a reverse listener started over the contract " +
      'as the window does, and one WebSocket subscriber (its own process) receiving every exchange as the window would',
  },
  {
    name: 'nginx',
    against: 'bare-pipe',
    what: 'native anchor: nginx proxy_pass (one worker, keep-alive upstream pool, no access log), where nginx is installed',
  },
  { name: 'nanoscope-plain', what: 'Nanoscope reverse proxy, seed app (simpleProxy), no capture' },
  {
    name: 'nanoscope-recording',
    against: 'nanoscope-plain',
    what: 'the seed recording proxy (recordProxy): nanoscope-plain plus every exchange appended to a session on disk',
  },
  {
    name: 'nanoscope-pipeline',
    against: 'nanoscope-plain',
    what: 'nanoscope-plain plus six pipeline blocks that match nothing (mock, block, mapRemote, mapLocal, rewrite, throttle)',
  },
]

export interface RunningScenario {
  readonly url: string
  /** The proxy process (nginx's master, whose worker is its child); absent for `direct`. */
  readonly pid?: number
  readonly pipeline?: readonly string[]
  /** For the subscribed scenario: exchanges captured vs exchanges the subscriber was sent, once they agree (bounded wait). */
  deliveryCheck?(): Promise<{ captured: number; delivered: number; batches: number }>
  /** The proxy process's resident set size in MB, where the bench can read it. */
  rssMb?(): number
  /** CPU microseconds (user + system) the proxy process has used so far; absent for `direct`. */
  cpuMicros?(): Promise<number>
  /** Asks the proxy process a bench question (`'alloc-start'`, `'alloc-stop'`); absent where there is no such child. */
  ask?<T>(question: string): Promise<T>
  stop(): Promise<void>
}

interface ProxyReady {
  port: number
  pipeline: string[]
}

export async function startScenario(
  name: ScenarioName,
  upstreamUrl: string,
  nodeFlags: readonly string[] = [],
): Promise<RunningScenario> {
  if (name === 'direct') return { url: upstreamUrl, stop: async () => {} }
  if (name === 'bare-pipe') {
    // Not started with the forwarding commands' flags (bin/node-flags.mjs): the smaller young generation makes the
    // pipe slower at 64 KiB (see bare-proxy.ts), and an anchor slowed by our choice of flags would flatter every ratio.
    const child = await startChild<{ port: number }>('./bare-proxy.ts', { args: [upstreamUrl], nodeFlags })
    return {
      url: `http://127.0.0.1:${child.ready.port}`,
      pid: child.pid,
      cpuMicros: () => cpuOf(child),
      ask: (q) => child.ask(q),
      stop: () => child.stop(),
    }
  }
  if (name === 'nginx') return startNginx(upstreamUrl)
  if (name === 'nanoscope-subscribed') {
    const serve = await startServe(upstreamUrl, nodeFlags)
    return {
      url: serve.url,
      pid: serve.pid,
      cpuMicros: serve.cpuMicros,
      ask: serve.ask,
      rssMb: serve.rssMb,
      deliveryCheck: async () => {
        // Seqs are handed out one per exchange and only this listener has traffic, so the highest seq seen is
        // how many were captured (bar any still unsent at the deadline) and the distinct ids how many were sent.
        const deadline = Date.now() + 5000
        let last = await serve.count()
        for (;;) {
          await new Promise((resolve) => setTimeout(resolve, 300))
          const now = await serve.count()
          const settled = now.count === last.count
          last = now
          if ((settled && now.distinct >= now.highestSeq) || Date.now() > deadline)
            return { captured: now.highestSeq, delivered: now.distinct, batches: now.batches }
        }
      },
      stop: serve.stop,
    }
  }
  const variant =
    name === 'nanoscope-capture'
      ? 'capture'
      : name === 'nanoscope-recording'
        ? 'recording'
        : name === 'nanoscope-pipeline'
          ? 'pipeline'
          : 'plain'
  // As the CLI starts its forwarding commands (bin/node-flags.mjs); `capture` keeps a hub of exchanges, as `serve` does.
  const flags = [...(variant === 'capture' ? SERVE_NODE_FLAGS : FORWARDING_NODE_FLAGS), ...nodeFlags]
  const proxy = await startChild<ProxyReady>('./nanoscope-proxy.ts', { args: [variant, upstreamUrl], nodeFlags: flags })
  return {
    url: `http://127.0.0.1:${proxy.ready.port}`,
    pid: proxy.pid,
    pipeline: proxy.ready.pipeline,
    cpuMicros: () => cpuOf(proxy),
    ask: (q) => proxy.ask(q),
    stop: () => proxy.stop(),
  }
}

/** CPU microseconds (user + system) a bench child has used so far. */
export async function cpuOf(child: Child<unknown>): Promise<number> {
  const { user, system } = await child.ask<NodeJS.CpuUsage>('cpu?')
  return user + system
}
