/**
 * `nanoscope record | replay | standin | har`: seed app 4 (record and replay) on the command line.
 * Server commands print "nanoscope <command> listening on <url>" first and return what SIGINT stops;
 * one-shot commands set `process.exitCode`. Sessions are given as a directory, a name under the data directory,
 * or an `s3://bucket/prefix/NAME` location (session-location.ts).
 */
import { existsSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { recordProxy } from '../apps/record-proxy.ts'
import { standinApp } from '../apps/standin-app.ts'
import { tlsInterception } from '../tls/interception.ts'
import { mountApp } from '../proxy/mount-app.ts'
import { newSessionDir, resolveSession } from '../recording/session-store.ts'
import { createSessionAt, isS3Ref, streamSessionAt, uploadSeconds } from '../recording/session-location.ts'
import { formatReport, replay } from '../recording/replay.ts'
import { exportSessionHar, importHarFile } from '../recording/sessions-api.ts'
import type { TornTail } from '../recording/record-log.ts'
import type { StandIn } from '../recording/stand-in.ts'
import { checkUrl, parseFlags, UsageError, type FlagSpec } from './args.ts'
import { PROXY_FLAGS, printPipelineIfAsked } from './proxy-commands.ts'
import { seedPipelines } from '../pipeline/seed-pipelines.ts'
import path from 'node:path'
import { readCaFiles, TLS_FLAGS, tlsOptionsFromFlags } from './tls-flags.ts'
import { warnIfNotLoopback, type Running } from './running.ts'

const say = (line: string): void => {
  process.stderr.write(`${line}\n`)
}
const sayTorn = (t: TornTail | undefined): void => {
  if (t) say(`recovered: skipped a torn last record of ${t.bytes} bytes at byte ${t.offset} of ${t.file} (${t.reason})`)
}

export const RECORD_FLAGS: FlagSpec = { ...PROXY_FLAGS, ...TLS_FLAGS, dir: 'string', name: 'string' }

/** `nanoscope record --dir D [--name N] [--host H] [--port N] [--target URL] [--https-upstream]` */
export async function runRecordCommand(argv: readonly string[]): Promise<Running | void> {
  const flags = parseFlags(argv, RECORD_FLAGS)
  const host = (flags.host as string | undefined) ?? '127.0.0.1'
  const target = checkUrl('target', flags.target as string | undefined)
  const name = flags.name as string | undefined
  const dir = (flags.dir as string | undefined) ?? newSessionDir(name, Date.now())
  const s3 = isS3Ref(dir)
  if (printPipelineIfAsked('record', flags, seedPipelines.record(s3 ? dir : path.resolve(dir), name))) return
  const mode = target ? `reverse proxy to ${target}` : 'forward proxy'
  const tls = await tlsOptionsFromFlags(flags)
  const isNew = !s3 && !existsSync(dir)
  const writer = await createSessionAt(dir, { ...(name ? { name } : {}), source: `nanoscope record (${mode})` })
  sayTorn(writer.torn)
  const app = recordProxy({
    ...tls,
    target,
    httpsUpstream: flags['https-upstream'] === true,
    session: writer,
    out: process.stdout,
  })
  let mounted: Awaited<ReturnType<typeof mountApp>>
  try {
    mounted = await mountApp(app, { host, port: (flags.port as number | undefined) ?? 8080 })
  } catch (error) {
    app.close()
    await writer.close()
    // A session that never recorded anything is not left behind to be mistaken for one.
    if (isNew) await rm(dir, { recursive: true, force: true })
    throw error
  }
  process.stdout.write(`nanoscope record listening on ${mounted.server.url}\n`)
  say(`recording to ${dir}${writer.count > 0 ? ` (appending after ${writer.count} exchanges)` : ''}`)
  const cache = (writer as { cacheDir?: string }).cacheDir
  if (cache)
    say(`(through the local folder ${cache}, uploaded every ${uploadSeconds()} s; it is removed once all is uploaded)`)
  warnIfNotLoopback(host)
  const server = mounted
  return {
    async stop() {
      await server.stop()
      await new Promise((resolve) => setTimeout(resolve, 20)) // lets the last finished exchanges reach the writer
      let info: Awaited<ReturnType<typeof writer.close>>
      try {
        info = await writer.close()
      } catch (error) {
        say(`nanoscope record: ${(error as Error).message}`)
        process.exit(1)
      }
      say(
        `recorded ${info.count} exchanges to ${dir}${writer.failures > 0 ? ` (${writer.failures} could not be written: ${writer.lastError ?? ''})` : ''}`,
      )
    },
  }
}

export const REPLAY_FLAGS: FlagSpec = {
  session: 'string',
  target: 'string',
  speed: 'string',
  concurrency: 'int',
  limit: 'int',
  'timeout-ms': 'int',
  json: 'boolean',
  'insecure-upstream': 'boolean',
  'upstream-ca': 'string',
}

/** `nanoscope replay --session D [--target URL] [--speed 1x|2x|max] [--concurrency N] [--limit N] [--timeout-ms N] [--json] [--insecure-upstream] [--upstream-ca FILES]` */
export async function runReplayCommand(argv: readonly string[]): Promise<void> {
  const flags = parseFlags(argv, REPLAY_FLAGS)
  const ref = flags.session as string | undefined
  if (!ref) throw new UsageError('replay needs --session DIR (a session directory or name)')
  const target = checkUrl('target', flags.target as string | undefined)
  const speed = parseSpeed(flags.speed as string | undefined)
  const concurrency = flags.concurrency as number | undefined
  if (concurrency === 0) throw new UsageError('--concurrency must be at least 1')
  const session = await streamSessionAt(ref)
  const report = await replay(session.records, {
    expectedTotal: session.manifest.count,
    ...(target ? { target } : {}),
    speed,
    ...(concurrency ? { concurrency } : {}),
    ...(flags.limit !== undefined ? { limit: flags.limit as number } : {}),
    ...(flags['timeout-ms'] !== undefined ? { timeoutMs: flags['timeout-ms'] as number } : {}),
    ...(flags['insecure-upstream'] === true ? { insecureUpstream: true } : {}),
    ...(typeof flags['upstream-ca'] === 'string' ? { upstreamCa: readCaFiles(flags['upstream-ca']) } : {}),
    onProgress: ({ done, total, result }) =>
      say(
        `[${done}/${total}] ${result.method} ${result.url} → ${result.status ?? result.outcome}${result.replayedMs !== undefined ? ` (${result.replayedMs} ms)` : ''}`,
      ),
  })
  sayTorn(session.records.torn)
  process.stdout.write(flags.json === true ? JSON.stringify(report, null, 2) + '\n' : formatReport(report))
  process.exitCode = report.counts.same === report.total ? 0 : 1
}

/** `1x`, `2`, `0.5x`, `max`. */
export function parseSpeed(value: string | undefined): number {
  if (value === undefined) return 1
  if (value === 'max') return Infinity
  const n = Number(value.replace(/x$/i, ''))
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--speed must be like 1x, 2x, 0.5x or max, got "${value}"`)
  return n
}

export const STANDIN_FLAGS: FlagSpec = {
  session: 'string',
  host: 'string',
  port: 'port',
  'match-body': 'boolean',
  'match-header': 'list',
  'ignore-query': 'list',
  'no-intercept': 'boolean',
  'ca-dir': 'string',
}

/** `nanoscope standin --session D [--host H] [--port N] [--match-body] [--match-header NAME ...] [--ignore-query NAME ...] [--no-intercept] [--ca-dir DIR]` */
export async function runStandinCommand(argv: readonly string[]): Promise<Running> {
  const flags = parseFlags(argv, STANDIN_FLAGS)
  const ref = flags.session as string | undefined
  if (!ref) throw new UsageError('standin needs --session DIR (a session directory or name)')
  const host = (flags.host as string | undefined) ?? '127.0.0.1'
  // Streamed: an S3 session is answered from while it arrives, so listening starts before it is all read.
  const session = await streamSessionAt(ref)
  const dir = session.dir
  const caDir = flags['ca-dir'] as string | undefined
  const tls = flags['no-intercept'] === true ? undefined : await tlsInterception(caDir ? { caDir } : {})
  let count = 0
  async function* counted() {
    for await (const x of session.records) {
      count++
      yield x
    }
  }
  const app = standinApp(counted(), {
    ...(tls ? { tls } : {}),
    matchBody: flags['match-body'] === true,
    matchHeaders: (flags['match-header'] as string[] | undefined) ?? [],
    ignoreQuery: (flags['ignore-query'] as string[] | undefined) ?? [],
  })
  const mounted = await mountApp(app, { host, port: (flags.port as number | undefined) ?? 8080 })
  process.stdout.write(`nanoscope standin listening on ${mounted.server.url}\n`)
  const loaded = (app.handler as StandIn).loaded
  loaded.then(
    () => {
      sayTorn(session.records.torn)
      say(
        `answering from ${count} recorded exchanges in ${dir}${tls ? ', HTTPS included (CONNECT decrypted with the Nanoscope CA)' : ''}; misses get a 404 and never reach the server`,
      )
    },
    (error: Error) => {
      // Requests waiting for the rest got a 502 naming this; a stand-in missing part of its recording stops.
      process.stderr.write(`nanoscope standin: ${error.message}\n`)
      void mounted.stop().finally(() => process.exit(1))
    },
  )
  warnIfNotLoopback(host)
  return { stop: () => mounted.stop() }
}

export const HAR_EXPORT_FLAGS: FlagSpec = { session: 'string', out: 'string' }
export const HAR_IMPORT_FLAGS: FlagSpec = { dir: 'string', name: 'string' }

/** `nanoscope har export --session D [--out FILE]` | `nanoscope har import FILE --dir D [--name N]` */
export async function runHarCommand(argv: readonly string[]): Promise<void> {
  const [action, ...rest] = argv
  if (action === 'export') {
    const flags = parseFlags(rest, HAR_EXPORT_FLAGS)
    const ref = flags.session as string | undefined
    if (!ref) throw new UsageError('har export needs --session DIR')
    const out = flags.out as string | undefined
    const { har, torn } = await exportSessionHar(await resolveSession(ref), out)
    sayTorn(torn)
    if (out === undefined) process.stdout.write(JSON.stringify(har, null, 1) + '\n')
    else say(`wrote ${har.log.entries.length} entries to ${out}`)
    process.exitCode = 0
    return
  }
  if (action === 'import') {
    const file = rest[0]
    if (file === undefined || file.startsWith('--'))
      throw new UsageError('har import needs a FILE: nanoscope har import FILE --dir DIR')
    const flags = parseFlags(rest.slice(1), HAR_IMPORT_FLAGS)
    const name = flags.name as string | undefined
    const dir = (flags.dir as string | undefined) ?? newSessionDir(name ?? 'har-import', Date.now())
    const result = await importHarFile(file, dir, name)
    for (const w of result.warnings) say(`adjusted: ${w}`)
    for (const s of result.skipped) say(`not imported: entry ${s.entry}: ${s.reason}`)
    process.stdout.write(
      `imported ${result.imported} entries into ${dir}${result.skipped.length > 0 ? `; ${result.skipped.length} could not be imported` : ''}\n`,
    )
    process.exitCode = result.imported === 0 && result.skipped.length > 0 ? 1 : 0
    return
  }
  throw new UsageError(`har needs "export" or "import", got ${action === undefined ? 'nothing' : `"${action}"`}`)
}
