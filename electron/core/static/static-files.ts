/**
 * Seed app 5's handler (http4k `static(ResourceLoader.Directory(dir))`): serves the files under a directory
 * over GET and HEAD.
 *
 * - A folder is served by its `index.html`; `/dir` is first redirected to `/dir/` so relative links work.
 * - Content-Type by extension, `ETag`/`Last-Modified` with 304s, one byte range per request (206/416).
 * - Files stream from disk with a known length: a 1 GiB file costs a read buffer, not a gigabyte.
 * - There is no way out of the root: `..` and its percent-encodings, encoded slashes, backslashes and NUL are
 *   refused (see `request-path.ts`), and every path is resolved with `realpath` and must stay under the
 *   root's real path, so a symlink pointing outside is a 404. Error bodies never name a path.
 * - Dotfiles and dot-folders (`/.env`, `/.git/config`) are 404 unless `dotfiles: 'allow'`: they hold secrets
 *   far more often than content (the default of Express's serve-static and of nginx setups). `/.well-known/`
 *   (RFC 8615) is the exception and is served.
 * - Only regular files are served: a named pipe or a device under the root is a 404, at once.
 *
 * Beware: a directory swapped for a symlink between the check and the open could still be followed; serve
 * trees that untrusted users cannot write to.
 */
import { constants } from 'node:fs'
import { open, realpath, type FileHandle } from 'node:fs/promises'
import path from 'node:path'
import type { HttpHandler } from '../http.ts'
import { emptyBody, response, streamBody, type Header, type Request, type Response } from '../message.ts'
import { parseTarget } from '../wire/request-target.ts'
import { contentTypeFor } from './content-types.ts'
import { etagOf, lastModifiedOf, notModified, rangeOf, type FileFacts } from './conditional.ts'
import { requestPath } from './request-path.ts'

export interface StaticFilesOptions {
  /** The file that answers for a folder. Default `index.html`. */
  readonly index?: string
  /** `deny` (the default) answers 404 for any path with a segment starting with `.`; `allow` serves them. */
  readonly dotfiles?: 'deny' | 'allow'
}

export function staticFiles(
  root: string,
  options: StaticFilesOptions = {},
): HttpHandler & { readonly description: string } {
  const base = path.resolve(root)
  const index = options.index ?? 'index.html'
  const dotfiles = options.dotfiles ?? 'deny'
  const serve = async function serveStaticFile(req: Request): Promise<Response> {
    const method = req.method.toUpperCase()
    if (method !== 'GET' && method !== 'HEAD') return plain(405, [['Allow', 'GET, HEAD']])
    const target = parseTarget(req.target)
    if (!target || (target.form !== 'origin' && target.form !== 'absolute')) return plain(400)
    const q = target.pathAndQuery.indexOf('?')
    const rawPath = q < 0 ? target.pathAndQuery : target.pathAndQuery.slice(0, q)
    const parsed = requestPath(rawPath)
    if (parsed.kind === 'malformed') return plain(400)
    if (parsed.kind === 'refused') return plain(404)
    if (dotfiles === 'deny' && parsed.segments.some(isHidden)) return plain(404)
    const rootReal = await realpath(base).catch(() => undefined)
    if (rootReal === undefined) return plain(404)
    const found = await openInside(rootReal, path.join(rootReal, ...parsed.segments))
    if (!found) return plain(404)
    if (found.directory) {
      if (!parsed.directory) {
        return response(301, {
          headers: [
            ['Location', `${rawPath}/${q < 0 ? '' : target.pathAndQuery.slice(q)}`],
            ['Content-Length', '0'],
          ],
        })
      }
      const indexFile = await openInside(rootReal, path.join(found.path, index))
      if (!indexFile || indexFile.directory) return plain(404)
      return fileResponse(req, method, indexFile)
    }
    if (parsed.directory) {
      await found.handle?.close()
      return plain(404)
    } // a file is not a folder
    return fileResponse(req, method, found)
  }
  return Object.assign(serve, {
    description: `serves the files under ${base} (GET and HEAD; index.html for folders; nothing outside it${dotfiles === 'deny' ? ', no dotfiles' : ''})`,
  })
}

