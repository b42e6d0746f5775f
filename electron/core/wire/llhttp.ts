/**
 * llhttp, the HTTP/1.1 parser node:http itself uses, reached the way node:http reaches it (`_http_common`), for
 * the adapters that speak HTTP/1.1 themselves (`server/server-connection.ts`, `client/wire-connection.ts`).
 * The one place that depends on that module: if a Node release stops exposing it, this file changes.
 *
 * A parser is set up once per connection: `initialize`, then its callbacks by index, each called with the parser
 * as `this` (so an `owner` field on the parser leads back to the connection). `execute` returns the bytes parsed
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

/** A strict parser (max header size: Node's default, 16 KiB) owned by `owner`. */
export function strictParser<Owner>(type: 'request' | 'response', owner: Owner): Parser<Owner> {
  const parser = new HTTPParser<Owner>()
  parser.initialize(type === 'request' ? HTTPParser.REQUEST : HTTPParser.RESPONSE, {}, 0, 0)
  parser.owner = owner
  return parser
}
