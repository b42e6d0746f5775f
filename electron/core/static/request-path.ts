/**
 * Turns a request path into path segments under a served root, refusing every way out of it. Each raw
 * segment is percent-decoded once (RFC 3986 §2.1); a segment that then is `.` or `..`, is empty inside the
 * path, or holds `/`, `\` or NUL is refused, which covers `..`, `%2e%2e`, `%2f`, `%5c`, `%00` and
 * absolute paths smuggled in encoded form. A raw backslash is refused too, since some platforms treat it as a
 * separator. Symlinks are checked later, against the real path (see `static-files.ts`).
 */
export type RequestPath =
  | { readonly kind: 'ok'; readonly segments: readonly string[]; readonly directory: boolean }
  | { readonly kind: 'refused' }
  | { readonly kind: 'malformed' }

export function requestPath(rawPath: string): RequestPath {
  if (!rawPath.startsWith('/') || rawPath.includes('\\')) return { kind: 'refused' }
  const raw = rawPath.slice(1).split('/')
  const directory = raw.length === 0 || raw[raw.length - 1] === ''
  if (directory) raw.pop()
  const segments: string[] = []
  for (const part of raw) {
    let segment: string
    try {
      segment = decodeURIComponent(part)
    } catch {
      return { kind: 'malformed' }
    }
    if (segment === '' || segment === '.' || segment === '..' || /[/\\\0]/.test(segment)) return { kind: 'refused' }
    segments.push(segment)
  }
  return { kind: 'ok', segments, directory }
}
