/**
 * The session log format (FORMAT.md): an append-only sequence of records, each
 *
 *   NSR1 <json-length> <request-body-length> <response-body-length> <crc32-hex>\n
 *   <json header>\n<request body bytes><response body bytes>\n
 *
 * where the CRC-32 covers the json, request body and response body bytes. Encoding and decoding are pure
 * functions over buffers, so the format can be tested without files.
 */
import { crc32 } from 'node:zlib'
import type { Headers } from '../core/message.ts'
import { digitCount, maxHeadBytes, writeDigits, writeHead } from './head-bytes.ts'
import type { RecordedExchange } from './recorded-exchange.ts'

export const RECORD_MAGIC = 'NSR1'
/** A frame line is never longer than this (magic, three lengths up to 2^53, CRC, spaces, newline). */
export const MAX_FRAME_LINE = 96

/** A session that cannot be read: names the file and the byte offset where the problem is. */
export class SessionError extends Error {
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly problem: string,
  ) {
    super(`${file} at byte ${offset}: ${problem}`)
    this.name = 'SessionError'
  }
}

/** A torn record at the end of a log (a crash mid-write): what recovery skipped. */
export interface TornTail {
  readonly file: string
  readonly offset: number
  readonly bytes: number
  readonly reason: string
}

interface RecordHead {
  v: 1
  startedAt: number
  durationMs: number
  waitMs?: number
  request: {
    method: string
    url: string
    version: string
    headers: Array<[string, string]>
    trailers?: Array<[string, string]>
  }
  response: {
    status: number
    reason: string
    version: string
    headers: Array<[string, string]>
    trailers?: Array<[string, string]>
  }
  truncated?: { request?: number; response?: number }
  incomplete?: { request?: number | null; response?: number | null }
  generated?: { cause: string; message: string }
  tags?: string[]
  note?: string
}

/** One record as bytes (frame line, header JSON, bodies), for writers that write records one at a time. */
export function encodeRecord(x: RecordedExchange): Buffer {
  const req = x.request.body,
    res = x.response.body
  const head = Buffer.allocUnsafe(maxHeadBytes(x))
  const j = writeHead(x, head, 0, head.byteLength)
  const lineLength = frameLineBytes(j, req.byteLength, res.byteLength)
  const out = Buffer.allocUnsafe(lineLength + j + 1 + req.byteLength + res.byteLength + 1)
  head.copy(out, lineLength, 0, j)
  const bodiesAt = lineLength + j + 1
  out[bodiesAt - 1] = NL
  out.set(req, bodiesAt)
  out.set(res, bodiesAt + req.byteLength)
  out[out.byteLength - 1] = NL
  writeFrameLine(out, 0, j, req.byteLength, res.byteLength, checksum(head.subarray(0, j), req, res))
  return out
}

/** The newline that ends a frame line, the header JSON and a record. */
export const NL = 0x0a

/** Bytes of the frame line `NSR1 <J> <Q> <S> <crc32-hex>\n` for these lengths. */
export function frameLineBytes(jsonLength: number, requestLength: number, responseLength: number): number {
  return (
    MAGIC_BYTES.length +
    1 +
    digitCount(jsonLength) +
    1 +
    digitCount(requestLength) +
    1 +
    digitCount(responseLength) +
    1 +
    9
  )
}

/** Writes the frame line at `at` (`frameLineBytes` long, up to 2^53 per length); returns where it ends. */
export function writeFrameLine(
  out: Uint8Array,
  at: number,
  jsonLength: number,
  requestLength: number,
  responseLength: number,
  crc: number,
): number {
  out.set(MAGIC_BYTES, at)
  at += MAGIC_BYTES.length
  out[at++] = SPACE
  at = writeDigits(out, at, jsonLength)
  out[at++] = SPACE
  at = writeDigits(out, at, requestLength)
  out[at++] = SPACE
  at = writeDigits(out, at, responseLength)
  out[at++] = SPACE
  let v = crc >>> 0
  for (let i = 7; i >= 0; i--) {
    out[at + i] = HEX[v & 15]!
    v >>>= 4
  }
  out[at + 8] = NL
  return at + 9
}

const MAGIC_BYTES = Buffer.from(RECORD_MAGIC, 'latin1')
const SPACE = 0x20
const HEX = Buffer.from('0123456789abcdef', 'latin1')

/** CRC-32 of the parts in order. Empty parts are skipped: some Node versions' `crc32(empty, value)` return 0, not `value`. */
export function checksum(...parts: Uint8Array[]): number {
  let crc = 0
  for (const p of parts) if (p.byteLength > 0) crc = crc32(p, crc)
  return crc
}

