/** "Copy as curl" for a captured request, as faithfully as a shell command can carry it. */
import type { ExchangeDetail, ListenerInfo } from '../../../shared/exchange.ts'
import { base64ToBytes, looksLikeText, bytesToText } from './body.ts'

/** POSIX single-quoting: 'it'\''s'. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`
}

const SKIP = new Set(['content-length', 'proxy-connection', 'proxy-authorization'])

export function toCurl(e: ExchangeDetail, listener: ListenerInfo | undefined): string {
  const parts = ['curl']
  if (listener && listener.mode === 'forward') parts.push('-x', shellQuote(listener.url))
  if (e.method !== 'GET' || e.requestBody) parts.push('-X', shellQuote(e.method))
  parts.push(shellQuote(e.url))
  for (const [name, value] of e.requestHeaders) {
    if (SKIP.has(name.toLowerCase())) continue
    parts.push('-H', shellQuote(`${name}: ${value}`))
  }
  const body = e.requestBody
  if (body && body.size > 0) {
    const bytes = base64ToBytes(body.base64)
    if (body.truncated) parts.push(`# body truncated: ${body.size} bytes on the wire`)
    else if (looksLikeText(bytes)) parts.push('--data-binary', shellQuote(bytesToText(bytes)))
    else parts.push(`# binary body of ${body.size} bytes not included`)
  }
  return parts.join(' \\\n  ')
}
