/**
 * Nanoscope's kernel types, for filters users write (`{ "use": "script", "file": "./my-filter.ts" }`):
 *
 *   import type { Filter } from 'nanoscope'
 *   const addTrace: Filter = (next) => (req) => next({ ...req, headers: [...req.headers, ['x-trace', 'v1']] })
 *   export default addTrace
 *
 * These mirror `electron/core/http.ts` and `electron/core/message.ts` (test/pipeline/script-types.test.ts
 * pins that they agree). Types only: there is no runtime module behind `nanoscope`, so import them with
 * `import type`.
 */
import type { Duplex, Readable } from 'node:stream'

/** One header as it went over the wire: name in its original case, value. */
export type Header = readonly [name: string, value: string]
/** Headers in wire order, duplicates and case kept. */
export type Headers = readonly Header[]

/** Bytes, or a stream that can be read once (its length may be unknown). */
export type Body =
  | { readonly kind: 'bytes'; readonly bytes: Uint8Array }
  | { readonly kind: 'stream'; readonly stream: Readable; readonly length: number | undefined }

export type FailureCause =
  | 'refused'
  | 'unknown-host'
  | 'timeout'
  | 'reset'
  | 'tls'
  | 'bad-request'
  | 'bad-gateway'
  | 'internal'
  /** The client went away, or its request body failed, before the upstream answered. */
  | 'client-aborted'

/** Present on responses Nanoscope made itself. */
export interface Generated {
  readonly cause: FailureCause
  readonly message: string
}

export interface TunnelStats {
  readonly bytesUp: number
  readonly bytesDown: number
  readonly error?: string
}
export type Tunnel = (client: Duplex, head: Buffer) => Promise<TunnelStats>

export interface Request {
  readonly method: string
  /** The request-target as sent: `/a?b`, `http://h/a` or `h:443`. */
  readonly target: string
  readonly version: string
  readonly headers: Headers
  readonly body: Body
  /** Aborts when the client goes away. */
  readonly signal?: AbortSignal
  readonly connection?: { readonly socket: Duplex; readonly head: Buffer }
  readonly peer?: { readonly address: string; readonly port: number }
  readonly tags?: readonly string[]
}

export interface Response {
  readonly status: number
  readonly reason: string
  readonly version: string
  readonly headers: Headers
  readonly body: Body
  readonly generated?: Generated
  readonly tags?: readonly string[]
  readonly tunnel?: Tunnel
}

/** A request to a promised response. A server, a client and a proxy all share it. */
export type HttpHandler = (request: Request) => Promise<Response>

/** A handler-to-handler function: every feature of Nanoscope is one, and so is a script's default export. */
export interface Filter {
  (next: HttpHandler): HttpHandler
  readonly description?: string
}

/**
 * A script's default export when it takes options: the `with` object of its block, after the script's own
 * `options` export has checked it (and filled in defaults), comes as the second argument.
 */
export type ScriptFilter<Options> = (next: HttpHandler, options: Options) => HttpHandler

/** What a script's `options` export may be: a Standard Schema (zod, valibot, arktype) or a function that returns the options or throws. */
export type ScriptOptions<Options> =
  | { readonly '~standard': { readonly validate: (value: unknown) => unknown } }
  | ((value: unknown) => Options | Promise<Options>)
