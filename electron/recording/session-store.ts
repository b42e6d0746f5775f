/**
 * Sessions on disk (FORMAT.md): a directory holding `session.json` (the manifest) and `exchanges.log` (the
 * append-only record log). Writing appends whole records, each turn's in one write, before the responses that
 * finish their exchanges leave (log-appender.ts); the manifest is replaced atomically (write to a temporary file,
 * then rename) on create and close. So a `kill -9` loses only exchanges whose answers had not fully left, and
 * can tear only the last record: the next open skips and reports it.
 */
import type { SessionInfo } from '../../shared/exchange.ts'
import { constants } from 'node:fs'
import {
  mkdir,
  open,
  readFile,
  readdir,
  rename,
  rm,
  stat,
  truncate,
  writeFile,
  type FileHandle,
} from 'node:fs/promises'
import { basename, join } from 'node:path'
import { systemClock, type Clock } from '../core/clock.ts'
import { decodeLog, MAX_FRAME_LINE, parseFrame, SessionError, type TornTail } from './record-log.ts'
import type { ExchangeWriter, RecordedExchange } from './recorded-exchange.ts'
import { LogAppender } from './log-appender.ts'
import { holdEveryTurnWhileOpen } from '../core/wire/turn-writes.ts'
import { sessionsRoot } from './data-dir.ts'

export const MANIFEST_FILE = 'session.json'
export const LOG_FILE = 'exchanges.log'
export const SESSION_FORMAT = 'nanoscope-session'

export interface Manifest {
  readonly format: typeof SESSION_FORMAT
  readonly version: 1
  readonly name: string
  /** ISO 8601. */
  readonly created: string
  /** ISO 8601: when a writer last closed the session. */
  readonly updated: string
  /** What recorded it, e.g. "nanoscope record (forward proxy on http://127.0.0.1:8080)". */
  readonly source: string
  /** Records at the last close. Readers trust the log, which may hold more after a crash. */
  readonly count: number
}

export interface Session {
  readonly dir: string
  readonly manifest: Manifest
  readonly records: readonly RecordedExchange[]
  /** Set when the last record was torn (a crash mid-write) and was skipped. */
  readonly torn?: TornTail
}

/** What a listing shows of a session, without reading its bodies: the same shape the Sessions pane receives. */
export type { SessionInfo } from '../../shared/exchange.ts'

/** Reads a session, recovering from a torn last record. Throws `SessionError` naming file and offset otherwise. */
export async function openSession(dir: string): Promise<Session> {
  const manifest = await readManifest(dir)
  const file = join(dir, LOG_FILE)
  let bytes: Buffer
  try {
    bytes = await readFile(file)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { dir, manifest, records: [] }
    throw new SessionError(file, 0, `cannot read: ${(error as Error).message}`)
  }
  const log = decodeLog(bytes, file)
  return { dir, manifest, records: log.records, ...(log.torn ? { torn: log.torn } : {}) }
}

export async function readManifest(dir: string): Promise<Manifest> {
  const file = join(dir, MANIFEST_FILE)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const why =
      code === 'ENOENT'
        ? 'does not exist, so this directory is not a Nanoscope session'
        : code === 'ENOTDIR'
          ? 'cannot exist: the session path is not a directory'
          : `cannot be read: ${(error as Error).message}`
    throw new SessionError(file, 0, why)
  }
  return parseManifest(text, file, basename(dir))
}

/** A manifest's text checked and filled in; `file` names it in errors, `name` is the default session name. */
export function parseManifest(text: string, file: string, name: string): Manifest {
  let m: Partial<Manifest>
  try {
    m = JSON.parse(text) as Partial<Manifest>
  } catch (error) {
    const at = /position (\d+)/.exec((error as Error).message)?.[1]
    throw new SessionError(
      file,
      at ? Buffer.byteLength(text.slice(0, Number(at))) : 0,
      `not valid JSON (${(error as Error).message})`,
    )
  }
  if (typeof m !== 'object' || m === null || m.format !== SESSION_FORMAT)
    throw new SessionError(file, 0, `not a Nanoscope session manifest (no "format": "${SESSION_FORMAT}")`)
  if (m.version !== 1)
    throw new SessionError(
      file,
      0,
      `session format version ${String(m.version)} is not supported (this Nanoscope reads version 1)`,
    )
  return {
    format: SESSION_FORMAT,
    version: 1,
    name: String(m.name ?? name),
    created: String(m.created ?? ''),
    updated: String(m.updated ?? m.created ?? ''),
    source: String(m.source ?? ''),
    count: Number(m.count ?? 0),
  }
}

