import { createReadStream, statSync } from 'node:fs'
import { extname, join, resolve, sep } from 'node:path'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { pipeBody } from '../core/wire/stream-plumbing.ts'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
}

/** Matches the renderer's own meta CSP; sent as a header too so it holds even if the page is altered. */
export const UI_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"

/**
 * Serves the built renderer; `/` is index.html; nothing outside the folder is reachable. A client that leaves
 * mid-download has the file closed at once (`pipe` alone would leave it open, paused, for good).
 */
export function serveBuiltFile(root: string, req: IncomingMessage, res: ServerResponse): void {
  let path: string
  try {
    path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
  } catch {
    path = '/'
  }
  if (path === '/') path = '/index.html' // a URL's pathname is never empty
  const base = resolve(root)
  const full = resolve(join(base, path))
  if (!full.startsWith(base + sep) || path.includes('\0')) return notFound(res)
  let size: number
  try {
    const stat = statSync(full)
    if (!stat.isFile()) return notFound(res)
    size = stat.size
  } catch {
    return notFound(res)
  }
  res.writeHead(200, {
    'Content-Type': TYPES[extname(full)] ?? 'application/octet-stream',
    'Content-Length': size,
    'Content-Security-Policy': UI_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-cache',
  })
  // Stryker disable next-line ConditionalExpression,StringLiteral: equivalent on the wire; node:http sends no body for a HEAD whatever is piped (this only spares opening the file)
  if (req.method === 'HEAD') return void res.end()
  pipeBody(createReadStream(full), res, () => res.destroy())
}

function notFound(res: ServerResponse): void {
  res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' })
  res.end('Not found\n')
}
