/**
 * Websocket apps in terms of the kernel (http4k's `WsConsumer`): a `WsHandler` is a function given each new
 * connection, and `websocket(handler)` turns it into an HttpHandler that answers the opening handshake with a
 * 101 whose `tunnel` runs the connection once the server adapter has written the head. So a websocket app
 * mounts on the same server, behind the same filters, as any other handler.
 *
 * Frames follow RFC 6455: client frames must be masked (§5.1), pings are answered (§5.5.2), a close is
 * echoed and the TCP connection ended (§5.5.1, §7). No extensions or subprotocols are negotiated.
 */
import type { Duplex } from 'node:stream'
import type { HttpHandler } from '../http.ts'
import { header, response, type Request, type Response, type Tunnel, type TunnelStats } from '../message.ts'
import {
  FrameParser,
  Opcode,
  closePayload,
  encodeFrame,
  isControl,
  readClose,
  type ParsedFrame,
} from './frame-parser.ts'
import { acceptKey, handshakeProblem, isWebsocketUpgrade } from './handshake.ts'

export type WsMessage =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'binary'; readonly bytes: Uint8Array }
export interface WsCloseStatus {
  readonly code: number
  readonly reason: string
}

/** One open connection, as a WsHandler sees it. */
export interface Websocket {
  /** The handshake request (target, headers, peer). */
  readonly request: Request
  readonly isOpen: boolean
  /** Bytes queued on the socket and not yet written: a slow client shows here. */
  readonly bufferedAmount: number
  /** Sends a text (string) or binary (bytes) message; ignored once closing. */
  send(message: string | Uint8Array): void
  /** Starts the closing handshake (default 1000, normal closure). */
  close(code?: number, reason?: string): void
  onMessage(listener: (message: WsMessage) => void): void
  /** Called once, when the connection is gone: the peer's close status, or 1006 when it just went away. */
  onClose(listener: (status: WsCloseStatus) => void): void
}

export type WsHandler = (ws: Websocket) => void

export interface WebsocketOptions {
  /** Larger messages are refused with close code 1009. Default 1 MiB. */
  readonly maxMessageBytes?: number
  /** How long to wait for the peer's close frame after sending ours. Default 5000 ms. */
  readonly closeTimeoutMs?: number
  readonly description?: string
}

export interface WebsocketHandler extends HttpHandler {
  readonly description: string
  /** Open connections. */
  readonly connections: number
  /** Closes every open connection with 1001 (going away). */
  close(): void
}

/** Mounts a WsHandler: upgrades handshakes, answers anything else with 426 Upgrade Required (RFC 9110 §15.5.22). */
export function websocket(handler: WsHandler, options: WebsocketOptions = {}): WebsocketHandler {
  const open = new Set<Connection>()
  const upgrade = async function upgradeToWebsocket(req: Request): Promise<Response> {
    const problem = handshakeProblem(req)
    if (problem) {
      const upgradeRequired = !isWebsocketUpgrade(req) || header(req, 'Sec-WebSocket-Version')?.trim() !== '13'
      return response(upgradeRequired ? 426 : 400, {
        headers: [
          ...(upgradeRequired ? [['Upgrade', 'websocket'] as const, ['Sec-WebSocket-Version', '13'] as const] : []),
          ['Content-Type', 'text/plain; charset=utf-8'],
        ],
        body: `${problem}\n`,
      })
    }
    const tunnel: Tunnel = (socket, head) =>
      new Promise<TunnelStats>((resolve) => {
        const connection = new Connection(req, socket, options, (stats) => {
          open.delete(connection)
          resolve(stats)
        })
        open.add(connection)
        try {
          handler(connection)
        } catch {
          connection.close(1011, 'the app failed')
        }
        connection.start(head)
      })
    const switched = response(101, {
      headers: [
        ['Upgrade', 'websocket'],
        ['Connection', 'Upgrade'],
        ['Sec-WebSocket-Accept', acceptKey(header(req, 'Sec-WebSocket-Key')!.trim())],
      ],
      tags: ['websocket'],
    })
    return Object.freeze({ ...switched, tunnel })
  }
  // Object.assign would copy the getter's current value, so the live one is defined in place.
  return Object.defineProperties(upgrade, {
    description: {
      value:
        options.description ??
        `accepts websocket connections; ${(handler as { description?: string }).description ?? 'hands each to the app'}`,
    },
    connections: { get: () => open.size },
    close: {
      value: (): void => {
        for (const c of [...open]) c.close(1001, 'going away')
      },
    },
  }) as WebsocketHandler
}

class Connection implements Websocket {
  private readonly messageListeners: Array<(m: WsMessage) => void> = []
  private readonly closeListeners: Array<(s: WsCloseStatus) => void> = []
  private readonly parser: FrameParser
  private fragments: Buffer[] = []
  private fragmentBytes = 0
  private messageOpcode = 0
  private closeSent = false
  private closeStatus: WsCloseStatus | undefined
  private closeTimer: NodeJS.Timeout | undefined
  private bytesUp = 0
  private bytesDown = 0
  private readonly maxMessageBytes: number

