/**
 * The one seam between the commands and where a session lives: a local directory (or a name under the data
 * directory's sessions/), or `s3://bucket/prefix/NAME` in an S3-compatible bucket (s3-session-store.ts, loaded
 * only when a session is in S3). Nothing named `s3:` is ever made on disk.
 */
import {
  createSession,
  listSessions,
  openSession,
  resolveSession,
  type CreateSessionOptions,
  type Manifest,
  type Session,
  type SessionInfo,
  type SessionWriter,
} from './session-store.ts'
import type { LogStream } from './log-stream.ts'

/** `s3://…` names a session in a bucket; anything else is a local path or a session's name. */
export function isS3Ref(ref: string): boolean {
  return /^s3:\/\//i.test(ref)
}

/** Reads the session at `ref`: a directory, a session's name, or an `s3://` location. */
export async function openSessionAt(ref: string): Promise<Session> {
  if (isS3Ref(ref)) return (await import('./s3-session-store.ts')).openS3Session(ref)
  return openSession(await resolveSession(ref))
}

/** A session whose records are read as they are needed: `records` is iterated once; its `torn` is known at the end. */
export interface SessionStream {
  readonly dir: string
  readonly manifest: Manifest
  readonly records: LogStream
}

/**
 * The session at `ref` for reading once, in order (replay, stand-in): an S3 session streams its segments'
 * bodies, so a large one never downloads whole first; a local one is read as `openSessionAt` reads it.
 */
export async function streamSessionAt(ref: string): Promise<SessionStream> {
  if (isS3Ref(ref)) return (await import('./s3-session-store.ts')).streamS3Session(ref)
  const session = await openSession(await resolveSession(ref))
  return {
    dir: session.dir,
    manifest: session.manifest,
    records: {
      [Symbol.asyncIterator]: async function* () {
        yield* session.records
      },
      torn: session.torn,
    },
  }
}

/** Opens the session at `ref` (a directory or an `s3://` location) for recording: new, or appended to. */
export async function createSessionAt(
  ref: string,
  options: CreateSessionOptions & { onProblem?: (line: string) => void } = {},
): Promise<SessionWriter> {
  if (isS3Ref(ref)) return (await import('./s3-session-store.ts')).createS3Session(ref, options)
  return createSession(ref, options)
}

/** Seconds between uploads of a recording to S3: `NANOSCOPE_S3_UPLOAD_SECONDS`, else 5. */
export function uploadSeconds(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.NANOSCOPE_S3_UPLOAD_SECONDS)
  return Number.isFinite(n) && n > 0 ? n : 5
}

/** The sessions under `root`: a folder (default: the data directory's sessions/) or `s3://bucket/prefix`. */
export async function listSessionsAt(root?: string): Promise<SessionInfo[]> {
  if (root !== undefined && isS3Ref(root)) return (await import('./s3-session-store.ts')).listS3Sessions(root)
  return listSessions(root)
}
