/**
 * Watching a tunnel's bytes without touching them. `tapTunnel` hands the inner tunnel a stand-in for the
 * client's socket that passes every byte through unchanged, with backpressure, ends and errors, and shows
 * each chunk to `up` (client → upstream) or `down` (upstream → client) on the way. A tap that throws is
 * ignored: watching never breaks the tunnel it watches.
 */
import { Duplex } from 'node:stream'
import type { Tunnel } from '../core/message.ts'

export interface TunnelTaps {
  /** Bytes from the client, including any that arrived with the request head. */
  readonly up: (chunk: Buffer) => void
  /** Bytes to the client. */
  readonly down: (chunk: Buffer) => void
}

export function tapTunnel(tunnel: Tunnel, taps: TunnelTaps): Tunnel {
  return function tappedTunnel(client, head) {
    if (head.length > 0) quietly(taps.up, head)
    return tunnel(tappedSocket(client, taps), head)
  }
}

/** A Duplex standing in for `socket`, showing the taps every chunk read from and written to it. */
export function tappedSocket(socket: Duplex, taps: TunnelTaps): Duplex {
  let sawEnd = false
  const tapped = new Duplex({
    allowHalfOpen: true,
    read() {
      socket.resume()
    },
    write(chunk: Buffer, _encoding, callback) {
      quietly(taps.down, chunk)
      if (socket.destroyed) {
        callback()
        return
      }
      if (socket.write(chunk)) callback()
      else socket.once('drain', () => callback())
    },
    final(callback) {
      socket.end()
      callback()
    },
    destroy(error, callback) {
      socket.destroy()
      callback(error)
    },
  })
  socket.on('data', (chunk: Buffer) => {
    quietly(taps.up, chunk)
    if (!tapped.push(chunk)) socket.pause()
  })
  socket.once('end', () => {
    sawEnd = true
    tapped.push(null)
  })
  socket.on('error', (error) => tapped.destroy(error))
  socket.once('close', () => {
    // After a clean end, let the reader drain what is buffered before the stand-in closes too.
    if (sawEnd && !tapped.readableEnded && !tapped.destroyed) tapped.once('end', () => tapped.destroy())
    else tapped.destroy()
  })
  return tapped
}

function quietly(tap: (chunk: Buffer) => void, chunk: Buffer): void {
  try {
    tap(chunk)
  } catch {
    /* a failing observer must not break the tunnel */
  }
}
