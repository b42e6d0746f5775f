import { describe, type Filter } from '../http.ts'
import { withBody, type Headers, type Request, type Response } from '../message.ts'
import { ChunkKeeper, observeStream, type StreamObserver } from '../wire/stream-plumbing.ts'
import { atEnd, PENDING, trailersNow } from '../wire/trailers-at-end.ts'
import { teeBody, type CapturedBody, type TeedBody } from './tee-body.ts'
import { bodyText, requestHead, responseHead } from './wire-text.ts'

export interface PrintExchangeOptions {
  /** How many bytes of each body to print; the rest is counted. Default 64 KiB. */
  readonly bodyCap?: number
}

/** Printed after each exchange. */
export const EXCHANGE_SEPARATOR = `${'='.repeat(72)}\n`

type Out = { write(s: string): unknown }

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
export function printExchange(out: Out, options: PrintExchangeOptions = {}): Filter {
  const cap = options.bodyCap ?? 64 * 1024
  if (!Number.isInteger(cap) || cap < 0)
    throw new Error(`printExchange needs a bodyCap that is a whole number of bytes, got ${cap}`)
  return describe('prints each request and response as on the wire', (next) =>
    async function printRequestAndResponse(req) {
      const requestTee = teeBody(req.body, cap)
      let res: Response
      try {
        res = await next(requestTee.body === req.body ? req : withBody(req, requestTee.body))
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error)
        void requestTee.captured.then((captured) =>
          out.write(`${requestText(req, captured)}<<no response: ${why}>>\n${EXCHANGE_SEPARATOR}`),
        )
        throw error
      }
      const printing = new ExchangePrint(out, req, requestTee, res, cap)
      // The server always sends or destroys a response body, so it is watched as it is read: no extra stream.
      if (res.body.kind === 'bytes') printing.ended(undefined)
      else observeStream(res.body.stream, printing)
      return res
    })
}

/**
 * One exchange being printed: keeps the response body's first bytes as they are read, and writes the text when
 * the body has ended or failed (a class, not closures and promises: one object per exchange).
 */
class ExchangePrint implements StreamObserver {
  private readonly keeper: ChunkKeeper | undefined

  constructor(
    private readonly out: Out,
    private readonly req: Request,
    private readonly requestTee: TeedBody,
    private readonly res: Response,
    private readonly cap: number,
  ) {
    // Stryker disable next-line ConditionalExpression: a bytes body is printed from its bytes; a keeper made for it would only go unused
    this.keeper = res.body.kind === 'stream' ? new ChunkKeeper(cap) : undefined
  }

  data(chunk: Buffer | string): void {
    this.keeper?.keep(chunk)
  }

  ended(error: Error | undefined): void {
    const response = this.responseCaptured(error)
    const request = this.requestTee.current()
    if (request.state !== 'streaming') this.withTrailers(request, response, error === undefined)
    else
      void settledOrCurrent(this.requestTee).then((settled) =>
        this.withTrailers(settled, response, error === undefined),
      )
  }

  /**
   * Prints once the trailers of the bodies that went by whole are known (they come before a body's end, so this
   * prints at once when an adapter marked them settled, else waits a microtask, and only for messages that can carry
   * them: HTTP/2, chunked HTTP/1.1); trailers not come by
   * then (a replaced body's) or failed print as none (`trailersAtEnd`).
   */
  private withTrailers(request: CapturedBody, response: CapturedBody, responseWhole: boolean): void {
    const q = request.state === 'complete' ? this.req.trailers : undefined
    const s = responseWhole ? this.res.trailers : undefined
    const qNow = trailersNow(q)
    const sNow = trailersNow(s)
    if (qNow !== PENDING && sNow !== PENDING) return this.print(request, response, qNow, sNow)
    void Promise.all([atEnd(q), atEnd(s)]).then(([qt, st]) => this.print(request, response, qt, st))
  }

  private responseCaptured(error: Error | undefined): CapturedBody {
    const body = this.res.body
    if (body.kind === 'bytes') {
      const all = Buffer.from(body.bytes.buffer, body.bytes.byteOffset, body.bytes.byteLength)
      return { bytes: all.subarray(0, this.cap), total: all.byteLength, state: 'complete' }
    }
    const keeper = this.keeper!
    const bytes = keeper.joined()
    return error
      ? { bytes, total: keeper.seen, state: 'aborted', error: error.message }
      : { bytes, total: keeper.seen, state: 'complete' }
  }

  private print(
    request: CapturedBody,
    response: CapturedBody,
    requestTrailers: Headers | undefined,
    responseTrailers: Headers | undefined,
  ): void {
    this.out.write(
      `${requestText(this.req, request)}${trailerText(requestTrailers)}${responseHead(this.res)}${bodyText(this.res, response)}${trailerText(responseTrailers)}${EXCHANGE_SEPARATOR}`,
    )
  }
}

/** Trailer fields after a body, under a `<<trailers>>` line, one `name: value` line each; nothing when none came. */
function trailerText(trailers: Headers | undefined): string {
  if (!trailers || trailers.length === 0) return ''
  let text = '<<trailers>>\n'
  for (const [name, value] of trailers) text += `${name}: ${value}\n`
  return text
}

function requestText(req: Request, captured: CapturedBody): string {
  return requestHead(req) + bodyText(req, captured)
}

/** The request as captured if it has finished (giving pending stream callbacks one turn), else what went by so far. */
async function settledOrCurrent(tee: TeedBody): Promise<CapturedBody> {
  const now = tee.current()
  // Stryker disable next-line ConditionalExpression: ended() calls this only while the request streams; a finished tee's captured body is this same one
  if (now.state !== 'streaming') return now
  const notYet = Symbol('not yet')
  const settled = await Promise.race([
    tee.captured,
    new Promise<typeof notYet>((resolve) => setImmediate(resolve, notYet)),
  ])
  return settled === notYet ? tee.current() : settled
}
