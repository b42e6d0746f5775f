/** The opening handshake of RFC 6455 §4, as plain functions over the kernel's messages. */
import { createHash } from 'node:crypto'
import { header, headerValues, type Request, type Response } from '../message.ts'

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'

/** `Sec-WebSocket-Accept` for a client's `Sec-WebSocket-Key` (§4.2.2 step 5.4). */
export function acceptKey(key: string): string {
  return createHash('sha1')
    .update(key + GUID)
    .digest('base64')
}

/** A GET whose `Connection` names `upgrade` and whose `Upgrade` names `websocket` (§4.2.1). */
export function isWebsocketUpgrade(req: Request): boolean {
  if (req.method !== 'GET' && req.method.toUpperCase() !== 'GET') return false
  if (header(req, 'Upgrade') === undefined) return false // the common case, without splitting any value
  const connection = tokens(headerValues(req, 'Connection'))
  return connection.includes('upgrade') && tokens(headerValues(req, 'Upgrade')).includes('websocket')
}

/** A 101 answer that switched to websocket. */
export function isWebsocketSwitch(res: Response): boolean {
  return res.status === 101 && tokens(headerValues(res, 'Upgrade')).includes('websocket')
}

/** Why a handshake cannot be accepted, or undefined when it can (§4.2.1: version 13, a 16-byte base64 key). */
export function handshakeProblem(req: Request): string | undefined {
  if (!isWebsocketUpgrade(req)) return 'not a websocket upgrade (GET with Connection: Upgrade and Upgrade: websocket)'
  if (header(req, 'Sec-WebSocket-Version')?.trim() !== '13') return 'Sec-WebSocket-Version must be 13'
  const key = header(req, 'Sec-WebSocket-Key')?.trim() ?? ''
  if (!/^[A-Za-z0-9+/]{22}==$/.test(key)) return 'Sec-WebSocket-Key must be 16 random bytes in base64'
  return undefined
}

function tokens(values: string[]): string[] {
  return values.flatMap((v) => v.split(',')).map((t) => t.trim().toLowerCase())
}
