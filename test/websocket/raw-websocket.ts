import net from 'node:net'
import { randomBytes } from 'node:crypto'
import {
  FrameParser,
  Opcode,
  closePayload,
  encodeFrame,
  readClose,
} from '../../electron/core/websocket/frame-parser.ts'

/** A minimal websocket client on a raw socket, so a test controls the request line (absolute-form, ws://). */
export interface RawWebsocket {
  readonly status: number
  readonly head: string
  readonly messages: Array<{ text?: string; bytes?: Buffer }>
  readonly closedWith: Promise<{ code: number; reason: string } | undefined>
  readonly socket: net.Socket
  send(message: string | Uint8Array): void
  close(code: number, reason: string): void
}

export async function rawWebsocket(
  port: number,
  target: string,
  host: string,
  timeoutMs = 5000,
): Promise<RawWebsocket> {
  const socket = net.connect(port, '127.0.0.1')
  socket.on('error', () => {})
  const key = randomBytes(16).toString('base64')
  socket.write(
    `GET ${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${key}\r\n\r\n`,
  )
  const { head, rest } = await new Promise<{ head: string; rest: Buffer }>((resolve, reject) => {
    let buffered = Buffer.alloc(0)
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`no response head within ${timeoutMs} ms`))
    }, timeoutMs)
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk])
      const end = buffered.indexOf('\r\n\r\n')
      if (end < 0) return
      clearTimeout(timer)
      socket.off('data', onData)
      socket.pause()
      resolve({ head: buffered.subarray(0, end).toString('latin1'), rest: buffered.subarray(end + 4) })
    }
    socket.on('data', onData)
    socket.once('close', () => {
      clearTimeout(timer)
      reject(new Error('closed before the response head'))
    })
  })
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1])
  const messages: RawWebsocket['messages'] = []
  let resolveClose: (v: { code: number; reason: string } | undefined) => void = () => {}
  const closedWith = new Promise<{ code: number; reason: string } | undefined>((r) => {
    resolveClose = r
  })
  const parser = new FrameParser({
    keep: (h) => h.size,
    onFrame: (f) => {
      if (f.opcode === Opcode.text) messages.push({ text: Buffer.from(f.payload).toString() })
      else if (f.opcode === Opcode.binary) messages.push({ bytes: Buffer.from(f.payload) })
      else if (f.opcode === Opcode.close) {
        resolveClose(readClose(f.payload))
        socket.end()
      }
    },
  })
  socket.on('data', (chunk: Buffer) => parser.push(chunk))
  socket.once('close', () => resolveClose(undefined))
  if (rest.length > 0) parser.push(rest)
  socket.resume()
  const mask = (): Buffer => randomBytes(4)
  return {
    status,
    head,
    messages,
    closedWith,
    socket,
    send(message) {
      const text = typeof message === 'string'
      socket.write(
        encodeFrame(text ? Opcode.text : Opcode.binary, text ? Buffer.from(message) : message, { mask: mask() }),
      )
    },
    close(code, reason) {
      socket.write(encodeFrame(Opcode.close, closePayload(code, reason), { mask: mask() }))
    },
  }
}
