/** Chooses the transport once, at start: the Electron preload when present, else the `serve` WebSocket. */
import type { PreloadApi } from '../../../shared/contract.ts'
import type { AppTransport } from './connection.ts'
import { electronTransport } from './electron-transport.ts'
import { websocketTransport } from './websocket-transport.ts'

export function pickTransport(): AppTransport {
  const api = (window as unknown as { nanoscope?: PreloadApi }).nanoscope
  if (api) return electronTransport(api)
  const token = new URLSearchParams(location.search).get('token') ?? ''
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws'
  return websocketTransport({ url: `${scheme}://${location.host}/api/ws?token=${encodeURIComponent(token)}`, token })
}
