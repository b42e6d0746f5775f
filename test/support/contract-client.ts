import WebSocket from 'ws'
import type { ArgsOf, CommandName, EventName, Events, ResultOf, WireMessage } from '../../shared/contract.ts'
import { eventFromWire } from '../../shared/wire-events.ts'

/** A Node client for the `serve` WebSocket contract, as the renderer's transport speaks it. */
export interface ContractClient {
  invoke<K extends CommandName>(name: K, args: ArgsOf<K>): Promise<ResultOf<K>>
  events: Array<{ name: EventName; payload: unknown }>
  /** Resolves once `predicate` holds for the events received so far, or rejects after `timeoutMs`. */
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>
  exchangesSeen(): Events['exchanges']['exchanges']
  close(): void
}

export async function connectContract(url: string, options: { origin?: string } = {}): Promise<ContractClient> {
  const ws = new WebSocket(url, options.origin ? { origin: options.origin } : {})
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
    ws.once('unexpected-response', (_req, res) => reject(new Error(`refused with ${res.statusCode}`)))
  })
  let nextId = 1
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>()
  const events: ContractClient['events'] = []
  const waiters = new Set<() => void>()
  ws.on('message', (data) => {
    const message = JSON.parse(String(data)) as WireMessage
    if (message.type === 'result') {
      const p = pending.get(message.id)
      pending.delete(message.id)
      if (message.ok) p?.resolve(message.value)
      else p?.reject(new Error(message.error))
    } else if (message.type === 'event') {
      events.push({ name: message.name, payload: eventFromWire(message.name, message.payload) })
      for (const w of waiters) w()
    }
  })
  return {
    invoke: (name, args) =>
      new Promise((resolve, reject) => {
        const id = nextId++
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
        ws.send(JSON.stringify({ type: 'command', id, name, args }))
      }),
    events,
    waitFor: (predicate, timeoutMs = 10_000) =>
      new Promise<void>((resolve, reject) => {
        if (predicate()) return resolve()
        const check = () => {
          if (predicate()) {
            cleanup()
            resolve()
          }
        }
        const timer = setTimeout(() => {
          cleanup()
          reject(new Error(`condition not met within ${timeoutMs} ms`))
        }, timeoutMs)
        const cleanup = () => {
          clearTimeout(timer)
          waiters.delete(check)
        }
        waiters.add(check)
      }),
    exchangesSeen: () =>
      events
        .filter((e) => e.name === 'exchanges')
        .flatMap((e) => (e.payload as Events['exchanges']).exchanges)
        // Requests in flight (pending, no response yet) are left out: each exchange is counted once, when it ends.
        .filter((e) => e.outcome.kind !== 'pending' || e.status !== undefined),
    close: () => ws.close(),
  }
}
