/**
 * An incremental RFC 6455 frame parser (§5.2): feed it bytes as they arrive, in chunks of any size, and it
 * reports each frame once its last byte is in. It handles 7-, 16- and 64-bit lengths, masking (§5.3),
 * fragments and control frames, and keeps only as many payload bytes per frame as `keep` allows, so a huge
 * frame costs a counter, not memory. It never alters or holds back the bytes it is shown.
 *
 * Beware: it does not inflate permessage-deflate payloads (RFC 7692); a compressed frame has `rsv1` set.
 * A protocol violation (a reserved opcode, a fragmented or oversized control frame, a non-minimal 64-bit
 * length) stops the parser for good and is reported once through `onError`.
 */
export const Opcode = Object.freeze({ continuation: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 })

export interface FrameHead {
  readonly fin: boolean
  readonly rsv1: boolean
  readonly rsv2: boolean
  readonly rsv3: boolean
  readonly opcode: number
  readonly masked: boolean
  /** The real payload length. */
  readonly size: number
}

export interface ParsedFrame extends FrameHead {
  /** The first `keep(head)` payload bytes, unmasked. */
  readonly payload: Uint8Array
  /** True when `payload` holds fewer bytes than `size`. */
  readonly truncated: boolean
}

export interface FrameParserOptions {
  /** How many payload bytes to keep for this frame; called once per frame, when its head is complete. */
  readonly keep: (head: FrameHead) => number
  readonly onFrame: (frame: ParsedFrame) => void
  readonly onError?: (message: string) => void
}

/** Control frames (close, ping, pong) have opcodes 8–15, are never fragmented and carry ≤125 bytes (§5.5). */
export const isControl = (opcode: number): boolean => opcode >= 8

const KNOWN_OPCODES = new Set<number>(Object.values(Opcode))

export class FrameParser {
  private readonly headBytes = Buffer.alloc(14)
  private headLength = 0
  private head: FrameHead | undefined
  private mask: Buffer | undefined
  private payload = Buffer.alloc(0)
  private kept = 0
  private received = 0
  private stopped = false

  constructor(private readonly options: FrameParserOptions) {}

  /** Shows the parser the next bytes of the stream. */
  push(chunk: Uint8Array): void {
    let at = 0
    while (at < chunk.length && !this.stopped) {
      if (!this.head) at = this.readHead(chunk, at)
      else at = this.readPayload(chunk, at)
    }
  }

  /** Stops parsing; later bytes are ignored. */
  stop(): void {
    this.stopped = true
  }

  get isStopped(): boolean {
    return this.stopped
  }

  private readHead(chunk: Uint8Array, at: number): number {
    while (at < chunk.length) {
      this.headBytes[this.headLength++] = chunk[at++]!
      const needed = this.headNeeded()
      if (needed !== undefined && this.headLength === needed) {
        this.startFrame()
        break
      }
    }
    return at
  }

  /** The head's full length once the first two bytes are in (§5.2). */
  private headNeeded(): number | undefined {
    if (this.headLength < 2) return undefined
    const second = this.headBytes[1]!
    const len7 = second & 0x7f
    return 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + (second & 0x80 ? 4 : 0)
  }

  private startFrame(): void {
    const b = this.headBytes
    const first = b[0]!
    const second = b[1]!
    const len7 = second & 0x7f
    let size = len7
    let offset = 2
    if (len7 === 126) {
      size = b.readUInt16BE(2)
      offset = 4
    }
    if (len7 === 127) {
      const big = b.readBigUInt64BE(2)
      offset = 10
      if (big > BigInt(Number.MAX_SAFE_INTEGER))
        return this.fail('a 64-bit frame length beyond 2^53 (or with its top bit set)')
      size = Number(big)
    }
    const masked = (second & 0x80) !== 0
    this.mask = masked ? Buffer.from(b.subarray(offset, offset + 4)) : undefined
    const head: FrameHead = {
      fin: (first & 0x80) !== 0,
      rsv1: (first & 0x40) !== 0,
      rsv2: (first & 0x20) !== 0,
      rsv3: (first & 0x10) !== 0,
      opcode: first & 0x0f,
      masked,
      size,
    }
    this.headLength = 0
    if (!KNOWN_OPCODES.has(head.opcode)) return this.fail(`reserved opcode ${head.opcode}`)
    if (isControl(head.opcode) && (!head.fin || size > 125)) return this.fail('a fragmented or oversized control frame')
    this.head = head
    this.received = 0
    this.kept = 0
    const keep = Math.max(0, Math.min(size, Math.floor(this.options.keep(head))))
    if (this.stopped) return
    this.payload = Buffer.alloc(keep)
    if (size === 0) this.endFrame()
  }

  private readPayload(chunk: Uint8Array, at: number): number {
    const head = this.head!
    const take = Math.min(head.size - this.received, chunk.length - at)
    const copy = Math.min(take, this.payload.length - this.kept)
    if (copy > 0) {
      for (let i = 0; i < copy; i++) {
        const byte = chunk[at + i]!
        this.payload[this.kept + i] = this.mask ? byte ^ this.mask[(this.received + i) & 3]! : byte
      }
      this.kept += copy
    }
    this.received += take
    if (this.received === head.size) this.endFrame()
    return at + take
  }

  private endFrame(): void {
    const head = this.head!
    this.head = undefined
    this.options.onFrame({ ...head, payload: this.payload, truncated: this.kept < head.size })
  }

  private fail(message: string): void {
    this.stopped = true
    this.options.onError?.(message)
  }
}

/** Encodes one frame (§5.2). Server frames go unmasked; a client passes a 4-byte `mask` (§5.3). */
export function encodeFrame(
  opcode: number,
  payload: Uint8Array,
  options: { fin?: boolean; mask?: Uint8Array } = {},
): Buffer {
  const size = payload.length
  const extra = size < 126 ? 0 : size < 65536 ? 2 : 8
  const mask = options.mask
  const head = Buffer.alloc(2 + extra + (mask ? 4 : 0))
  head[0] = ((options.fin ?? true) ? 0x80 : 0) | (opcode & 0x0f)
  head[1] = (mask ? 0x80 : 0) | (size < 126 ? size : size < 65536 ? 126 : 127)
  if (extra === 2) head.writeUInt16BE(size, 2)
  if (extra === 8) head.writeBigUInt64BE(BigInt(size), 2)
  if (!mask) return Buffer.concat([head, payload])
  head.set(mask.subarray(0, 4), 2 + extra)
  const body = Buffer.alloc(size)
  for (let i = 0; i < size; i++) body[i] = payload[i]! ^ mask[i & 3]!
  return Buffer.concat([head, body])
}

/** A close frame's payload: a 2-byte status code then a UTF-8 reason (§5.5.1); empty when there is no code. */
export function closePayload(code?: number, reason = ''): Buffer {
  if (code === undefined) return Buffer.alloc(0)
  const text = Buffer.from(reason, 'utf8')
  const payload = Buffer.alloc(2 + text.length)
  payload.writeUInt16BE(code, 0)
  text.copy(payload, 2)
  return payload
}

/** Reads a close frame's code and reason; code 1005 ("no status") when the payload is empty (§7.1.5). */
export function readClose(payload: Uint8Array): { code: number; reason: string } {
  if (payload.length < 2) return { code: 1005, reason: '' }
  const buffer = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)
  return { code: buffer.readUInt16BE(0), reason: buffer.subarray(2).toString('utf8') }
}