async function writeManifest(dir: string, manifest: Manifest): Promise<void> {
  const file = join(dir, MANIFEST_FILE)
  const temp = `${file}.${process.pid}.tmp`
  await writeFile(temp, JSON.stringify(manifest, null, 2) + '\n')
  await rename(temp, file)
}

export interface SessionWriter extends ExchangeWriter {
  readonly dir: string
  /** Records in the log, including those written before this writer opened it. */
  readonly count: number
  /** Appends that failed (disk full, …); recording never fails the exchange itself. */
  readonly failures: number
  readonly lastError?: string
  /** What recovery skipped when this writer reopened a session with a torn tail. */
  readonly torn?: TornTail
  /** Waits for pending appends, syncs the log to disk and updates the manifest. Idempotent. */
  close(): Promise<SessionInfo>
}

export interface CreateSessionOptions {
  readonly name?: string
  readonly source?: string
  readonly clock?: Clock
}

/**
 * Opens `dir` for recording: creates a new session, or appends to an existing one (after cutting off a torn
 * last record, which `torn` reports). Throws `SessionError` for a non-empty directory that is not a session,
 * or a session damaged before its tail.
 */
export async function createSession(dir: string, options: CreateSessionOptions = {}): Promise<SessionWriter> {
  const clock = options.clock ?? systemClock
  await mkdir(dir, { recursive: true })
  const entries = await readdir(dir)
  const logFile = join(dir, LOG_FILE)
  let manifest: Manifest
  let count = 0
  let torn: TornTail | undefined
  if (entries.includes(MANIFEST_FILE)) {
    const existing = await openSession(dir)
    manifest = options.name ? { ...existing.manifest, name: options.name } : existing.manifest
    count = existing.records.length
    torn = existing.torn
    if (torn) await truncate(logFile, torn.offset)
  } else {
    if (entries.length > 0)
      throw new SessionError(
        join(dir, MANIFEST_FILE),
        0,
        'does not exist, and the directory is not empty: choose an empty or new directory for a session',
      )
    const now = new Date(clock.now()).toISOString()
    manifest = {
      format: SESSION_FORMAT,
      version: 1,
      name: options.name ?? basename(dir),
      created: now,
      updated: now,
      source: options.source ?? '',
      count: 0,
    }
    await writeManifest(dir, manifest)
  }
  const handle: FileHandle = await open(logFile, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT)
  // The records of each event-loop turn in one synchronous write, before that turn's answers leave (log-appender.ts).
  const size = await handle.stat().then(
    (s) => s.size,
    async (error: unknown) => {
      await handle.close()
      throw error
    },
  )
  const appender = new LogAppender(handle.fd, size, count)
  // Its records must be written before the answers that finish their exchanges leave, so writes are held every turn.
  const letWritesThrough = holdEveryTurnWhileOpen()
  let closing: Promise<SessionInfo> | undefined
  const closed = () => new Error(`the session in ${dir} is closed`)

  const writer: SessionWriter = {
    dir,
    get count() {
      return appender.count
    },
    get failures() {
      return appender.failures
    },
    get lastError() {
      return appender.lastError
    },
    ...(torn ? { torn } : {}),
    description: `records each exchange to the session in ${dir}`,
    append(exchange) {
      if (closing) return Promise.reject(closed())
      return new Promise<void>((resolve, reject) =>
        appender.add(exchange, (error) => (error === undefined ? resolve() : reject(error))),
      )
    },
    enqueue(exchange, settled) {
      if (closing) settled(closed())
      else appender.add(exchange, settled)
    },
    close() {
      return (closing ??= (async () => {
        appender.flush()
        letWritesThrough()
        await handle.sync().catch(() => {})
        await handle.close()
        manifest = { ...manifest, count: appender.count, updated: new Date(clock.now()).toISOString() }
        await writeManifest(dir, manifest)
        return sessionInfo(dir)
      })())
    },
  }
  return writer
}

/** A listing entry for one session directory, reading only frame lines (not bodies or checksums). */
export async function sessionInfo(dir: string): Promise<SessionInfo> {
  const manifest = await readManifest(dir)
  const file = join(dir, LOG_FILE)
  const scan = await scanLog(file)
  const size = await dirSize(dir)
  return {
    dir,
    id: basename(dir),
    name: manifest.name,
    created: manifest.created,
    updated: scan.mtime
      ? new Date(Math.max(scan.mtime, Date.parse(manifest.updated) || 0)).toISOString()
      : manifest.updated,
    source: manifest.source,
    count: scan.count,
    sizeBytes: size,
    ...(scan.problem ? { problem: scan.problem } : {}),
  }
}

