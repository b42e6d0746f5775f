/**
 * What a captured exchange is labelled with: its tags (the request's, the response's, and `generated` or `tunnel`
 * when Nanoscope made the response or it became a tunnel) and its note, the one line the inspector shows beside it.
 */
import { header, type Request, type Response } from '../core/message.ts'

/** The exchange's tags: the request's, then the response's not already there. */
export function exchangeTags(req: Request, res: Response | undefined): readonly string[] {
  return mergeTags(req.tags, res ? tagsOf(res) : noTags)
}

/** A block may say what it did in a `note:` tag (a breakpoint that timed out); chaos says it in a header. */
export function exchangeNote(res: Response | undefined, tags: readonly string[]): string | undefined {
  return res && tags.includes('chaos')
    ? header(res, CHAOS_NOTE_HEADER)
    : tags.find((t) => t.startsWith('note:'))?.slice(5)
}

function mergeTags(fromRequest: readonly string[] | undefined, fromResponse: readonly string[]): readonly string[] {
  if (!fromRequest?.length) return fromResponse
  return [...new Set([...fromRequest, ...fromResponse])]
}

/** Chaos behaviours name what they did in this response header; the inspector shows it as the exchange's note. */
const CHAOS_NOTE_HEADER = 'X-Nanoscope-Chaos'

const noTags: readonly string[] = Object.freeze([])

function tagsOf(res: Response): readonly string[] {
  if (!res.generated && !res.tunnel) return res.tags ?? noTags
  const tags = [...(res.tags ?? [])]
  if (res.generated && !tags.includes('generated')) tags.push('generated')
  if (res.tunnel && !tags.includes('tunnel')) tags.push('tunnel')
  return tags
}