  constructor(
    readonly request: Request,
    private readonly socket: Duplex,
    private readonly options: WebsocketOptions,
    private readonly ended: (stats: TunnelStats) => void,
  ) {
    this.maxMessageBytes = options.maxMessageBytes ?? 1024 * 1024
    this.parser = new FrameParser({
      keep: (head) => {
        if (!isControl(head.opcode) && this.fragmentBytes + head.size > this.maxMessageBytes)
          this.fail(1009, 'message too big')
        return head.size
      },
      onFrame: (frame) => this.received(frame),
      onError: () => this.fail(1002, 'protocol error'),
    })
  }

  start(head: Buffer): void {
    const socket = this.socket
    socket.on('error', () => {})
    socket.once('close', () => this.gone())
    socket.once('end', () => this.socket.end()) // the peer left without a close frame: let go too
    socket.on('data', (chunk: Buffer) => {
      this.bytesUp += chunk.length
      this.parser.push(chunk)
    })
    if (head.length > 0) {
      this.bytesUp += head.length
      this.parser.push(head)
    }
  }

  get isOpen(): boolean {
    return !this.closeSent && !this.socket.destroyed
  }

  get bufferedAmount(): number {
    return this.socket.writableLength
  }

  send(message: string | Uint8Array): void {
    if (!this.isOpen) return
    const text = typeof message === 'string'
    this.write(encodeFrame(text ? Opcode.text : Opcode.binary, text ? Buffer.from(message, 'utf8') : message))
  }

  close(code = 1000, reason = ''): void {
    if (this.closeSent || this.socket.destroyed) return
    this.closeSent = true
    this.write(encodeFrame(Opcode.close, closePayload(code, reason)))
    this.closeTimer = setTimeout(() => this.socket.destroy(), this.options.closeTimeoutMs ?? 5000)
    // Stryker disable next-line OptionalChaining: a Node timer always has unref; the ?. only spares runtimes whose timers lack it
    this.closeTimer.unref?.()
  }

  onMessage(listener: (message: WsMessage) => void): void {
    this.messageListeners.push(listener)
  }

  onClose(listener: (status: WsCloseStatus) => void): void {
    this.closeListeners.push(listener)
  }

  private received(frame: ParsedFrame): void {
    if (!frame.masked || frame.rsv1 || frame.rsv2 || frame.rsv3) return this.fail(1002, 'protocol error')
    if (frame.opcode === Opcode.close) {
      this.closeStatus ??= readClose(frame.payload)
      this.parser.stop()
      if (!this.closeSent) {
        const echo = this.closeStatus.code === 1005 ? undefined : this.closeStatus.code
        this.closeSent = true
        this.write(encodeFrame(Opcode.close, closePayload(echo)))
      }
      this.socket.end()
      return
    }
    if (frame.opcode === Opcode.ping) {
      if (!this.closeSent) this.write(encodeFrame(Opcode.pong, frame.payload))
      return
    }
    if (frame.opcode === Opcode.pong) return
    const continuing = frame.opcode === Opcode.continuation
    if (continuing === (this.fragments.length === 0 && this.messageOpcode === 0))
      return this.fail(1002, 'protocol error')
    if (!continuing) this.messageOpcode = frame.opcode
    this.fragments.push(Buffer.from(frame.payload))
    this.fragmentBytes += frame.size
    if (!frame.fin) return
    const bytes = Buffer.concat(this.fragments)
    const opcode = this.messageOpcode
    this.fragments = []
    this.fragmentBytes = 0
    this.messageOpcode = 0
    let message: WsMessage
    if (opcode === Opcode.text) {
      try {
        message = { kind: 'text', text: UTF8.decode(bytes) }
      } catch {
        return this.fail(1007, 'invalid UTF-8')
      }
    } else message = { kind: 'binary', bytes }
    for (const listener of this.messageListeners) {
      try {
        listener(message)
      } catch {
        /* one listener's failure does not end the connection */
      }
    }
  }

  private fail(code: number, reason: string): void {
    this.parser.stop()
    this.closeStatus ??= { code, reason }
    this.close(code, reason)
    this.socket.end()
  }

  private write(frame: Buffer): void {
    if (this.socket.destroyed || this.socket.writableEnded) return
    this.bytesDown += frame.length
    this.socket.write(frame)
  }

  private gone(): void {
    // Stryker disable next-line CallExpression: left running, the unref'd close timer would only destroy a socket already closed
    clearTimeout(this.closeTimer)
    this.closeSent = true
    const status = this.closeStatus ?? { code: 1006, reason: '' }
    for (const listener of this.closeListeners) {
      try {
        listener(status)
      } catch {
        /* ignore */
      }
    }
    this.ended({ bytesUp: this.bytesUp, bytesDown: this.bytesDown })
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true })