export interface Frame {
  readonly jsonLength: number
  readonly requestLength: number
  readonly responseLength: number
  readonly crc: number
  /** Bytes of the frame line, newline included. */
  readonly lineLength: number
  /** Bytes of the whole record, frame line included. */
  readonly recordLength: number
}

const FRAME = /^NSR1 (\d{1,16}) (\d{1,16}) (\d{1,16}) ([0-9a-f]{8})$/

/**
 * Reads a frame line at the start of `bytes`. Returns 'short' when the bytes end before the line does (a
 * torn tail if the file ends there), or a string saying what is wrong with it.
 */
export function parseFrame(bytes: Uint8Array): Frame | 'short' | string {
  const limit = Math.min(bytes.byteLength, MAX_FRAME_LINE)
  let end = -1
  for (let i = 0; i < limit; i++)
    if (bytes[i] === 0x0a) {
      end = i
      break
    }
  if (end < 0) {
    if (bytes.byteLength < MAX_FRAME_LINE && isFramePrefix(bytes)) return 'short'
    return `expected a record frame line "${RECORD_MAGIC} <json-length> <request-length> <response-length> <crc32>"`
  }
  const line = Buffer.from(bytes.buffer, bytes.byteOffset, end).toString('latin1')
  const m = FRAME.exec(line)
  if (!m)
    return `expected a record frame line "${RECORD_MAGIC} <json-length> <request-length> <response-length> <crc32>", found ${JSON.stringify(line.slice(0, 40))}`
  const jsonLength = Number(m[1]),
    requestLength = Number(m[2]),
    responseLength = Number(m[3])
  const lineLength = end + 1
  return {
    jsonLength,
    requestLength,
    responseLength,
    crc: parseInt(m[4]!, 16),
    lineLength,
    recordLength: lineLength + jsonLength + 1 + requestLength + responseLength + 1,
  }
}

function isFramePrefix(bytes: Uint8Array): boolean {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')
  const magic = `${RECORD_MAGIC} `
  return text.length <= magic.length
    ? magic.startsWith(text)
    : text.startsWith(magic) && /^[0-9a-f ]*$/.test(text.slice(magic.length))
}

/**
 * What is wrong with a record: `torn` when its bytes are not what was written (wrong newlines or CRC: a write
 * cut short), false when they are intact but say something this reader does not accept (not JSON, not version 1,
 * malformed fields), which is never a torn write.
 */
export interface RecordProblem {
  readonly problem: string
  readonly torn: boolean
}

/** Decodes one whole record (frame line included), checking its layout, CRC and header. */
export function decodeRecord(record: Uint8Array, frame: Frame): RecordedExchange | RecordProblem {
  const buf = Buffer.from(record.buffer, record.byteOffset, record.byteLength)
  const jsonStart = frame.lineLength
  const jsonEnd = jsonStart + frame.jsonLength
  const reqStart = jsonEnd + 1
  const resStart = reqStart + frame.requestLength
  const resEnd = resStart + frame.responseLength
  if (buf[jsonEnd] !== 0x0a || buf[resEnd] !== 0x0a)
    return { problem: 'record is not terminated where its frame line says (wrong lengths)', torn: true }
  const json = buf.subarray(jsonStart, jsonEnd)
  const req = buf.subarray(reqStart, resStart)
  const res = buf.subarray(resStart, resEnd)
  const crc = checksum(json, req, res)
  if (crc !== frame.crc)
    return {
      problem: `checksum mismatch (frame says ${frame.crc.toString(16).padStart(8, '0')}, bytes give ${crc.toString(16).padStart(8, '0')})`,
      torn: true,
    }
  let head: RecordHead
  try {
    head = JSON.parse(json.toString('utf8')) as RecordHead
  } catch (error) {
    return { problem: `record header is not JSON: ${(error as Error).message}`, torn: false }
  }
  const problem = checkHead(head)
  if (problem) return { problem, torn: false }
  return {
    startedAt: head.startedAt,
    durationMs: head.durationMs,
    ...(head.waitMs !== undefined ? { waitMs: head.waitMs } : {}),
    request: {
      ...head.request,
      headers: frozenPairs(head.request.headers),
      ...(head.request.trailers ? { trailers: frozenPairs(head.request.trailers) } : {}),
      body: Buffer.from(req),
    },
    response: {
      ...head.response,
      headers: frozenPairs(head.response.headers),
      ...(head.response.trailers ? { trailers: frozenPairs(head.response.trailers) } : {}),
      body: Buffer.from(res),
    },
    ...(head.truncated ? { truncated: head.truncated } : {}),
    ...(head.incomplete ? { incomplete: head.incomplete } : {}),
    ...(head.generated ? { generated: head.generated } : {}),
    ...(head.tags ? { tags: head.tags } : {}),
    ...(head.note !== undefined ? { note: head.note } : {}),
  }
}

