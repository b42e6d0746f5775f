/** Message heads as text, the way they went over the wire (RFC 9112 §2.1): start line, then each header as sent. */
import type { RawHeaderList } from '../../../shared/exchange.ts'

/** "1.1" → "HTTP/1.1", "2.0" → "HTTP/2" (RFC 9113 names the protocol HTTP/2). */
export function httpVersionText(version: string): string {
  if (version.startsWith('HTTP/')) return version
  if (version === '2' || version === '2.0') return 'HTTP/2'
  return `HTTP/${version}`
}

export function requestLine(method: string, target: string, version: string): string {
  return `${method} ${target} ${httpVersionText(version)}`
}

export function statusLine(version: string, status: number | undefined, reason: string | undefined): string {
  return [httpVersionText(version), status ?? '', reason ?? ''].filter((part) => part !== '').join(' ')
}

/** The head as text, header names in their case and order, duplicates kept, lines ending CRLF as on the wire. */
export function rawHead(startLine: string, headers: RawHeaderList): string {
  let text = `${startLine}\r\n`
  for (const [name, value] of headers) text += `${name}: ${value}\r\n`
  return `${text}\r\n`
}
