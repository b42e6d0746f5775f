// Summaries and a fake transport for the renderer's store tests.
import type { ArgsOf, CommandName, EventName, Events, ResultOf, Snapshot, Transport } from '../../shared/contract.ts'
import { DEFAULT_SETTINGS, type ExchangeSummary } from '../../shared/exchange.ts'

export function summary(seq: number, over: Partial<ExchangeSummary> = {}): ExchangeSummary {
  return {
    id: `x${seq}`,
    seq,
    listenerId: 'l1',
    startedAt: 1_700_000_000_000 + seq,
    method: 'GET',
    url: `http://example.com/item/${seq}`,
    host: 'example.com',
    path: `/item/${seq}`,
    httpVersion: 'HTTP/1.1',
    status: 200,
    reason: 'OK',
    contentType: 'application/json',
    requestSize: 0,
    responseSize: 100,
    timings: { requestBodyDone: 1, responseHeaders: 5, responseDone: 10 },
    durationMs: 10,
    outcome: { kind: 'completed' },
    tags: [],
    ...over,
  }
}

export function pending(seq: number, over: Partial<ExchangeSummary> = {}): ExchangeSummary {
  const { status: _s, reason: _r, durationMs: _d, ...rest } = summary(seq, over)
  return { ...rest, outcome: { kind: 'pending' }, timings: {}, ...over }
}

type Handler = (args: unknown) => unknown

/** A transport whose commands are plain functions and whose events the test emits. */
export class FakeTransport implements Transport {
  readonly calls: { name: CommandName; args: unknown }[] = []
  private readonly listeners = new Map<string, Set<(p: unknown) => void>>()
  constructor(private readonly handlers: Partial<Record<CommandName, Handler>> = {}) {}
  snapshot: Snapshot = { version: 1, exchanges: [], listeners: [], capturing: true, settings: DEFAULT_SETTINGS }

  async invoke<K extends CommandName>(name: K, args: ArgsOf<K>): Promise<ResultOf<K>> {
    this.calls.push({ name, args })
    if (name === 'subscribe' && !this.handlers.subscribe) return this.snapshot as ResultOf<K>
    const h = this.handlers[name]
    if (!h) throw new Error(`${name}: not in this fake`)
    return h(args) as ResultOf<K>
  }

  on<K extends EventName>(name: K, listener: (payload: Events[K]) => void): () => void {
    let set = this.listeners.get(name)
    if (!set) {
      set = new Set()
      this.listeners.set(name, set)
    }
    const l = listener as (p: unknown) => void
    set.add(l)
    return () => {
      set.delete(l)
    }
  }

  emit<K extends EventName>(name: K, payload: Events[K]): void {
    for (const l of this.listeners.get(name) ?? []) l(payload)
  }
}

export const tick = (): Promise<void> => new Promise((r) => setImmediate(r))
