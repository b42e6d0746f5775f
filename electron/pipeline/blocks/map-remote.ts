/** `mapRemote`: sends matching requests to another origin, keeping method, path, query and body (Charles's Map Remote). */
import { z } from 'zod'
import { describe } from '../../core/http.ts'
import { generatedResponse, replacedHeaders } from '../../core/message.ts'
import { targetPathAndQuery } from '../../core/wire/request-target.ts'
import { markActed, type BlockKind } from '../block.ts'
import { describeMatch } from '../match.ts'
import { commonFields, whenMatched } from './common.ts'

const originUrl = z.string().refine((s) => {
  try {
    const u = new URL(s)
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.host !== '' && !u.search && !u.hash && !u.username
  } catch {
    return false
  }
}, 'must be an http:// or https:// URL without query or fragment, such as "http://127.0.0.1:3000"')

const schema = z.strictObject({
  use: z.literal('mapRemote'),
  ...commonFields,
  to: originUrl.describe('the origin to send to; a path in it is put before the request path'),
  keepHost: z.boolean().optional().describe('true: keep the Host header the client sent (default: the new origin)'),
})
export type MapRemoteBlock = z.infer<typeof schema>

export const mapRemoteBlock: BlockKind<MapRemoteBlock> = {
  use: 'mapRemote',
  summary: 'sends matching requests to another origin, keeping method, path, query and body',
  schema,
  example: { use: 'mapRemote', match: { path: '/api/**' }, to: 'http://127.0.0.1:3000' },
  describe: (b) => `sends ${describeMatch(b.match)} to ${b.to}${b.keepHost ? ' (Host kept)' : ''}`,
  build: (b, context) => {
    const url = new URL(b.to)
    const prefix = `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`
    const label = b.name ?? 'mapRemote'
    const filter = whenMatched(b.match, 'mapToRemote', async (req, next) => {
      const pathAndQuery = targetPathAndQuery(req.target)
      if (pathAndQuery === undefined) return next(req)
      if (req.connection) {
        return generatedResponse(502, 'bad-gateway', `mapRemote "${label}" cannot move a websocket upgrade to ${b.to}`)
      }
      const moved = Object.freeze({
        ...req,
        target: prefix + pathAndQuery,
        headers: b.keepHost ? req.headers : replacedHeaders(req.headers, 'Host', url.host),
      })
      return markActed(await next(moved), 'mapped', context, label)
    })
    return { filter: describe(mapRemoteBlock.describe(b), filter) }
  },
}
