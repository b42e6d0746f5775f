/**
 * Turning a captured body into something to show: bytes from base64, content-encoding decoded for display
 * (DecompressionStream, where the browser has the format), and a guess at text versus binary.
 */
import type { BodyData } from '../../../shared/exchange.ts'

export function base64ToBytes(base64: string): Uint8Array {
  const bin = atob(base64)
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}

export function bodyBytes(body: BodyData): Uint8Array {
  return base64ToBytes(body.base64)
}

export interface Decoded {
  readonly bytes: Uint8Array
  /** The encodings undone, outermost last as listed in the header; empty when shown as on the wire. */
  readonly decodedFrom: readonly string[]
  /** Why decoding stopped, when it did. */
  readonly problem?: string
  /** Decoding ran out of input (a truncated capture): what is shown is the part that decoded. */
  readonly partial: boolean
}

const FORMATS: Record<string, readonly string[]> = {
  gzip: ['gzip'],
  'x-gzip': ['gzip'],
  deflate: ['deflate', 'deflate-raw'],
  br: ['br', 'brotli'],
}

/** Undoes `content-encoding` (listed in the order applied, RFC 9110 §8.4), for display only. */
export async function decodeContent(bytes: Uint8Array, contentEncoding: string | undefined): Promise<Decoded> {
  const codings = (contentEncoding ?? '')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c && c !== 'identity')
  if (codings.length === 0) return { bytes, decodedFrom: [], partial: false }
  if (typeof DecompressionStream === 'undefined') {
    return { bytes, decodedFrom: [], partial: false, problem: 'this browser cannot decompress bodies' }
  }
  let current = bytes
  let partial = false
  const done: string[] = []
  for (const coding of [...codings].reverse()) {
    const formats = FORMATS[coding]
    if (!formats) return { bytes: current, decodedFrom: done, partial, problem: `unknown content-encoding "${coding}"` }
    let result: { bytes: Uint8Array; complete: boolean } | undefined
    for (const format of formats) {
      result = await tryDecompress(current, format)
      if (result && result.bytes.length > 0) break
    }
    if (!result || (result.bytes.length === 0 && current.length > 0)) {
      return { bytes: current, decodedFrom: done, partial, problem: `could not decode ${coding} in this browser` }
    }
    current = result.bytes
    partial ||= !result.complete
    done.push(coding)
  }
  return { bytes: current, decodedFrom: done, partial }
}

async function tryDecompress(
  input: Uint8Array,
  format: string,
): Promise<{ bytes: Uint8Array; complete: boolean } | undefined> {
  let stream: DecompressionStream
  try {
    stream = new DecompressionStream(format as CompressionFormat)
  } catch {
    return undefined
  }
  const writer = stream.writable.getWriter()
  writer.write(input as Uint8Array<ArrayBuffer>).catch(() => {})
  writer.close().catch(() => {})
  const reader = stream.readable.getReader()
  const chunks: Uint8Array[] = []
  let complete = true
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      chunks.push(value)
    }
  } catch {
    complete = false
  }
  const total = chunks.reduce((n, c) => n + c.length, 0)
  const out = new Uint8Array(total)
  let at = 0
  for (const c of chunks) {
    out.set(c, at)
    at += c.length
  }
  return { bytes: out, complete }
}

export type BodyKind = 'empty' | 'text' | 'json' | 'image' | 'binary'

const TEXTUAL =
  /^(text\/|application\/(json|xml|javascript|ecmascript|x-www-form-urlencoded|graphql|x-ndjson|yaml|x-yaml|toml)|.*\+(json|xml)$)/

export function classify(bytes: Uint8Array, contentType: string | undefined): BodyKind {
  if (bytes.length === 0) return 'empty'
  const mime = (contentType ?? '').split(';')[0]!.trim().toLowerCase()
  if (mime.startsWith('image/')) return 'image'
  const json = mime === 'application/json' || mime.endsWith('+json')
  if (TEXTUAL.test(mime)) return json ? 'json' : looksJson(bytes) ? 'json' : 'text'
  if (looksLikeText(bytes)) return looksJson(bytes) ? 'json' : 'text'
  return 'binary'
}

function looksJson(bytes: Uint8Array): boolean {
  for (const b of bytes.subarray(0, 64)) {
    if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) continue
    return b === 0x7b || b === 0x5b
  }
  return false
}

/** Valid UTF-8 with few control characters, judged on the first 4 KiB. */
export function looksLikeText(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, 4096)
  let control = 0
  for (const b of sample) if (b < 0x09 || (b > 0x0d && b < 0x20 && b !== 0x1b)) control++
  if (control > sample.length / 100) return false
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample.length < bytes.length ? trimUtf8(sample) : sample)
    return true
  } catch {
    return false
  }
}

/** Drops a multi-byte sequence cut at the end of a sample. */
function trimUtf8(b: Uint8Array): Uint8Array {
  let end = b.length
  for (let i = 1; i <= 3 && end - i >= 0; i++) {
    const c = b[end - i]!
    if ((c & 0xc0) === 0x80) continue
    if (c >= 0xc0) end -= i
    break
  }
  return b.subarray(0, end)
}

export function bytesToText(bytes: Uint8Array): string {
  return new TextDecoder('utf-8').decode(bytes)
}

/** Classic 16-bytes-per-line hex dump with an ASCII gutter. */
export function hexDump(bytes: Uint8Array, limit = 64 * 1024): string {
  const lines: string[] = []
  const end = Math.min(bytes.length, limit)
  for (let off = 0; off < end; off += 16) {
    const row = bytes.subarray(off, Math.min(off + 16, end))
    const hex = Array.from(row, (b) => b.toString(16).padStart(2, '0')).join(' ')
    const ascii = Array.from(row, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('')
    lines.push(`${off.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  ${ascii}`)
  }
  return lines.join('\n')
}
