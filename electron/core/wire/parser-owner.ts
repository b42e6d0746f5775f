/**
 * The one way the adapters (`core/server/server-connection.ts`, `core/client/wire-connection.ts`) set up their
 * llhttp parser: its callbacks, by index, passed on to the connection that owns it (a `ParserOwner`).
 */
import { HTTPParser, strictParser, type Parser } from './llhttp.ts'

/**
 * What a connection hears from its parser, message by message: llhttp's callbacks, passed on to the parser's
 * owner. `headers` comes only when a head is too long for one `headersComplete` (which then gets no headers).
 * `headersComplete` returns what llhttp asks of it: 0 to read a body, 1 to skip it.
 */
export interface ParserOwner {
  /** Only called when the owner has it (the client does not). */
  messageBegin?(): void
  headers(headers: string[], url: string): void
  headersComplete(
    major: number,
    minor: number,
    headers: string[] | undefined,
    method: number,
    url: string | undefined,
    status: number,
    reason: string | undefined,
    upgrade: boolean,
    keepAlive: boolean,
  ): number
  body(chunk: Buffer): void
  messageComplete(): void
}

/**
 * A strict parser (`strictParser`) for requests (a server) or responses (a client) that tells `owner` what it
 * parses: the one set-up both adapters use.
 */
export function ownedParser<Owner extends ParserOwner>(type: 'request' | 'response', owner: Owner): Parser<Owner> {
  const parser = strictParser(type, owner)
  if (owner.messageBegin) parser[HTTPParser.kOnMessageBegin] = onMessageBegin
  parser[HTTPParser.kOnHeaders] = onHeaders
  parser[HTTPParser.kOnHeadersComplete] = onHeadersComplete
  parser[HTTPParser.kOnBody] = onBody
  parser[HTTPParser.kOnMessageComplete] = onMessageComplete
  return parser
}

// The parser calls these with itself as `this`; plain functions keep the per-connection set-up to assignments.
function onMessageBegin(this: Parser<ParserOwner>): void {
  this.owner?.messageBegin?.()
}
function onHeaders(this: Parser<ParserOwner>, headers: string[], url: string): void {
  this.owner?.headers(headers, url)
}
function onHeadersComplete(
  this: Parser<ParserOwner>,
  major: number,
  minor: number,
  headers: string[] | undefined,
  method: number,
  url: string | undefined,
  status: number,
  reason: string | undefined,
  upgrade: boolean,
  keepAlive: boolean,
): number {
  return this.owner?.headersComplete(major, minor, headers, method, url, status, reason, upgrade, keepAlive) ?? 0
}
function onBody(this: Parser<ParserOwner>, chunk: Buffer): void {
  this.owner?.body(chunk)
}
function onMessageComplete(this: Parser<ParserOwner>): void {
  this.owner?.messageComplete()
}
