/**
 * The browser transport for `nanoscope serve`: the contract as JSON `WireMessage`s over one WebSocket (exchange
 * batches as rows, shared/wire-events.ts).
 * Reconnects with exponential backoff; the store resubscribes on every open to get a fresh snapshot.
 * The server closes with 4401 when the token is missing or wrong: that is final, no retry.
 */
import type { CommandName, EventName, Events, WireMessage } from '../../../shared/contract.ts'
import type { AppTransport, ConnectionState } from './connection.ts'
import { eventFromWire } from '../../../shared/wire-events.ts'

export const UNAUTHORISED_CLOSE_CODE = 4401
const FIRST_RETRY_MS = 500
const MAX_RETRY_MS = 10_000

interface SocketLike {
  onopen: ((ev: unknown) => void) | null
  onclose: ((ev: { code: number; reason: string }) => void) | null
  onmessage: ((ev: { data: unknown }) => void) | null
  onerror: ((ev: unknown) => void) | null
  readonly readyState: number
  send(data: string): void
  close(code?: number, reason?: string): void
}

export interface WebsocketOptions {
  readonly url: string
  readonly token: string
  readonly createSocket?: (url: string) => SocketLike
}

interface Pending {
  resolve(value: unknown): void
  reject(error: Error): void
}

export function websocketTransport(options: WebsocketOptions): AppTransport {
  const createSocket = options.createSocket ?? ((url: string) => new WebSocket(url) as unknown as SocketLike)
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>()
  const connectionListeners = new Set<(state: ConnectionState) => void>()
  const pending = new Map<number, Pending>()
  let state: ConnectionState = { status: 'connecting', attempt: 1 }
  let socket: SocketLike | undefined
  let nextId = 1
  let attempt = 0
  let timer: ReturnType<typeof setTimeout> | undefined

  const setState = (next: ConnectionState): void => {
    state = next
    for (const l of connectionListeners) l(next)
  }

  const failPending = (reason: string): void => {
    for (const p of pending.values()) p.reject(new Error(reason))
    pending.clear()
  }

  const connect = (): void => {
    if (timer !== undefined) {
      clearTimeout(timer)
      timer = undefined
    }
    attempt++
    setState({ status: 'connecting', attempt })
    const ws = createSocket(options.url)
    socket = ws
    ws.onopen = () => {
      attempt = 0
      setState({ status: 'open' })
    }
    ws.onmessage = (ev) => receive(ev.data)
    ws.onerror = () => {}
    ws.onclose = (ev) => {
      if (socket !== ws) return
      socket = undefined
      if (ev.code === UNAUTHORISED_CLOSE_CODE) {
        failPending('The server refused the token')
        setState({
          status: 'unauthorised',
          reason: ev.reason || 'The server refused this token. Open the URL that `nanoscope serve` printed.',
        })
        return
      }
      failPending('The connection to Nanoscope was lost')
      const delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.min(attempt, 10))
      setState({
        status: 'lost',
        reason: ev.reason || `Connection closed (code ${ev.code})`,
        retryAt: Date.now() + delay,
      })
      timer = setTimeout(connect, delay)
    }
  }

  const receive = (data: unknown): void => {
    let msg: WireMessage
    try {
      msg = JSON.parse(String(data)) as WireMessage
    } catch {
      return
    }
    if (msg.type === 'result') {
      const p = pending.get(msg.id)
      if (!p) return
      pending.delete(msg.id)
      if (msg.ok) p.resolve(msg.value)
      else p.reject(new Error(msg.error))
    } else if (msg.type === 'event') {
      const subscribed = listeners.get(msg.name)
      if (!subscribed?.size) return
      const payload = eventFromWire(msg.name, msg.payload)
      for (const l of subscribed) l(payload)
    }
  }

  if (!options.token) {
    setState({
      status: 'unauthorised',
      reason:
        'This page needs its access token: open the full URL that `nanoscope serve` printed (it ends in ?token=…).',
    })
  } else {
    connect()
  }

  return {
    kind: 'websocket',
    invoke(name: CommandName, args: unknown) {
      const ws = socket
      if (state.status !== 'open' || ws === undefined)
        return Promise.reject(new Error(`Not connected, so "${name}" was not sent`))
      const id = nextId++
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject })
        const msg: WireMessage = { type: 'command', id, name, args }
        ws.send(JSON.stringify(msg))
      }) as never
    },
    on<K extends EventName>(name: K, listener: (payload: Events[K]) => void) {
      let set = listeners.get(name)
      if (!set) {
        set = new Set()
        listeners.set(name, set)
      }
      const l = listener as (payload: unknown) => void
      set.add(l)
      return () => {
        set.delete(l)
      }
    },
    onConnection(listener) {
      connectionListeners.add(listener)
      listener(state)
      return () => {
        connectionListeners.delete(listener)
      }
    },
    reconnect() {
      if (!options.token || state.status === 'open' || state.status === 'connecting') return
      connect()
    },
  }
}
