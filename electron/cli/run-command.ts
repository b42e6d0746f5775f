/**
 * `nanoscope run FILE`: starts every listener of a pipeline file and follows the file as it is saved.
 * `run --check FILE` validates without starting anything; `run --schema` prints the file's JSON Schema.
 */
import path from 'node:path'
import { followPipelineFile, loadPipelineFile, PipelineRunner } from '../pipeline/pipeline-runner.ts'
import { pipelineJsonSchema, type PipelineFile } from '../pipeline/pipeline-file.ts'
import { loadScript } from '../pipeline/script/load-script.ts'
import { parseArgs } from 'node:util'
import { UsageError, type FlagSpec } from './args.ts'
import { warnIfNotLoopback, type Running } from './running.ts'

const say = (line: string): void => {
  process.stderr.write(`${line}\n`)
}

/** `run`'s flags (FILE is positional, so they are read with util.parseArgs here rather than parseFlags). */
export const RUN_FLAGS: FlagSpec = { check: 'boolean', schema: 'boolean', 'no-watch': 'boolean', 'ca-dir': 'string' }

export async function runRunCommand(argv: readonly string[]): Promise<Running | void> {
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] }
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: Object.fromEntries(
        Object.entries(RUN_FLAGS).map(([name, kind]) => [
          name,
          { type: kind === 'boolean' ? ('boolean' as const) : ('string' as const) },
        ]),
      ),
    })
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  const flags = parsed.values
  if (flags.schema === true) {
    process.stdout.write(`${JSON.stringify(pipelineJsonSchema(), null, 2)}\n`)
    return
  }
  const caDir = flags['ca-dir'] as string | undefined
  const file = parsed.positionals
  if (file.length !== 1)
    throw new UsageError(
      'run needs one pipeline file: nanoscope run [--check] FILE (nanoscope run --schema prints its format)',
    )
  const fileName = file[0]!
  const loaded = loadPipelineFile(fileName)
  if (!loaded.ok) {
    for (const problem of loaded.problems) process.stderr.write(`${problem}\n`)
    process.exitCode = 2
    return
  }
  if (flags.check === true) {
    const scriptProblems = await checkScripts(loaded.value, path.dirname(path.resolve(fileName)))
    if (scriptProblems.length) {
      for (const problem of scriptProblems) process.stderr.write(`${problem}\n`)
      process.exitCode = 2
      return
    }
    const blocks = loaded.value.listeners.reduce((n, l) => n + l.pipeline.length, 0)
    process.stdout.write(
      `${fileName}: ok (${loaded.value.listeners.length} listener${loaded.value.listeners.length === 1 ? '' : 's'}, ${blocks} block${blocks === 1 ? '' : 's'})\n`,
    )
    return
  }
  const runner = new PipelineRunner({ baseDir: path.dirname(path.resolve(fileName)), ...(caDir ? { caDir } : {}) })
  const said: string[] = []
  await runner.start(loaded.value, (line) => said.push(line))
  for (const l of runner.listeners) {
    process.stdout.write(`nanoscope run listening on ${l.live.server.url} (${l.name})\n`)
    warnIfNotLoopback(l.live.server.host)
  }
  for (const line of said) say(line)
  const watcher =
    flags['no-watch'] === true
      ? undefined
      : followPipelineFile(fileName, say, (contents) => runner.reload(contents, say))
  return {
    async stop() {
      watcher?.close()
      await runner.stop()
    },
  }
}

/**
 * `--check` also loads each script block's file, as starting would (so its top-level code runs), and checks
 * its exports and its `with`: a syntax error or a rejected option is found before anything starts.
 */
async function checkScripts(file: PipelineFile, baseDir: string): Promise<string[]> {
  const problems: string[] = []
  for (const [i, listener] of file.listeners.entries()) {
    for (const [j, block] of listener.pipeline.entries()) {
      if (block.use !== 'script') continue
      const script = block as unknown as { readonly file: string; readonly with?: unknown }
      try {
        await loadScript(path.resolve(baseDir, script.file), script.with)
      } catch (error) {
        problems.push(`listeners[${i}].pipeline[${j}].file: script ${script.file}: ${(error as Error).message}`)
      }
    }
  }
  return problems
}
