import { describe, type Filter } from '../http.ts'
import { withBody, type Request, type Response } from '../message.ts'
import { teeBody, type CapturedBody, type TeedBody } from './tee-body.ts'
import { bodyText, requestHead, responseHead } from './wire-text.ts'

export interface PrintExchangeOptions {
  /** How many bytes of each body to print; the rest is counted. Default 64 KiB. */
  readonly bodyCap?: number
}

/** Printed after each exchange. */
export const EXCHANGE_SEPARATOR = `${'='.repeat(72)}\n`

/**
 * Prints each request, then its response, as on the wire (http4k `PrintRequestAndResponse`): see `wire-text.ts`
 * for the format. Stream bodies are teed, not buffered: the receiver gets every byte as it comes while at most
 * `bodyCap` bytes are kept for printing. The text is written in one `out.write` once the response body has
 * gone by, so concurrent exchanges never interleave.
 *
 * The response body is watched as its consumer reads it (no extra stream): it prints once the body has been read
 * to its end, failed, or been destroyed; a response nobody reads or destroys never prints.
 *
 * Beware: a response that streams forever (server-sent events) prints only when it ends. A request body nobody
 * read by then prints what went by, marked `<<body still streaming>>`. When `next` throws, the request prints
 * with a line saying there was no response, and the error goes on.
 */
export function printExchange(out: { write(s: string): unknown }, options: PrintExchangeOptions = {}): Filter {
  const cap = options.bodyCap ?? 64 * 1024
  if (!Number.isInteger(cap) || cap < 0) throw new Error(`printExchange needs a bodyCap that is a whole number of bytes, got ${cap}`)
  return describe('prints each request and response as on the wire', (next) => async function printRequestAndResponse(req) {
    const requestTee = teeBody(req.body, cap)
    let res: Response
    try {
      res = await next(requestTee.body === req.body ? req : withBody(req, requestTee.body))
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error)
      void requestTee.captured.then((captured) => out.write(`${requestText(req, captured)}<<no response: ${why}>>\n${EXCHANGE_SEPARATOR}`))
      throw error
    }
    const responseTee = teeBody(res.body, cap, { watch: 'as-read' })
    void responseTee.captured.then(async (captured) => {
      const requestCaptured = await settledOrCurrent(requestTee)
      out.write(`${requestText(req, requestCaptured)}${responseHead(res)}${bodyText(res, captured)}${EXCHANGE_SEPARATOR}`)
    })
    return responseTee.body === res.body ? res : withBody(res, responseTee.body)
  })
}

function requestText(req: Request, captured: CapturedBody): string {
  return requestHead(req) + bodyText(req, captured)
}

/** The request as captured if it has finished (giving pending stream callbacks one turn), else what went by so far. */
async function settledOrCurrent(tee: TeedBody): Promise<CapturedBody> {
  const now = tee.current()
  if (now.state !== 'streaming') return now
  const notYet = Symbol('not yet')
  const settled = await Promise.race([tee.captured, new Promise<typeof notYet>((resolve) => setImmediate(resolve, notYet))])
  return settled === notYet ? tee.current() : settled
}