/** A dotfile or dot-folder, other than RFC 8615's `.well-known`. */
const isHidden = (segment: string): boolean => segment.startsWith('.') && segment !== '.well-known'

interface Found {
  readonly path: string
  readonly directory: boolean
  readonly handle?: FileHandle
  readonly facts: FileFacts
}

/**
 * Read-only and, where the platform has it, non-blocking: opening a named pipe (FIFO) blocks until a writer comes,
 * which would hold the request and a libuv thread forever; non-blocking, it opens at once and `stat` turns it away.
 * Regular files ignore the flag.
 */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0)

/** Resolves symlinks and opens a regular file (or notes a folder) only when its real path is under the root. */
async function openInside(rootReal: string, candidate: string): Promise<Found | undefined> {
  let real: string
  try {
    real = await realpath(candidate)
  } catch {
    return undefined
  }
  if (real !== rootReal && !real.startsWith(rootReal.endsWith(path.sep) ? rootReal : rootReal + path.sep))
    return undefined
  let handle: FileHandle | undefined
  try {
    handle = await open(real, OPEN_FLAGS)
    const stat = await handle.stat()
    if (stat.isDirectory()) {
      await handle.close()
      return { path: real, directory: true, facts: stat }
    }
    if (!stat.isFile()) {
      await handle.close()
      return undefined
    }
    return { path: real, directory: false, handle, facts: { size: stat.size, mtimeMs: stat.mtimeMs } }
  } catch {
    await handle?.close().catch(() => {})
    return undefined
  }
}

/**
 * The answer for an open file, which this owns: every answer but a streamed body closes the handle before it is
 * returned (or thrown), and a streamed body's stream closes it when it ends or is destroyed, which the server
 * adapters do for a body they cannot send (client gone, HEAD, 304). A handle left to the garbage collector is
 * a descriptor held until some GC, a DEP0137 warning, and since Node 26 an uncaught exception.
 */
async function fileResponse(req: Request, method: string, file: Found): Promise<Response> {
  const handle = file.handle!
  let streaming = false
  try {
    const answer = answerFor(req, method, file)
    if (answer.range === undefined) return answer.response
    const { start, end } = answer.range
    const stream = handle.createReadStream({ start, end, highWaterMark: 64 * 1024 })
    streaming = true
    return response(answer.response.status, {
      headers: answer.response.headers,
      body: streamBody(stream, end - start + 1),
    })
  } finally {
    if (!streaming) await handle.close()
  }
}

/** What to answer for a file, without touching its handle: the head, and the bytes to stream, if any. */
function answerFor(
  req: Request,
  method: string,
  file: Found,
): { response: Response; range?: { start: number; end: number } } {
  const { size } = file.facts
  const validators: Header[] = [
    ['ETag', etagOf(file.facts)],
    ['Last-Modified', lastModifiedOf(file.facts)],
  ]
  if (notModified(req, file.facts)) return { response: response(304, { headers: validators }) }
  const type: Header = ['Content-Type', contentTypeFor(file.path)]
  const common: Header[] = [type, ...validators, ['Accept-Ranges', 'bytes'], ['X-Content-Type-Options', 'nosniff']]
  const range = method === 'GET' ? rangeOf(req, file.facts) : { kind: 'full' as const }
  if (range.kind === 'unsatisfiable') return { response: plain(416, [['Content-Range', `bytes */${size}`]]) }
  const [status, start, end] = range.kind === 'partial' ? [206, range.start, range.end] : [200, 0, size - 1]
  const length = end - start + 1
  const headers: Header[] = [...common, ['Content-Length', String(length)]]
  if (status === 206) headers.push(['Content-Range', `bytes ${start}-${end}/${size}`])
  if (method === 'HEAD' || length === 0) return { response: response(status, { headers, body: emptyBody }) }
  return { response: response(status, { headers }), range: { start, end } }
}

function plain(status: number, extra: Header[] = []): Response {
  const res = response(status)
  const text = `${status} ${res.reason}\n`
  return response(status, {
    headers: [
      ['Content-Type', 'text/plain; charset=utf-8'],
      ['Content-Length', String(Buffer.byteLength(text))],
      ...extra,
    ],
    body: text,
  })
}
