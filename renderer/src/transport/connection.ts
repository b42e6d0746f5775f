/**
 * What the store needs beyond the shared `Transport`: whether the link is up. Electron's IPC is always up;
 * the WebSocket transport reports connecting, open, lost (retrying) and unauthorised.
 */
import type { Transport } from '../../../shared/contract.ts'

export type ConnectionState =
  | { readonly status: 'connecting'; readonly attempt: number }
  | { readonly status: 'open' }
  | { readonly status: 'lost'; readonly reason: string; readonly retryAt: number }
  | { readonly status: 'unauthorised'; readonly reason: string }

export interface AppTransport extends Transport {
  readonly kind: 'electron' | 'websocket' | 'memory'
  /** Calls `listener` at once with the current state, then on every change. */
  onConnection(listener: (state: ConnectionState) => void): () => void
  /** Retries now instead of waiting for the backoff. */
  reconnect(): void
}

export function hasConnection(t: Transport): t is AppTransport {
  return typeof (t as Partial<AppTransport>).onConnection === 'function'
}
