/**
 * `mapLocal`: serves matching requests from a folder or one file, with the static server's rules (no way out of
 * the folder, no dotfiles, ranges, ETag and 304). With `dir`, the literal start of `match.path` (the part before
 * its first `*`) is taken off the request path: `/static/**` → `dir` serves `/static/a.js` as `dir/a.js`.
 */
import { existsSync, statSync } from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import { describe } from '../../core/http.ts'
import { bodyBytes, response } from '../../core/message.ts'
import { staticFiles } from '../../core/static/static-files.ts'
import { requestParts } from '../match.ts'
import { markActed, type BlockKind } from '../block.ts'
import { describeMatch } from '../match.ts'
import { commonFields, whenMatched } from './common.ts'

const schema = z
  .strictObject({
    use: z.literal('mapLocal'),
    ...commonFields,
    dir: z.string().min(1).optional().describe('a folder to serve, relative to the pipeline file'),
    file: z.string().min(1).optional().describe('one file that answers every matching request'),
  })
  .refine((b) => (b.dir === undefined) !== (b.file === undefined), 'give dir or file (one of them)')
export type MapLocalBlock = z.infer<typeof schema>

export const mapLocalBlock: BlockKind<MapLocalBlock> = {
  use: 'mapLocal',
  summary: 'serves matching requests from a local folder or file (no way out of the folder, no dotfiles, ranges, ETag)',
  schema,
  example: { use: 'mapLocal', match: { path: '/static/**' }, dir: './public' },
  describe: (b) => `serves ${describeMatch(b.match)} from ${b.dir ?? b.file}`,
  check: (b, baseDir) => {
    if (b.dir !== undefined) {
      const full = path.resolve(baseDir, b.dir)
      return existsSync(full) && statSync(full).isDirectory()
        ? []
        : [{ path: ['dir'], message: `no folder at ${full}` }]
    }
    const full = path.resolve(baseDir, b.file!)
    return existsSync(full) && statSync(full).isFile() ? [] : [{ path: ['file'], message: `no file at ${full}` }]
  },
  build: (b, context) => {
    const label = b.name ?? 'mapLocal'
    const file = b.file === undefined ? undefined : path.resolve(context.baseDir, b.file)
    const root = file ? path.dirname(file) : path.resolve(context.baseDir, b.dir!)
    const serve = staticFiles(root)
    const glob = b.match?.path
    const strip = glob === undefined ? '' : glob.slice(0, glob.search(/[*?]|$/)).replace(/\/+$/, '')
    const filter = whenMatched(b.match, 'serveLocally', async (req) => {
      await bodyBytes(req.body).catch(() => undefined)
      const { path: requestPath, query } = requestParts(req)
      let local = file ? `/${encodeURIComponent(path.basename(file))}` : requestPath
      if (!file && strip && local.startsWith(strip)) local = local.slice(strip.length) || '/'
      if (!local.startsWith('/')) local = `/${local}`
      const hidden =
        !file && local.split('/').some((segment) => segment.startsWith('.') && segment !== '.' && segment !== '..')
      const search = query.toString()
      const res = hidden
        ? response(404, {
            headers: [
              ['Content-Type', 'text/plain; charset=utf-8'],
              ['Content-Length', '10'],
            ],
            body: 'Not Found\n',
          })
        : await serve(Object.freeze({ ...req, target: search ? `${local}?${search}` : local }))
      return markActed(res, 'mapped', context, label)
    })
    return { filter: describe(mapLocalBlock.describe(b), filter) }
  },
}
