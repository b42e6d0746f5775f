/** Display formatting for sizes, durations, times and statuses. */
import type { ExchangeSummary } from '../../../shared/exchange.ts'

export function formatBytes(n: number | undefined): string {
  if (n === undefined) return ''
  if (n < 1024) return `${n} B`
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} kB`
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`
  return `${(n / 1024 ** 3).toFixed(2)} GB`
}

export function formatMs(ms: number | undefined): string {
  if (ms === undefined || Number.isNaN(ms)) return ''
  if (ms === 0) return '0 ms'
  if (ms < 1) return `${ms.toFixed(2)} ms`
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`
  return `${(ms / 60_000).toFixed(1)} min`
}

/** Time so far for something still going: "0.4 s", "12 s", "2 min 5 s" (tenths only under ten seconds). */
export function formatElapsed(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`
  if (ms < 60_000) return `${Math.floor(ms / 1000)} s`
  return `${Math.floor(ms / 60_000)} min ${Math.floor((ms % 60_000) / 1000)} s`
}

const two = (n: number): string => String(n).padStart(2, '0')

/** hh:mm:ss.mmm in local time. */
export function formatClock(epochMs: number): string {
  const d = new Date(epochMs)
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`
}

export type StatusTone = 'pending' | 'ok' | 'redirect' | 'client-error' | 'server-error' | 'failed' | 'aborted' | 'info'

/** 5xx and responses the proxy made itself (failed, or tagged generated) are red; aborted is its own tone. */
export function statusTone(e: ExchangeSummary): StatusTone {
  if (e.outcome.kind === 'failed' || e.tags.includes('generated')) return 'failed'
  if (e.outcome.kind === 'aborted') return 'aborted'
  if (e.status === undefined) return 'pending'
  if (e.status >= 500) return 'server-error'
  if (e.status >= 400) return 'client-error'
  if (e.status >= 300) return 'redirect'
  if (e.status >= 200) return 'ok'
  return 'info'
}

export function statusText(e: ExchangeSummary): string {
  if (e.outcome.kind === 'failed') return e.status !== undefined ? String(e.status) : 'failed'
  if (e.outcome.kind === 'aborted') return e.status !== undefined ? String(e.status) : 'aborted'
  return e.status !== undefined ? String(e.status) : '…'
}

/** "application/json; charset=utf-8" → "json"; unknown types stay whole. */
export function shortType(contentType: string | undefined): string {
  if (!contentType) return ''
  const mime = contentType.split(';')[0]!.trim().toLowerCase()
  const sub = mime.split('/')[1] ?? mime
  if (sub.endsWith('+json') || sub === 'json') return 'json'
  if (sub.endsWith('+xml')) return 'xml'
  if (mime.startsWith('image/')) return sub
  if (sub === 'javascript' || sub === 'ecmascript') return 'js'
  if (sub === 'x-www-form-urlencoded') return 'form'
  if (sub === 'octet-stream') return 'binary'
  return sub
}

/** The protocol as a start line writes it: `HTTP/1.1` (capture stores the bare version, `1.1`). */
export function protocolText(version: string): string {
  return /^HTTP\//i.test(version) ? version : `HTTP/${version}`
}
