/**
 * HTTP/1.1 framing both adapters write (RFC 9112): a header as a wire line, checked as node:http checks it, and a
 * body in chunked framing. The client writes requests with it (`client/wire-request.ts`), the wire server
 * responses (`server/wire-response.ts`).
 */
import { sameName } from './same-name.ts'
import http from 'node:http'
import type { Writable } from 'node:stream'
import type { Header } from '../message.ts'

/**
 * One header as a wire line, checked as node:http checks it: a name that is not a token or a value with a
 * control character (CR, LF, NUL…) throws Node's own error (`ERR_INVALID_HTTP_TOKEN`, `ERR_INVALID_CHAR`), so
 * nothing can be smuggled onto the wire.
 */
export function headerLine(header: Header): string {
  // Read by index: destructuring a (frozen) pair goes through the iterator protocol, an allocation per header line.
  const name = header[0]
  const value = header[1]
  if (!TOKEN.test(name)) http.validateHeaderName(name)
  if (INVALID_VALUE.test(value)) http.validateHeaderValue(name, value)
  return `${name}: ${value}\r\n`
}

/** An HTTP token (RFC 9110 §5.6.2): what a header name and a method must be. */
export const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/

/** Whether a Transfer-Encoding value ends in `chunked` (RFC 9112 §6.1). */
export function lastCodingIsChunked(value: string): boolean {
  const at = value.lastIndexOf(',')
  return (
    value
      .slice(at + 1)
      .trim()
      .toLowerCase() === 'chunked'
  )
}

/** Whether the head promises a chunked body: its last Transfer-Encoding coding is `chunked`. */
export function isChunked(headers: readonly Header[]): boolean {
  let last: string | undefined
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i]!
    if (sameName(h[0], 'transfer-encoding')) last = h[1]
  }
  return last !== undefined && lastCodingIsChunked(last)
}

/** Writes one chunk in chunked framing; false when the socket asks to wait for 'drain'. */
export function writeChunk(socket: Writable, chunk: Buffer | Uint8Array): boolean {
  if (chunk.byteLength === 0) return true
  socket.write(`${chunk.byteLength.toString(16)}\r\n`, 'latin1')
  socket.write(chunk)
  return socket.write('\r\n', 'latin1')
}

export const LAST_CHUNK = '0\r\n\r\n'
