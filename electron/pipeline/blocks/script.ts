/**
 * `script`: a Filter the user wrote, in a TypeScript or JavaScript file, as a block (mitmproxy's addons,
 * Proxyman's scripts). The file is loaded when the block starts and again on every save: new exchanges take
 * the new version, exchanges in flight finish on the old one, nothing restarts. A save that fails to load
 * keeps the previous version and says why, in one line and on the block in the window. A script that throws
 * costs its exchange a 500, one that never answers a 504 (see `guard-script.ts`).
 */
import { existsSync, statSync, watch, type FSWatcher } from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import { describe, type HttpHandler } from '../../core/http.ts'
import type { Request } from '../../core/message.ts'
import type { BlockKind } from '../block.ts'
import { describeMatch } from '../match.ts'
import { RELOAD_SETTLE_MS } from '../watch-file.ts'
import { DEFAULT_SCRIPT_TIMEOUT_MS, guardScript } from '../script/guard-script.ts'
import { loadScript, SCRIPT_EXTENSIONS, type LoadedScript } from '../script/load-script.ts'
import { commonFields, whenMatched } from './common.ts'

const schema = z.strictObject({
  use: z.literal('script'),
  ...commonFields,
  file: z
    .string()
    .min(1)
    .refine(
      (f) => SCRIPT_EXTENSIONS.includes(path.extname(f).toLowerCase()),
      `must end in ${SCRIPT_EXTENSIONS.join(', ')}`,
    )
    .describe('a file whose default export is a Filter, relative to the pipeline file; reloaded on save'),
  with: z
    .unknown()
    .optional()
    .describe(
      'options for the script, checked against its "options" export and passed as the filter\'s second argument',
    ),
  timeoutMs: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be from 1 to 3600000')
    .max(3_600_000, 'must be from 1 to 3600000')
    .optional()
    .describe(`a script that has not answered after this long gets a 504 (default ${DEFAULT_SCRIPT_TIMEOUT_MS})`),
})
export type ScriptBlock = z.infer<typeof schema>

export const scriptBlock: BlockKind<ScriptBlock> = {
  use: 'script',
  summary: 'runs a Filter you wrote in a .ts or .js file (reloaded on save); a failing script costs one exchange',
  schema,
  example: { use: 'script', file: './filters/trace.ts', match: { host: 'api.example.com' } },
  describe: (b) => `runs the script ${b.file} on ${describeMatch(b.match)}`,
  check: (b, baseDir) => {
    const full = path.resolve(baseDir, b.file)
    return existsSync(full) && statSync(full).isFile() ? [] : [{ path: ['file'], message: `no file at ${full}` }]
  },
  build: (b, context) => {
    const file = path.resolve(context.baseDir, b.file)
    const timeoutMs = b.timeoutMs ?? DEFAULT_SCRIPT_TIMEOUT_MS
    const say =
      context.say ??
      ((line: string) => {
        process.stderr.write(`${line}\n`)
      })
    let current: LoadedScript | undefined
    let problem: string | undefined
    let watcher: FSWatcher | undefined
    let settle: NodeJS.Timeout | undefined
    let reloading: Promise<void> = Promise.resolve()
    let closed = false
    const label = (): string => (current?.name ? `"${current.name}" (${b.file})` : b.file)

    const reload = async (): Promise<void> => {
      if (closed) return
      try {
        const fresh = await loadScript(file, b.with)
        if (closed) return
        current = fresh
        problem = undefined
        say(`script ${b.file}: reloaded; new exchanges use the new version`)
      } catch (error) {
        if (closed) return
        problem = `not reloaded, the previous version keeps running: ${(error as Error).message}`
        say(`script ${b.file}: ${problem}`)
      }
      context.changed?.()
    }

    const filter = describe(scriptBlock.describe(b), (next: HttpHandler): HttpHandler => {
      // The script's filter is applied to `next` once per version; each exchange keeps the version it began with.
      let applied: { readonly script: LoadedScript; readonly handler: HttpHandler } | undefined
      const handlerNow = (): HttpHandler => {
        const script = current
        if (!script) throw new Error('it is not loaded yet')
        if (applied?.script !== script) applied = { script, handler: script.filter(next, script.options) }
        return applied.handler
      }
      return whenMatched(b.match, 'runScript', (req: Request) => guardScript(label(), timeoutMs, handlerNow)(req))(next)
    })

    return {
      filter,
      problem: () => problem,
      async start() {
        try {
          current = await loadScript(file, b.with)
        } catch (error) {
          throw new Error(`script ${b.file}: ${(error as Error).message}`)
        }
        // The folder is watched, not the file: many editors save by writing a new file and renaming it over.
        watcher = watch(path.dirname(file), (_event, name) => {
          if (name !== null && name !== path.basename(file)) return
          clearTimeout(settle)
          settle = setTimeout(() => {
            reloading = reloading.then(reload)
          }, RELOAD_SETTLE_MS)
        })
        // The folder going away (or a watch limit) must not take the process down: the last version keeps running.
        watcher.on('error', (error) => {
          problem = `no longer follows saves: ${error.message}`
          say(`script ${b.file}: ${problem}`)
          context.changed?.()
        })
        watcher.unref()
      },
      async close() {
        closed = true
        clearTimeout(settle)
        watcher?.close()
        await reloading
      },
    }
  },
}
