/** Which listeners carry the proxy switches (chaos, recording, stand-in): the proxies, not static or clock apps. */
import type { ListenerInfo } from '../../../shared/exchange.ts'

export function isProxyListener(l: Pick<ListenerInfo, 'kind'>): boolean {
  return l.kind === 'proxy' || l.kind === 'latency' || l.kind === 'sniff'
}

/** Drops the entries of a per-listener record whose listener is gone; returns the same object when nothing went. */
export function pruneByListener<T>(
  record: Readonly<Record<string, T>>,
  listeners: readonly ListenerInfo[],
): Readonly<Record<string, T>> {
  const alive = new Set(listeners.map((l) => l.id))
  const keys = Object.keys(record)
  if (keys.every((k) => alive.has(k))) return record
  return Object.fromEntries(keys.filter((k) => alive.has(k)).map((k) => [k, record[k]!]))
}
