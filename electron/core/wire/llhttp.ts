/**
 * llhttp, the HTTP/1.1 parser node:http itself uses, reached the way node:http reaches it (`_http_common`), for
 * the adapters that speak HTTP/1.1 themselves (`core/server/server-connection.ts`, `core/client/wire-connection.ts`).
 * The one place that depends on that module: if a Node release stops exposing it, this file changes.
 *
 * A parser is set up once per connection (`strictParser`): `initialize`, then its callbacks by index, each called
 * with the parser as `this`, so an `owner` field on the parser leads back to the connection. `execute` returns the bytes parsed
 * or an Error with an `HPE_*` code; llhttp's strict mode (lenient 0) refuses smuggling shapes such as
 * Content-Length with Transfer-Encoding.
 */
import { createRequire } from 'node:module'

export interface Parser<Owner> {
  initialize(type: number, resource: object, maxHeaderSize: number, lenient: number): void
  execute(chunk: Buffer): number | Error
  finish(): number | Error | undefined
  close(): void
  [callback: number]: unknown
  owner?: Owner
}

interface ParserClass {
  new <Owner>(): Parser<Owner>
  REQUEST: number
  RESPONSE: number
  kOnMessageBegin: number
  kOnHeaders: number
  kOnHeadersComplete: number
  kOnBody: number
  kOnMessageComplete: number
}

const common = createRequire(import.meta.url)('_http_common') as { HTTPParser: ParserClass; methods: string[] }

export const HTTPParser: ParserClass = common.HTTPParser
/** Method names by llhttp's method number. */
export const methods: readonly string[] = common.methods

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
 * A strict parser (max header size: Node's default, 16 KiB) for requests (a server) or responses (a client),
 * which tells `owner` what it parses.
 */
export function strictParser<Owner extends ParserOwner>(type: 'request' | 'response', owner: Owner): Parser<Owner> {
  const parser = new HTTPParser<Owner>()
  parser.initialize(type === 'request' ? HTTPParser.REQUEST : HTTPParser.RESPONSE, {}, 0, 0)
  parser.owner = owner
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
