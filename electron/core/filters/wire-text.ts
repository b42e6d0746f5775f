/**
 * Renders messages as people read them on the wire: start line, headers exactly as held (order, case,
 * duplicates), a blank line, then the body. Lines end in `\n`, not CRLF, since this text is for terminals and
 * files, not for sockets.
 */
import { isUtf8 } from 'node:buffer'
import { header, type Headers, type Request, type Response } from '../message.ts'
import type { CapturedBody } from './tee-body.ts'

export function requestHead(req: Request): string {
  return `${req.method} ${req.target} HTTP/${req.version}\n${headerLines(req.headers)}\n`
}

export function responseHead(res: Response): string {
  const statusLine = res.reason === '' ? `HTTP/${res.version} ${res.status}` : `HTTP/${res.version} ${res.status} ${res.reason}`
  return `${statusLine}\n${headerLines(res.headers)}\n`
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
      const more = captured.total - (decoded.length === captured.bytes.byteLength ? decoded.length : Buffer.byteLength(decoded))
      if (more > 0) text += `<<${more} more bytes not shown>>\n`
    }
  }
  if (captured.state === 'streaming') text += '<<body still streaming>>\n'
  if (captured.state === 'aborted') text += `<<body stopped after ${captured.total} bytes: ${captured.error ?? 'unknown error'}>>\n`
  return text
}

const BINARY_TYPES = /^(image\/(?!svg)|audio\/|video\/|font\/|application\/(octet-stream|zip|gzip|x-gzip|pdf|wasm|x-protobuf|protobuf|grpc|msgpack|x-msgpack|vnd\.ms-fontobject|x-tar|x-7z-compressed|x-bzip2|zstd))/i

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
  let text: string
  if (isUtf8(bytes)) {
    // The common case, checked natively: the same text TextDecoder gives (BOM kept), several times faster.
    text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')
  } else {
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes, { stream: true })
    } catch {
      return undefined
    }
  }
  return CONTROL_CHARACTERS.test(text) ? undefined : text
}

const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000e-\u001a\u001c-\u001f\u007f]/

function headerLines(headers: Headers): string {
  return headers.map(([name, value]) => `${name}: ${value}\n`).join('')
}
