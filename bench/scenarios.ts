/**
 * The proxy arrangements measured, each started as its own process in front of the shared upstream process.
 * `direct` starts nothing: autocannon talks to the upstream itself.
 */
import { startChild, type Child } from './child.ts'

export type ScenarioName =
  | 'direct'
  | 'bare-pipe'
  | 'nanoscope-plain'
  | 'nanoscope-capture'
  | 'nanoscope-subscribed'
  | 'nanoscope-recording'
  | 'nanoscope-pipeline'

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
    what: 'as nanoscope-capture, hub owned by a Host, plus one live WebSocket subscriber (startWebUi) in its own process',
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
  readonly pipeline?: readonly string[]
  /** For the subscribed scenario: exchanges captured vs exchanges the subscriber was sent, once they agree (bounded wait). */
  deliveryCheck?(): Promise<{ captured: number; delivered: number; batches: number }>
  /** CPU microseconds (user + system) the proxy process has used so far; absent for `direct`. */
  cpuMicros?(): Promise<number>
  stop(): Promise<void>
}

interface ProxyReady {
  port: number
  pipeline: string[]
  ws?: string
}

export async function startScenario(
  name: ScenarioName,
  upstreamUrl: string,
  nodeFlags: readonly string[] = [],
): Promise<RunningScenario> {
  if (name === 'direct') return { url: upstreamUrl, stop: async () => {} }
  if (name === 'bare-pipe') {
    const child = await startChild<{ port: number }>('./bare-proxy.ts', { args: [upstreamUrl], nodeFlags })
    return { url: `http://127.0.0.1:${child.ready.port}`, cpuMicros: () => cpuOf(child), stop: () => child.stop() }
  }
  const variant =
    name === 'nanoscope-plain'
      ? 'plain'
      : name === 'nanoscope-capture'
        ? 'capture'
        : name === 'nanoscope-recording'
          ? 'recording'
          : name === 'nanoscope-pipeline'
            ? 'pipeline'
            : 'subscribed'
  const proxy = await startChild<ProxyReady>('./nanoscope-proxy.ts', { args: [variant, upstreamUrl], nodeFlags })
  let subscriber: Child<{ ready: boolean }> | undefined
  if (proxy.ready.ws) {
    try {
      subscriber = await startChild<{ ready: boolean }>('./ws-subscriber.ts', { args: [proxy.ready.ws] })
    } catch (error) {
      await proxy.stop()
      throw error
    }
  }
  const sub = subscriber
  return {
    url: `http://127.0.0.1:${proxy.ready.port}`,
    pipeline: proxy.ready.pipeline,
    cpuMicros: () => cpuOf(proxy),
    ...(sub
      ? {
          deliveryCheck: async () => {
            const deadline = Date.now() + 5000
            for (;;) {
              const { captured } = await proxy.ask<{ captured: number }>('captured?')
              const { count, batches } = await sub.ask<{ count: number; batches: number }>('count?')
              if (count >= captured || Date.now() > deadline) return { captured, delivered: count, batches }
              await new Promise((resolve) => setTimeout(resolve, 100))
            }
          },
        }
      : {}),
    stop: async () => {
      await sub?.stop()
      await proxy.stop()
    },
  }
}

/** CPU microseconds (user + system) a bench child has used so far. */
export async function cpuOf(child: Child<unknown>): Promise<number> {
  const { user, system } = await child.ask<NodeJS.CpuUsage>('cpu?')
  return user + system
}
