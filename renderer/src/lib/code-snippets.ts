/**
 * "Copy as fetch / HTTPie / Python requests": a captured request as code that, run, repeats it (method, URL,
 * headers in order, body bytes). Content-Length and hop-by-hop headers are left to the client, which works
 * them out; a body larger than the capture cap cannot be repeated exactly, and the code says so.
 */
import type { ExchangeDetail, ListenerInfo } from '../../../shared/exchange.ts'
import { shellQuote } from './curl.ts'

/** Headers a client sets itself (RFC 9110 §7.6.1 hop-by-hop, and the framing it computes from the body). */
const SKIP = new Set([
  'content-length',
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'transfer-encoding',
  'te',
  'upgrade',
  'host',
])

type Request = Pick<ExchangeDetail, 'method' | 'url' | 'requestHeaders' | 'requestBody'>

function headersOf(e: Request): [string, string][] {
  return e.requestHeaders.filter(([n]) => !SKIP.has(n.toLowerCase())).map(([n, v]) => [n, v])
}

/** The body as text when it is valid UTF-8, else undefined (the code then carries base64). */
function bodyText(base64: string): string | undefined {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return undefined
  }
}

const truncatedNote = (e: Request): string | undefined =>
  e.requestBody?.truncated
    ? `body truncated: ${e.requestBody.size} bytes on the wire, only the first ${atob(e.requestBody.base64).length} were kept`
    : undefined

/** JavaScript `fetch` (browsers and Node 18+). Beware: browsers refuse to set some headers (Cookie, Origin). */
export function toFetch(e: Request, listener?: ListenerInfo): string {
  const lines: string[] = []
  const note = truncatedNote(e)
  if (note) lines.push(`// ${note}`)
  if (listener?.mode === 'forward')
    lines.push(
      `// Through the proxy: run Node with HTTP_PROXY=${listener.url} NODE_USE_ENV_PROXY=1, or use undici's ProxyAgent.`,
    )
  const body = e.requestBody && e.requestBody.size > 0 ? e.requestBody : undefined
  const text = body ? bodyText(body.base64) : undefined
  const init = [
    `  method: ${JSON.stringify(e.method)},`,
    `  headers: [\n${headersOf(e)
      .map(([n, v]) => `    [${JSON.stringify(n)}, ${JSON.stringify(v)}],`)
      .join('\n')}\n  ],`,
    ...(body
      ? [
          text !== undefined
            ? `  body: ${JSON.stringify(text)},`
            : `  body: Uint8Array.from(atob(${JSON.stringify(body.base64)}), (c) => c.charCodeAt(0)),`,
        ]
      : []),
  ]
  lines.push(`const response = await fetch(${JSON.stringify(e.url)}, {\n${init.join('\n')}\n})`)
  return lines.join('\n')
}

/** HTTPie (3.0+): `http METHOD URL Name:value …` with the body given raw. Binary bodies need a file. */
export function toHttpie(e: Request, listener?: ListenerInfo): string {
  const parts = ['http', '--ignore-stdin']
  if (listener?.mode === 'forward') parts.push(`--proxy=${shellQuote(`http:${listener.url}`)}`)
  parts.push(e.method, shellQuote(e.url))
  for (const [n, v] of headersOf(e)) parts.push(shellQuote(v === '' ? `${n};` : `${n}:${v}`))
  const body = e.requestBody && e.requestBody.size > 0 ? e.requestBody : undefined
  const note = truncatedNote(e)
  if (body) {
    const text = bodyText(body.base64)
    if (text !== undefined) parts.push(`--raw=${shellQuote(text)}`)
    else
      return `printf %s ${shellQuote(body.base64)} | base64 -d | ${parts.filter((p) => p !== '--ignore-stdin').join(' ')}${note ? `  # ${note}` : ''}`
  }
  return parts.join(' ') + (note ? `  # ${note}` : '')
}

const py = (s: string): string => JSON.stringify(s) // a JSON string is a valid Python string literal

/** Python `requests`. Duplicate header names are joined with ", " (requests takes a dict). */
export function toPythonRequests(e: Request, listener?: ListenerInfo): string {
  const headers = new Map<string, [string, string]>()
  for (const [n, v] of headersOf(e)) {
    const key = n.toLowerCase()
    const had = headers.get(key)
    headers.set(key, had ? [had[0], `${had[1]}, ${v}`] : [n, v])
  }
  const body = e.requestBody && e.requestBody.size > 0 ? e.requestBody : undefined
  const text = body ? bodyText(body.base64) : undefined
  const note = truncatedNote(e)
  const lines = ['import requests', ...(body && text === undefined ? ['import base64'] : []), '']
  if (note) lines.push(`# ${note}`)
  const args = [
    `    ${py(e.method)},`,
    `    ${py(e.url)},`,
    `    headers={\n${[...headers.values()].map(([n, v]) => `        ${py(n)}: ${py(v)},`).join('\n')}\n    },`,
    ...(body
      ? [
          text !== undefined
            ? `    data=${py(text)}.encode("utf-8"),`
            : `    data=base64.b64decode(${py(body.base64)}),`,
        ]
      : []),
    ...(listener?.mode === 'forward'
      ? [`    proxies={"http": ${py(listener.url)}, "https": ${py(listener.url)}},`]
      : []),
  ]
  lines.push(`response = requests.request(\n${args.join('\n')}\n)`)
  return lines.join('\n')
}
