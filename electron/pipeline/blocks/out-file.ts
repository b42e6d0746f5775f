/** Where the latency and sniff blocks write: the listener's output, or a file of their own (`out`, replaced at start). */
import { createWriteStream, type WriteStream } from 'node:fs'
import { once } from 'node:events'
import path from 'node:path'
import { z } from 'zod'
import type { BlockContext } from '../block.ts'

export const outField = {
  out: z
    .string()
    .min(1)
    .optional()
    .describe("write to this file (replaced at start; relative to the pipeline file) instead of the listener's output"),
}

export interface OutTarget {
  readonly out: { write(text: string): unknown }
  start(): Promise<string | void>
  close(): Promise<void>
}

/** The listener's own output, or a file opened by `start` and closed by `close`. Writes before `start` are dropped. */
export function outTarget(file: string | undefined, context: BlockContext): OutTarget {
  if (file === undefined) return { out: context.out, start: async () => {}, close: async () => {} }
  const full = path.resolve(context.baseDir, file)
  let stream: WriteStream | undefined
  return {
    out: { write: (text: string) => stream?.write(text) },
    async start() {
      const opened = createWriteStream(full)
      try {
        await once(opened, 'open')
      } catch (error) {
        throw new Error(`cannot write ${full} (${(error as NodeJS.ErrnoException).code ?? 'error'})`)
      }
      stream = opened
      return `writing to ${full}`
    },
    async close() {
      const s = stream
      stream = undefined
      if (s) {
        s.end()
        await once(s, 'close').catch(() => undefined)
      }
    },
  }
}
