/**
 * Websocket frames seen through the proxy, live, in both directions (RFC 6455 §5): `observeWebsocket` is a
 * filter that, for every handshake answered 101, wraps the response's tunnel so the bytes each way run
 * through a frame parser before going on unchanged. For capture, `tapWebsocket` does the same for one
 * response, so the caller can tie frames to its exchange.
 *
 * Payloads are kept like bodies: at most `maxFrameBytes` per frame and `maxExchangeBytes` per connection
 * (both directions together); `size` always says the real length. Close frames are always read in full (they
 * carry at most 125 bytes), so the close code and reason are never lost to the cap.
 */
import { describe, type Filter } from '../core/http.ts'
import { systemClock, type Clock } from '../core/clock.ts'
import type { Request, Response } from '../core/message.ts'
import { FrameParser, Opcode, isControl, readClose, type ParsedFrame } from '../core/websocket/frame-parser.ts'
import { isWebsocketSwitch } from '../core/websocket/handshake.ts'
import type { WebsocketFrame } from '../../shared/exchange.ts'
import { tapTunnel, type TunnelTaps } from './websocket-tap.ts'

export type FrameDirection = 'client' | 'server'
export type FrameKind = WebsocketFrame['kind']

/** One frame as the observer reports it (`frameForUi` makes the serialisable `WebsocketFrame`). */
export interface ObservedFrame {
  readonly direction: FrameDirection
  /** Epoch milliseconds (from the injected clock) when the frame's last byte went past. */
  readonly at: number
  readonly opcode: number
  readonly kind: FrameKind
  readonly fin: boolean
  /** RSV1 on the message's first frame: permessage-deflate (RFC 7692 §6); the payload is not inflated. */
  readonly compressed: boolean
  /** Real payload length. */
  readonly size: number
  /** Uncompressed text frames: the stored payload decoded as UTF-8 (bad bytes become U+FFFD). */
  readonly text?: string
  /** Binary, ping, pong and compressed frames: the stored payload, unmasked. */
  readonly binary?: Uint8Array
  readonly truncated: boolean
  readonly close?: { readonly code: number; readonly reason: string }
}

export type FrameListener = (frame: ObservedFrame) => void

export interface ObserveOptions {
  readonly clock?: Clock
  /** Payload bytes stored per frame. Default 64 KiB. */
  readonly maxFrameBytes?: number
  /** Payload bytes stored per connection, both directions together. Default 1 MiB (the body cap). */
  readonly maxExchangeBytes?: number
  /** The bytes one way stopped being websocket frames; that direction is no longer parsed. */
  readonly onError?: (direction: FrameDirection, message: string) => void
}

export const DEFAULT_MAX_FRAME_BYTES = 64 * 1024
export const DEFAULT_MAX_EXCHANGE_BYTES = 1024 * 1024

/** A filter reporting every frame of every websocket that passes; `onFrame` also gets the handshake request. */
export function observeWebsocket(
  onFrame: (frame: ObservedFrame, request: Request) => void,
  options: ObserveOptions = {},
): Filter {
  return describe('shows each websocket frame, both ways, as it passes', (next) =>
    async function observeWebsocketFrames(req) {
      const res = await next(req)
      return tapWebsocket(res, (frame) => onFrame(frame, req), options)
    })
}

/** The response with its tunnel observed, when it is a websocket 101 with a tunnel; otherwise unchanged. */
export function tapWebsocket(res: Response, onFrame: FrameListener, options: ObserveOptions = {}): Response {
  const tunnel = res.tunnel
  if (!tunnel || !isWebsocketSwitch(res)) return res
  return Object.freeze({ ...res, tunnel: tapTunnel(tunnel, frameTaps(onFrame, options)) })
}

/** Two incremental parsers, one per direction, sharing one storage budget. */
export function frameTaps(onFrame: FrameListener, options: ObserveOptions = {}): TunnelTaps {
  const clock = options.clock ?? systemClock
  const perFrame = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES
  const budget = { left: options.maxExchangeBytes ?? DEFAULT_MAX_EXCHANGE_BYTES }
  const side = (direction: FrameDirection): FrameParser => {
    let message: { kind: 'text' | 'binary'; compressed: boolean } | undefined
    const decoder = new TextDecoder('utf-8')
    return new FrameParser({
      keep: (head) => {
        if (isControl(head.opcode)) return head.size
        const kept = Math.min(head.size, perFrame, budget.left)
        budget.left -= kept
        return kept
      },
      onFrame: (frame) => {
        if (!isControl(frame.opcode) && frame.opcode !== Opcode.continuation) {
          message = { kind: frame.opcode === Opcode.text ? 'text' : 'binary', compressed: frame.rsv1 }
        }
        const current = isControl(frame.opcode) ? undefined : message
        if (current && frame.fin) message = undefined
        try {
          onFrame(observed(direction, clock.now(), frame, current, decoder))
        } catch {
          /* a failing observer must not break the tunnel */
        }
      },
      onError: (problem) => options.onError?.(direction, problem),
    })
  }
  const client = side('client')
  const server = side('server')
  return { up: (chunk) => client.push(chunk), down: (chunk) => server.push(chunk) }
}

function observed(
  direction: FrameDirection,
  at: number,
  frame: ParsedFrame,
  message: { kind: 'text' | 'binary'; compressed: boolean } | undefined,
  decoder: TextDecoder,
): ObservedFrame {
  const base = { direction, at, opcode: frame.opcode, fin: frame.fin, size: frame.size, truncated: frame.truncated }
  if (frame.opcode === Opcode.close) {
    const close = readClose(frame.payload)
    return { ...base, kind: 'close', compressed: false, close, ...(close.reason ? { text: close.reason } : {}) }
  }
  if (frame.opcode === Opcode.ping || frame.opcode === Opcode.pong) {
    return { ...base, kind: frame.opcode === Opcode.ping ? 'ping' : 'pong', compressed: false, binary: frame.payload }
  }
  const kind = message?.kind ?? 'binary'
  const compressed = message?.compressed ?? false
  if (kind === 'text' && !compressed) {
    return {
      ...base,
      kind,
      compressed,
      text: decoder.decode(frame.payload, { stream: !frame.fin && !frame.truncated }),
    }
  }
  return { ...base, kind, compressed, binary: frame.payload }
}

/** The serialisable shape that crosses to the renderer (shared/exchange.ts). */
export function frameForUi(frame: ObservedFrame): WebsocketFrame {
  return {
    direction: frame.direction,
    at: frame.at,
    opcode: frame.opcode,
    kind: frame.kind,
    fin: frame.fin,
    compressed: frame.compressed,
    size: frame.size,
    truncated: frame.truncated,
    ...(frame.text !== undefined ? { text: frame.text } : {}),
    ...(frame.binary !== undefined
      ? {
          base64: Buffer.from(frame.binary.buffer, frame.binary.byteOffset, frame.binary.byteLength).toString('base64'),
        }
      : {}),
    ...(frame.close ? { close: frame.close } : {}),
  }
}
