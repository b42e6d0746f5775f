/**
 * Renders messages as people read them on the wire: start line, headers exactly as held (order, case,
 * duplicates), a blank line, then the body. Lines end in `\n`, not CRLF, since this text is for terminals and
 * files, not for sockets.
 */
import { isUtf8 } from 'node:buffer'
import { header, type Headers, type Request, type Response } from '../message.ts'
import type { CapturedBody } from './tee-body.ts'

/** The request line, then an HTTP/2 request's pseudo-header fields as the client sent them, then the headers. */
export function requestHead(req: Request): string {
  const pseudo = req.pseudoHeaders ? headerLines(req.pseudoHeaders) : ''
  return `${req.method} ${req.target} HTTP/${req.version}\n${pseudo}${headerLines(req.headers)}\n`
}

/** The status line, then for HTTP/2 its one pseudo-header field (`:status`), then the headers. */
export function responseHead(res: Response): string {
  const statusLine =
    res.reason === '' ? `HTTP/${res.version} ${res.status}` : `HTTP/${res.version} ${res.status} ${res.reason}`
  const pseudo = res.version === '2' ? `:status: ${res.status}\n` : ''
  return `${statusLine}\n${pseudo}${headerLines(res.headers)}\n`
}

/**
 * A captured body as text: shown as is when it is text (with `<<N more bytes not shown>>` past the cap), or as
 * one line `<<N bytes of binary body>>`. A body that did not finish says so on a last line.
 */
export function bodyText(message: { readonly headers: Headers }, captured: CapturedBody): string {
  let text = ''
  if (captured.total > 0) {
    const decoded = binaryByHeaders(message) ? undefined : decodeText(captured.bytes)
    if (decoded === undefined) {
      text = `<<${captured.total} bytes of binary body>>\n`
    } else {
      text = decoded.endsWith('\n') || decoded === '' ? decoded : `${decoded}\n`
      const more =
        captured.total - (decoded.length === captured.bytes.byteLength ? decoded.length : Buffer.byteLength(decoded))
      if (more > 0) text += `<<${more} more bytes not shown>>\n`
    }
  }
  if (captured.state === 'streaming') text += '<<body still streaming>>\n'
  if (captured.state === 'aborted')
    text += `<<body stopped after ${captured.total} bytes: ${captured.error ?? 'unknown error'}>>\n`
  return text
}

const BINARY_TYPES =
  /^(image\/(?!svg)|audio\/|video\/|font\/|application\/(octet-stream|zip|gzip|x-gzip|pdf|wasm|x-protobuf|protobuf|grpc|msgpack|x-msgpack|vnd\.ms-fontobject|x-tar|x-7z-compressed|x-bzip2|zstd))/i

/** Binary by its headers (a binary content type, or any content coding such as gzip), else by its bytes. */
export function isBinary(message: { readonly headers: Headers }, bytes: Uint8Array): boolean {
  return binaryByHeaders(message) || decodeText(bytes) === undefined
}

function binaryByHeaders(message: { readonly headers: Headers }): boolean {
  const encoding = header(message, 'Content-Encoding')?.trim().toLowerCase()
  if (encoding && encoding !== 'identity') return true
  return BINARY_TYPES.test(header(message, 'Content-Type')?.trim() ?? '')
}

/**
 * UTF-8 text with no control bytes other than tab, line feed, form feed, carriage return and escape; else
 * undefined. A multi-byte character cut by the capture cap is left out rather than counted as binary.
 */
function decodeText(bytes: Uint8Array): string | undefined {
  // Checked on the bytes, before decoding: in UTF-8 a code point below U+0080 is that one byte, and such bytes
  // never occur inside a multi-byte sequence, so the bytes hold a control byte exactly when the text would.
  if (hasControlBytes(bytes)) return undefined
  // Stryker disable next-line ConditionalExpression: TextDecoder gives the same text for valid UTF-8; the native check is only faster
  if (isUtf8(bytes)) {
    // The common case, checked natively: the same text TextDecoder gives (BOM kept), several times faster.
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes, { stream: true })
  } catch {
    return undefined
  }
}

/** Bytes that make a body binary: C0 controls other than tab, LF, FF, CR and ESC; and DEL. */
const CONTROL_BYTE = new Uint8Array(256)
for (let b = 0; b < 0x20; b++) CONTROL_BYTE[b] = 1
for (const allowed of [0x09, 0x0a, 0x0c, 0x0d, 0x1b]) CONTROL_BYTE[allowed] = 0
CONTROL_BYTE[0x7f] = 1

/**
 * Whether any byte is a `CONTROL_BYTE`. A whole body is checked (up to the print cap), so it goes four bytes at
 * a time (SWAR: per-byte arithmetic inside a 32-bit word, about twice as fast as a regular expression over the
 * decoded text). Each byte's low 7 bits `t` plus a constant below 0x80 never carries into the next byte, and
 * sets the byte's top bit exactly when `t` reaches 0x80 minus the constant; bytes with their own top bit set are
 * masked out at the end (they are never control bytes).
 */
function hasControlBytes(bytes: Uint8Array): boolean {
  const n = bytes.byteLength
  const head = Math.min(n, (4 - (bytes.byteOffset & 3)) & 3)
  for (let i = 0; i < head; i++) if (CONTROL_BYTE[bytes[i]!] === 1) return true
  const count = (n - head) >>> 2
  if (count === 0) {
    for (let i = head; i < n; i++) if (CONTROL_BYTE[bytes[i]!] === 1) return true
    return false
  }
  const words = new Int32Array(bytes.buffer, bytes.byteOffset + head, count)
  let found = 0
  for (let j = 0; j < count; j++) {
    const x = words[j]!
    const t = x & 0x7f7f7f7f
    const below09 = ~((t + 0x77777777) | 0)
    const is0b = ~(((t ^ 0x0b0b0b0b) + 0x7f7f7f7f) | 0)
    const above0d = (t + 0x72727272) | 0
    const below20 = ~((t + 0x60606060) | 0)
    const not1b = ((t ^ 0x1b1b1b1b) + 0x7f7f7f7f) | 0
    const is7f = ~(((t ^ 0x7f7f7f7f) + 0x7f7f7f7f) | 0)
    found |= (below09 | is0b | (above0d & below20 & not1b) | is7f) & ~x
    // Stryker disable next-line ConditionalExpression: an early way out only; the check after the loop gives the same answer
    if ((j & 1023) === 1023 && (found & 0x80808080) !== 0) return true
  }
  if ((found & 0x80808080) !== 0) return true
  for (let i = head + count * 4; i < n; i++) if (CONTROL_BYTE[bytes[i]!] === 1) return true
  return false
}

function headerLines(headers: Headers): string {
  let lines = ''
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i]!
    lines += `${h[0]}: ${h[1]}\n`
  }
  return lines
}