function checkHead(h: RecordHead): string | undefined {
  if (typeof h !== 'object' || h === null || h.v !== 1) return 'record header has no "v": 1 (a newer or foreign format)'
  if (typeof h.startedAt !== 'number' || typeof h.durationMs !== 'number')
    return 'record header lacks startedAt or durationMs'
  if (h.waitMs !== undefined && typeof h.waitMs !== 'number') return 'record header has a malformed "waitMs"'
  const q = h.request,
    s = h.response
  if (
    !q ||
    typeof q.method !== 'string' ||
    typeof q.url !== 'string' ||
    typeof q.version !== 'string' ||
    !isHeaders(q.headers) ||
    (q.trailers !== undefined && !isHeaders(q.trailers))
  )
    return 'record header has a malformed request'
  if (
    !s ||
    typeof s.status !== 'number' ||
    typeof s.reason !== 'string' ||
    typeof s.version !== 'string' ||
    !isHeaders(s.headers) ||
    (s.trailers !== undefined && !isHeaders(s.trailers))
  )
    return 'record header has a malformed response'
  if (h.tags !== undefined && !(Array.isArray(h.tags) && h.tags.every((t) => typeof t === 'string')))
    return 'record header has malformed "tags"'
  if (h.note !== undefined && typeof h.note !== 'string') return 'record header has a malformed "note"'
  if (!lengthsOrNull(h.truncated, false)) return 'record header has a malformed "truncated"'
  if (!lengthsOrNull(h.incomplete, true)) return 'record header has a malformed "incomplete"'
  const g = h.generated
  if (
    g !== undefined &&
    (typeof g !== 'object' || g === null || typeof g.cause !== 'string' || typeof g.message !== 'string')
  )
    return 'record header has a malformed "generated"'
  return undefined
}

/** Absent, or an object whose `request` and `response` keys, when present, are byte counts (or null, where allowed). */
function lengthsOrNull(o: unknown, nullable: boolean): boolean {
  if (o === undefined) return true
  if (typeof o !== 'object' || o === null) return false
  for (const key of ['request', 'response'] as const) {
    const v = (o as Record<string, unknown>)[key]
    if (v === undefined || (nullable && v === null)) continue
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) return false
  }
  return true
}

/** Freezes the parsed header list in place, so requests built from the record can use it as it is. */
function frozenPairs(headers: Array<[string, string]>): Headers {
  for (const h of headers) Object.freeze(h)
  return Object.freeze(headers)
}

function isHeaders(h: unknown): boolean {
  return (
    Array.isArray(h) &&
    h.every((p) => Array.isArray(p) && p.length === 2 && typeof p[0] === 'string' && typeof p[1] === 'string')
  )
}

export interface DecodedLog {
  readonly records: RecordedExchange[]
  /** Byte offset where the valid records end (the file length unless the tail is torn). */
  readonly validEnd: number
  readonly torn?: TornTail
}

/**
 * Decodes a whole log held in memory. A last record that is incomplete or fails its checksum is a torn tail:
 * everything before it is returned and `torn` says what was skipped. Damage anywhere else throws a
 * `SessionError` naming the file and offset.
 */
export function decodeLog(bytes: Uint8Array, file: string): DecodedLog {
  const records: RecordedExchange[] = []
  let offset = 0
  while (offset < bytes.byteLength) {
    const rest = bytes.subarray(offset)
    const frame = parseFrame(rest)
    if (frame === 'short') return tornAt(records, file, offset, rest.byteLength, 'the frame line is incomplete')
    if (typeof frame === 'string') throw new SessionError(file, offset, frame)
    if (frame.recordLength > rest.byteLength) {
      return tornAt(
        records,
        file,
        offset,
        rest.byteLength,
        `the record needs ${frame.recordLength} bytes but the file ends after ${rest.byteLength}`,
      )
    }
    const decoded = decodeRecord(rest.subarray(0, frame.recordLength), frame)
    if ('problem' in decoded) {
      // Only a write cut short is a torn tail; an intact record this reader cannot accept is damage wherever it is.
      if (decoded.torn && frame.recordLength === rest.byteLength)
        return tornAt(records, file, offset, rest.byteLength, decoded.problem)
      throw new SessionError(file, offset, decoded.problem)
    }
    records.push(decoded)
    offset += frame.recordLength
  }
  return { records, validEnd: offset }
}

function tornAt(records: RecordedExchange[], file: string, offset: number, bytes: number, reason: string): DecodedLog {
  return { records, validEnd: offset, torn: { file, offset, bytes, reason } }
}
