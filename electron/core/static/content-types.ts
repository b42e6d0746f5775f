/** Content types by file extension; anything else is `application/octet-stream` (RFC 9110 §8.3). */
const TYPES: Readonly<Record<string, string>> = Object.freeze({
  html: 'text/html; charset=utf-8',
  htm: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  json: 'application/json',
  map: 'application/json',
  wasm: 'application/wasm',
  svg: 'image/svg+xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  ico: 'image/x-icon',
  woff2: 'font/woff2',
  txt: 'text/plain; charset=utf-8',
  pdf: 'application/pdf',
})

export const DEFAULT_CONTENT_TYPE = 'application/octet-stream'

/** The content type for a file name, by its last extension, case-insensitively. */
export function contentTypeFor(fileName: string): string {
  const dot = fileName.lastIndexOf('.')
  if (dot < 0 || dot === fileName.length - 1) return DEFAULT_CONTENT_TYPE
  return TYPES[fileName.slice(dot + 1).toLowerCase()] ?? DEFAULT_CONTENT_TYPE
}