const SCAN_WINDOW_BYTES = 64 * 1024

/** Counts records by their frame lines, skipping bodies, so listing a large session stays cheap. */
async function scanLog(file: string): Promise<{ count: number; mtime?: number; problem?: string }> {
  let handle: FileHandle
  try {
    handle = await open(file, 'r')
  } catch {
    return { count: 0 }
  }
  try {
    const { size, mtimeMs } = await handle.stat()
    // Frame lines are read through a window, so a log of small records costs one read per many records.
    const buf = Buffer.alloc(SCAN_WINDOW_BYTES)
    let from = 0,
      to = 0
    let offset = 0
    let count = 0
    while (offset < size) {
      // Stryker disable next-line MethodExpression: with Math.max the window is read again for every record, the same frames read more slowly
      if (offset < from || Math.min(offset + MAX_FRAME_LINE, size) > to) {
        const { bytesRead } = await handle.read(buf, 0, SCAN_WINDOW_BYTES, offset)
        from = offset
        to = offset + bytesRead
      }
      const frame = parseFrame(buf.subarray(offset - from, to - from))
      if (frame === 'short' || (typeof frame !== 'string' && offset + frame.recordLength > size)) {
        return {
          count,
          mtime: mtimeMs,
          problem: `the last record (at byte ${offset} of ${file}) is torn and will be skipped`,
        }
      }
      if (typeof frame === 'string') return { count, mtime: mtimeMs, problem: `${file} at byte ${offset}: ${frame}` }
      offset += frame.recordLength
      count++
    }
    return { count, mtime: mtimeMs }
  } finally {
    await handle.close()
  }
}

async function dirSize(dir: string): Promise<number> {
  let total = 0
  for (const name of await readdir(dir)) total += (await stat(join(dir, name)).catch(() => undefined))?.size ?? 0
  return total
}

/** Every session directory under `root` (default: the data directory's `sessions/`), newest first. */
export async function listSessions(root: string = sessionsRoot()): Promise<SessionInfo[]> {
  let names: string[]
  try {
    names = await readdir(root)
  } catch {
    return []
  }
  const found: SessionInfo[] = []
  for (const name of names) {
    const dir = join(root, name)
    try {
      found.push(await sessionInfo(dir))
    } catch (error) {
      if (error instanceof SessionError && /does not exist|cannot exist/.test(error.problem)) continue
      found.push({
        dir,
        id: name,
        name,
        created: '',
        updated: '',
        source: '',
        count: 0,
        sizeBytes: 0,
        problem: (error as Error).message,
      })
    }
  }
  return found.sort((a, b) => b.created.localeCompare(a.created))
}

/** Changes a session's display name (the directory keeps its name). */
export async function renameSession(dir: string, name: string): Promise<SessionInfo> {
  if (name.trim() === '') throw new Error('a session name cannot be empty')
  const manifest = await readManifest(dir)
  await writeManifest(dir, { ...manifest, name })
  return sessionInfo(dir)
}

/** Deletes a session directory, after checking it is one (so a wrong path never deletes anything else). */
export async function deleteSession(dir: string): Promise<void> {
  await readManifest(dir)
  await rm(dir, { recursive: true, force: true })
}

/** A new directory under the sessions root for a session called `name`: `2025-01-31T12-00-00-name`. */
export function newSessionDir(name: string | undefined, now: number, root: string = sessionsRoot()): string {
  const stamp = new Date(now)
    .toISOString()
    .replace(/\.\d+Z$/, '')
    .replace(/:/g, '-')
  const slug = (name ?? '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40)
  return join(root, slug ? `${stamp}-${slug}` : stamp)
}

/** A session given as a path, or as a directory name or display name under the sessions root. */
export async function resolveSession(ref: string, root: string = sessionsRoot()): Promise<string> {
  if (ref.includes('/') || ref.includes('\\') || ref.startsWith('.')) return ref
  const direct = join(root, ref)
  if (
    await stat(join(direct, MANIFEST_FILE)).then(
      () => true,
      () => false,
    )
  )
    return direct
  if (
    await stat(join(ref, MANIFEST_FILE)).then(
      () => true,
      () => false,
    )
  )
    return ref
  const byName = (await listSessions(root)).find((s) => s.name === ref)
  return byName?.dir ?? ref
}
