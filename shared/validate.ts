/**
 * Checks command arguments at the process boundary. Returns an error message naming the bad field, or
 * undefined when the arguments fit. Main runs this on every command before acting on it.
 */
import type { CommandName } from './contract.ts'

type Check = (args: Record<string, unknown>) => string | undefined

const none: Check = (a) => (Object.keys(a).length === 0 ? undefined : `takes no arguments, got ${Object.keys(a).join(', ')}`)
const str = (field: string, optional = false): Check => (a) =>
  (a[field] === undefined && optional) || (typeof a[field] === 'string' && (a[field] as string).length > 0)
    ? undefined : `"${field}" must be a non-empty string`
const bool = (field: string): Check => (a) =>
  a[field] === undefined || typeof a[field] === 'boolean' ? undefined : `"${field}" must be true or false`
const int = (field: string, min: number, max: number): Check => (a) => {
  const v = a[field]
  if (v === undefined) return undefined
  return Number.isInteger(v) && (v as number) >= min && (v as number) <= max
    ? undefined : `"${field}" must be a whole number from ${min} to ${max}`
}
const oneOf = (field: string, values: readonly string[]): Check => (a) =>
  values.includes(a[field] as string) ? undefined : `"${field}" must be one of ${values.join(', ')}`
const all = (...checks: Check[]): Check => (a) => {
  for (const c of checks) { const e = c(a); if (e) return e }
  return undefined
}

const CHECKS: Record<CommandName, Check> = {
  subscribe: none,
  listListeners: none,
  startListener: all(oneOf('kind', ['proxy', 'latency', 'sniff', 'static', 'clock']),
    (a) => (a.kind === 'static' || a.kind === 'clock' ? undefined : oneOf('mode', ['forward', 'reverse'])(a)),
    (a) => (a.kind === 'static' && typeof a.dir !== 'string' ? '"dir" is required for a static file server' : str('dir', true)(a)),
    int('intervalMs', 1, 3_600_000),
    str('target', true), bool('httpsUpstream'), str('host', true), int('port', 0, 65535),
    (a) => (a.mode === 'reverse' && typeof a.target !== 'string' ? '"target" is required for a reverse proxy' : undefined)),
  stopListener: str('id'),
  getExchange: str('id'),
  clear: all((a) => (Object.keys(a).every((k) => k === 'upToSeq') ? undefined : 'takes only "upToSeq"'),
    int('upToSeq', 0, Number.MAX_SAFE_INTEGER)),
  pauseCapture: none,
  resumeCapture: none,
  getSettings: none,
  updateSettings: all(int('bodyCapBytes', 0, 1024 ** 3), int('maxExchanges', 1, 10_000_000),
    int('maxTotalBodyBytes', 0, 64 * 1024 ** 3)),
  resend: str('id'),
  launchBrowser: str('listenerId'),
  getChaos: str('listenerId'),
  setChaos: all(str('listenerId'), bool('active')),
  listSessions: none,
  getRecording: str('listenerId'),
  startRecording: all(str('listenerId'), str('name', true)),
  stopRecording: str('listenerId'),
  setStandIn: all(str('listenerId'), str('sessionId', true)),
  renameSession: all(str('sessionId'), str('name')),
  deleteSession: str('sessionId'),
  exportHar: str('sessionId', true),
  importHar: all(str('fileName'), (a) => (typeof a.content === 'string' ? undefined : '"content" must be the HAR file\'s text')),
  replaySession: all(str('listenerId'), str('sessionId'), str('target', true), int('concurrency', 1, 256), int('limit', 1, 10_000_000),
    (a) => (a.speed === undefined || a.speed === 'max' || (typeof a.speed === 'number' && a.speed > 0 && a.speed <= 1000) ? undefined : '"speed" must be a positive number or "max"')),
  startClockDemo: int('intervalMs', 10, 60_000),
  getCa: none,
}

export function validateArgs(name: CommandName, args: unknown): string | undefined {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return `${name}: arguments must be an object`
  const problem = CHECKS[name](args as Record<string, unknown>)
  return problem ? `${name}: ${problem}` : undefined
}
