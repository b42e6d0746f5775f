import { describe, type Filter } from '../core/http.ts'
import { withTags } from '../core/message.ts'

/** Adds labels to every response that passes (the inspector shows them: 'replayed', 'recorded', …). */
export function tagResponses(...tags: string[]): Filter {
  return describe(`tags each response ${tags.map((t) => `'${t}'`).join(', ')}`, (next) =>
    async function tagResponse(req) {
      return withTags(await next(req), ...tags)
    })
}
