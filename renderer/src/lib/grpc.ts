/**
 * gRPC bodies made readable without decoding protobuf: the length-prefixed messages of an `application/grpc*` body
 * (gRPC over HTTP/2, "Length-Prefixed-Message": a compressed flag byte, a 4-byte big-endian length, the message) and
 * the status a call ended with (`grpc-status`, `grpc-message` percent-decoded), from the trailers or, for a
 * trailers-only answer, from the headers.
 */
import type { RawHeaderList } from '../../../shared/exchange.ts'
import { headerValue } from './headers.ts'

/** Whether a content type is gRPC's (`application/grpc`, `application/grpc+proto`, `application/grpc-web`, …). */
export function isGrpc(contentType: string | undefined): boolean {
  return contentType !== undefined && /^\s*application\/grpc(?:[+\-;\s]|$)/i.test(contentType)
}

export interface GrpcMessage {
  /** Where its 5-byte prefix starts in the body. */
  readonly offset: number
  /** The prefix's flag byte: bit 0 says compressed (with the call's `grpc-encoding`); gRPC-Web sets bit 7 on its trailer frame. */
  readonly flags: number
  readonly compressed: boolean
  /** gRPC-Web: a frame of trailers inside the body (flag bit 7). */
  readonly trailerFrame: boolean
  /** The length the prefix declares. */
  readonly length: number
  /** The message bytes captured (fewer than `length` when the body was cut short). */
  readonly bytes: Uint8Array
}

export interface GrpcFrames {
  readonly messages: readonly GrpcMessage[]
  /** Bytes after the last whole prefix that do not make a prefix (a body cut short mid-prefix). */
  readonly leftover: number
  /** The body holds more messages than were listed (the `limit`): `messages.length` is then a lower bound. */
  readonly more: boolean
}

/** The body's length-prefixed messages, in order; a message cut short by the capture keeps what was captured. */
export function grpcMessages(body: Uint8Array, limit = 1000): GrpcFrames {
  const messages: GrpcMessage[] = []
  let at = 0
  while (at + 5 <= body.length && messages.length < limit) {
    const flags = body[at]!
    const length = ((body[at + 1]! << 24) >>> 0) + (body[at + 2]! << 16) + (body[at + 3]! << 8) + body[at + 4]!
    const start = at + 5
    const end = Math.min(body.length, start + length)
    messages.push({
      offset: at,
      flags,
      compressed: (flags & 1) === 1,
      trailerFrame: (flags & 0x80) !== 0,
      length,
      bytes: body.subarray(start, end),
    })
    at = start + length
  }
  const more = messages.length >= limit && at + 5 <= body.length
  return { messages, leftover: !more && at < body.length ? body.length - at : 0, more }
}

/** gRPC status codes by number (grpc/doc/statuscodes.md). */
export const GRPC_STATUS_NAMES: readonly string[] = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
]

export interface GrpcStatus {
  readonly code: number | undefined
  /** The field's value as it came (not a number when the server sent something odd). */
  readonly raw: string
  /** `OK`, `UNAVAILABLE`…; undefined for a code gRPC does not define. */
  readonly name: string | undefined
  /** `grpc-message`, percent-decoded; undefined when absent. */
  readonly message: string | undefined
  /** Where it was found: the trailers, or the headers of a trailers-only answer. */
  readonly from: 'trailers' | 'headers'
}

/** The call's status, from the trailers or (a trailers-only answer) the headers; undefined when neither has one. */
export function grpcStatus(headers: RawHeaderList, trailers: RawHeaderList | undefined): GrpcStatus | undefined {
  for (const [from, list] of [
    ['trailers', trailers],
    ['headers', headers],
  ] as const) {
    if (!list) continue
    const raw = headerValue(list, 'grpc-status')
    if (raw === undefined) continue
    const code = /^\s*\d+\s*$/.test(raw) ? Number(raw) : undefined
    const message = headerValue(list, 'grpc-message')
    return {
      code,
      raw,
      name: code === undefined ? undefined : GRPC_STATUS_NAMES[code],
      message: message === undefined ? undefined : percentDecode(message),
      from,
    }
  }
  return undefined
}

/**
 * `grpc-message`'s percent-encoding undone (gRPC over HTTP/2: percent-encoded UTF-8); a `%` not followed by two hex
 * digits stays as it is, and bytes that are not UTF-8 become U+FFFD.
 */
export function percentDecode(value: string): string {
  if (!value.includes('%')) return value
  const bytes: number[] = []
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    if (c === 0x25 && /^[0-9a-fA-F]{2}$/.test(value.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(value.slice(i + 1, i + 3), 16))
      i += 2
    } else if (c < 0x80) bytes.push(c)
    else for (const b of new TextEncoder().encode(value[i]!)) bytes.push(b)
  }
  return new TextDecoder('utf-8', { fatal: false }).decode(new Uint8Array(bytes))
}
