/**
 * `nanoscope export k6|artillery --session S [--out FILE] [--target URL] [--speed 1x|max]`: a session as a
 * script for a load engine that scales past one machine (k6, Artillery). The script goes to FILE (or stdout);
 * bodies it cannot carry inline go in a folder beside it (`FILE` without its extension, plus `.bodies`).
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { toArtillery, type LoadScript } from '../recording/artillery-export.ts'
import { toK6 } from '../recording/k6-export.ts'
import { bodiesDirFor } from '../recording/load-steps.ts'
import { openSessionAt } from '../recording/session-location.ts'
import { checkUrl, parseFlags, UsageError, type FlagSpec } from './args.ts'
import { parseSpeed } from './record-commands.ts'

export const EXPORT_FLAGS: FlagSpec = { session: 'string', out: 'string', target: 'string', speed: 'string' }

const ENGINES = ['k6', 'artillery'] as const

export async function runExportCommand(argv: readonly string[]): Promise<void> {
  const [engine, ...rest] = argv
  if (engine !== 'k6' && engine !== 'artillery') {
    throw new UsageError(
      `export needs ${ENGINES.map((e) => `"${e}"`).join(' or ')}, got ${engine === undefined ? 'nothing' : `"${engine}"`}`,
    )
  }
  const flags = parseFlags(rest, EXPORT_FLAGS)
  const ref = flags.session as string | undefined
  if (!ref) throw new UsageError(`export ${engine} needs --session S (a session directory or name)`)
  const target = checkUrl('target', flags.target as string | undefined)
  const speed = parseSpeed(flags.speed as string | undefined)
  const out = flags.out as string | undefined
  const session = await openSessionAt(ref)
  if (session.torn)
    process.stderr.write(
      `recovered: skipped a torn last record of ${session.torn.bytes} bytes at byte ${session.torn.offset} of ${session.torn.file}\n`,
    )
  const bodiesDir = basename(bodiesDirFor(out ?? (engine === 'k6' ? 'load.js' : 'load.yml')))
  const options = { ...(target ? { target } : {}), speed, name: session.manifest.name, bodiesDir }
  const result: LoadScript =
    engine === 'k6' ? await toK6(session.records, options) : toArtillery(session.records, options)
  if (out === undefined) {
    const bodies = result.files.filter((f) => f.path.endsWith('.bin')).length
    if (bodies > 0)
      throw new UsageError(
        `this session has ${bodies} request bodies that go in files beside the script: give --out FILE`,
      )
    process.stdout.write(result.script)
    return
  }
  await writeFile(out, result.script)
  for (const file of result.files) {
    const path = join(dirname(out), file.path)
    await mkdir(dirname(path), { recursive: true })
    await writeFile(path, file.bytes)
  }
  const truncated = session.records.filter((x) => x.truncated?.request !== undefined).length
  process.stderr.write(
    `wrote ${result.requests} requests to ${out}${result.files.length > 0 ? ` and ${result.files.length} file${result.files.length === 1 ? '' : 's'} to ${join(dirname(out), bodiesDir)}` : ''}\n`,
  )
  if (truncated > 0)
    process.stderr.write(
      `note: ${truncated} request bodies were recorded only in part (over the recording cap); the script sends the recorded part\n`,
    )
}
