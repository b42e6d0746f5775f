/**
 * What a pipeline block is: a name (`use`), options, an optional `match`, and a builder that turns them into
 * one Filter. Every block kind lives in `blocks/`, one file each, and is listed in `registry.ts`.
 */
import type { z } from 'zod'
import type { Clock } from '../core/clock.ts'
import type { Filter } from '../core/http.ts'
import { withTags, type Response } from '../core/message.ts'
import type { ChaosEngine } from '../chaos/engine.ts'
import type { SelfAddress } from '../chaos/self-address.ts'
import type { MatchSpec } from './match.ts'
import type { Breakpoints } from './breakpoints.ts'
import type { ExchangeWriter } from '../recording/recorded-exchange.ts'

/** Fields every block has, whatever it does. */
export interface BlockCommon {
  readonly use: string
  readonly match?: MatchSpec | undefined
  /** false keeps the block in the list but out of the path (the window's switch). Default true. */
  readonly enabled?: boolean | undefined
  /** A label for the window and the exchange's marks; default: the block's kind. */
  readonly name?: string | undefined
}

/** A block as written in a file: the common fields and the kind's own options. */
export type BlockSpec = BlockCommon & { readonly [option: string]: unknown }

/** What building a block may need from the listener it is built for. */
export interface BlockContext {
  readonly clock: Clock
  /** Where latency and sniff lines go. */
  readonly out: { write(text: string): unknown }
  /** One-line notices for the user while it runs (a script reloaded, or not and why). Default: stderr. */
  readonly say?: (line: string) => void
  /** Tells the listener a block's state changed (a script's reload failed), so the window can show it. */
  readonly changed?: () => void
  /** Relative paths in the block resolve against this folder (the pipeline file's). */
  readonly baseDir: string
  /** The listener's name, for the marks on exchanges. */
  readonly listenerName: string
  /** The listener's own address once it listens (the chaos block answers its control API there). */
  readonly self: SelfAddress
  /** Reverse mode's base URL, if any. */
  readonly target?: string | undefined
  /** An engine the caller owns, used by the chaos block instead of a fresh one. */
  readonly engine?: ChaosEngine
  /** A session the caller opened, used by the record block instead of opening its `dir`. */
  readonly session?: ExchangeWriter
  /** The host's paused exchanges, which the contract and the window resolve (a breakpoint block pauses here). */
  readonly breakpoints?: Breakpoints
}

/** One problem found before anything starts, named by its path inside the block (`respond.status`). */
export interface BlockProblem {
  readonly path: readonly (string | number)[]
  readonly message: string
}

export interface BuiltBlock {
  /** Placed, in pipeline order, after routing: it sees the request as it will go upstream. */
  readonly filter: Filter
  /** Placed before routing (the chaos control API answers requests addressed to the proxy itself). */
  readonly outer?: Filter
  /** Placed last, after hop-by-hop headers are removed and Via added: sees what crosses the wire (the sniffer). */
  readonly innermost?: Filter
  /** The chaos block's engine, so the window and the control API can drive it. */
  readonly chaos?: ChaosEngine
  /** What is wrong with the block right now while it keeps running (a script's failed reload), if anything. */
  problem?(): string | undefined
  /** Opens what the block needs (a session to record into, a control port) before the listener serves. */
  start?(): Promise<string | void>
  /** Frees it, after the exchanges that used the block have finished. */
  close?(): Promise<void>
}

export interface BlockKind<S extends BlockCommon = BlockCommon> {
  readonly use: string
  /** One line for the schema, the CLI reference and the window's block menu. */
  readonly summary: string
  /** The options' schema (the common fields are added by the registry). */
  readonly schema: z.ZodType<S>
  /** A block to start from in the window and in the README. */
  readonly example: S
  /** What the block does, in one English line (shown in the Pipelines pane). */
  describe(spec: S): string
  /** Checks what a schema cannot see (a folder that must exist). */
  check?(spec: S, baseDir: string): BlockProblem[]
  build(spec: S, context: BlockContext): BuiltBlock
}

/** The word the Traffic table shows for an exchange a block acted on, and the mark naming the block. */
export type Action = 'mocked' | 'blocked' | 'mapped' | 'rewritten' | 'throttled'

/** Marks a response as acted on: the action word and `rule:LISTENER/NAME` (the detail pane lists those). */
export function markActed(res: Response, action: Action, context: BlockContext, label: string): Response {
  return withTags(res, action, `rule:${context.listenerName}/${label}`)
}
