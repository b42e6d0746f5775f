/**
 * What the host (Sessions pane, IPC) calls: list, rename, delete and export sessions, import HAR, replay.
 * Recording and the stand-in are switchable filters (switches.ts) the host puts in each listener's pipeline.
 * Every function takes plain data and returns plain data; errors are thrown as `SessionError` (naming file
 * and byte offset) or `HarError`.
 */
import { readFile, writeFile } from 'node:fs/promises'
import type { SessionInfo } from './session-store.ts'
import { createSessionAt, openSessionAt, streamSessionAt } from './session-location.ts'
import { replay, type ReplayOptions, type ReplayReport } from './replay.ts'
import { toHar, type HarExportOptions } from './har-export.ts'
import { fromHar } from './har-import.ts'
import type { Har } from './har-types.ts'
import type { TornTail } from './record-log.ts'

export {
  listSessions,
  renameSession,
  deleteSession,
  sessionInfo,
  openSession,
  createSession,
  resolveSession,
  newSessionDir,
  type SessionInfo,
  type Session,
  type SessionWriter,
} from './session-store.ts'
export { exchangesToHar, toHar } from './har-export.ts'
export { recordingSwitch, standInSwitch, type RecordingSwitch, type StandInSwitch } from './switches.ts'
export { SessionError, type TornTail } from './record-log.ts'
export { HarError } from './har-import.ts'
export type { ReplayOptions, ReplayReport, ReplayProgress, ReplayResult } from './replay.ts'
export { dataDir, sessionsRoot } from './data-dir.ts'

/** HAR 1.2 of a session (a directory, a name or an `s3://` location); written to `out` when given. `torn` says what a torn tail left out. */
export async function exportSessionHar(
  dir: string,
  out?: string,
  options: HarExportOptions = {},
): Promise<{ har: Har; torn?: TornTail }> {
  const session = await openSessionAt(dir)
  const har = toHar(session.records, { comment: `Nanoscope session "${session.manifest.name}"`, ...options })
  if (out !== undefined) await writeFile(out, JSON.stringify(har, null, 1) + '\n')
  return { har, ...(session.torn ? { torn: session.torn } : {}) }
}

export interface HarImportResult {
  readonly session: SessionInfo
  readonly imported: number
  readonly warnings: readonly string[]
  readonly skipped: ReadonlyArray<{ readonly entry: number; readonly reason: string }>
}

/** Imports a HAR file into a session in `dir` (a directory or an `s3://` location; created, or appended to). */
export async function importHarFile(file: string, dir: string, name?: string): Promise<HarImportResult> {
  const result = fromHar(await readFile(file))
  const writer = await createSessionAt(dir, { ...(name ? { name } : {}), source: `HAR import of ${file}` })
  let session: SessionInfo
  try {
    for (const x of result.records) await writer.append(x)
  } finally {
    session = await writer.close()
  }
  return { session, imported: result.records.length, warnings: result.warnings, skipped: result.skipped }
}

/** Replays a session (a directory, a name or an `s3://` location, streamed) against its recorded server (or `options.target`), with progress callbacks. */
export async function replaySession(
  dir: string,
  options: ReplayOptions = {},
): Promise<ReplayReport & { torn?: TornTail }> {
  const session = await streamSessionAt(dir)
  const report = await replay(session.records, { expectedTotal: session.manifest.count, ...options })
  const torn = session.records.torn
  return { ...report, ...(torn ? { torn } : {}) }
}
