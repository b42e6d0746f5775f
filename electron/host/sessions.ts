/**
 * The Sessions pane's side of the host: recording per listener, the stand-in switch, the sessions on disk or
 * under an `s3://` prefix, HAR in and out, and replays that go through a listener's pipeline so they show in Traffic as replays.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { RecordingInfo, ReplayReportData, SessionInfo, StartReplayRequest } from '../../shared/exchange.ts'
import type { HttpHandler } from '../core/http.ts'
import type { Request } from '../core/message.ts'
import type { RecordingSwitch, StandInSwitch } from '../recording/switches.ts'
import {
  deleteSession,
  exchangesToHar,
  exportSessionHar,
  importHarFile,
  listSessions,
  renameSession,
  replaySession,
  resolveSession,
  sessionsRoot,
} from '../recording/sessions-api.ts'
import type { ExchangeDetail } from '../../shared/exchange.ts'
import { isS3Ref, listSessionsAt } from '../recording/session-location.ts'

/** How often a recording's count is sent to the windows while it runs (and a disk error noticed). */
export const RECORDING_POLL_MS = 500

export interface ListenerSwitches {
  readonly recording: RecordingSwitch
  readonly standIn: StandInSwitch
}

export interface SessionsOptions {
  /** Where sessions live (default: the user's data directory). */
  readonly root?: string
  readonly switchesOf: (listenerId: string) => ListenerSwitches
  readonly handlerOf: (listenerId: string) => HttpHandler
  readonly onRecording: (info: RecordingInfo) => void
  readonly onSessions: () => void
  readonly onReplayProgress: (progress: { sessionId: string; done: number; total: number }) => void
}

export class SessionsController {
  readonly #stopped = new Map<string, string>()
  readonly #names = new Map<string, string>()
  readonly #timers = new Map<string, NodeJS.Timeout>()

  constructor(private readonly options: SessionsOptions) {}

  get root(): string {
    return this.options.root ?? sessionsRoot()
  }

  /**
   * The sessions on disk, or under an `s3://bucket/prefix` location (each then identified by its whole `s3://`
   * location, which replay, stand-in and export take as a session id). S3 failures are one line.
   */
  async list(location?: string): Promise<SessionInfo[]> {
    if (location === undefined) return listSessions(this.root)
    if (!isS3Ref(location)) throw new Error(`"${location}" is not an S3 location: write s3://bucket/prefix`)
    return (await listSessionsAt(location)).map((s) => ({ ...s, id: s.dir }))
  }

  /** Where a session id points: an `s3://` location as it is, else a session under the root. */
  async #where(sessionId: string): Promise<string> {
    return isS3Ref(sessionId) ? sessionId : resolveSession(sessionId, this.root)
  }

  #localOnly(sessionId: string, what: string): void {
    if (isS3Ref(sessionId))
      throw new Error(`${sessionId}: sessions in a bucket cannot be ${what} from here; use the AWS CLI or console`)
  }

  info(listenerId: string): RecordingInfo {
    const { recording, standIn } = this.options.switchesOf(listenerId)
    const active = recording.active
    const stoppedBecause = this.#stopped.get(listenerId)
    const standInDir = standIn.active?.dir
    return {
      listenerId,
      recording: active !== undefined,
      count: active?.count ?? 0,
      ...(active ? { sessionId: idOf(active.dir) } : {}),
      ...(active && this.#names.has(listenerId) ? { name: this.#names.get(listenerId)! } : {}),
      ...(stoppedBecause ? { stoppedBecause } : {}),
      ...(standInDir ? { standInSessionId: idOf(standInDir) } : {}),
    }
  }

  async startRecording(listenerId: string, name: string | undefined): Promise<RecordingInfo> {
    const { recording } = this.options.switchesOf(listenerId)
    this.#stopped.delete(listenerId)
    if (name) this.#names.set(listenerId, name)
    else this.#names.delete(listenerId)
    await recording.start({ root: this.root, source: listenerId, ...(name ? { name } : {}) })
    let last = -1
    clearInterval(this.#timers.get(listenerId))
    this.#timers.set(
      listenerId,
      setInterval(() => {
        const active = recording.active
        if (!active) return this.#stopTimer(listenerId)
        if (active.failures > 0) {
          this.#stopped.set(
            listenerId,
            `writing to the session failed: ${active.lastError ?? 'unknown error'}; what was written before stays readable`,
          )
          void this.stopRecording(listenerId)
          return
        }
        if (active.count !== last) {
          last = active.count
          this.options.onRecording(this.info(listenerId))
        }
      }, RECORDING_POLL_MS).unref(),
    )
    this.options.onSessions()
    const info = this.info(listenerId)
    this.options.onRecording(info)
    return info
  }

  async stopRecording(listenerId: string): Promise<RecordingInfo> {
    this.#stopTimer(listenerId)
    await this.options.switchesOf(listenerId).recording.stop()
    const info = this.info(listenerId)
    this.options.onRecording(info)
    this.options.onSessions()
    return info
  }

  async setStandIn(listenerId: string, sessionId: string | undefined): Promise<RecordingInfo> {
    const { standIn } = this.options.switchesOf(listenerId)
    if (sessionId === undefined) standIn.off()
    else await standIn.use(await this.#where(sessionId))
    const info = this.info(listenerId)
    this.options.onRecording(info)
    return info
  }

  async rename(sessionId: string, name: string): Promise<SessionInfo> {
    this.#localOnly(sessionId, 'renamed')
    const info = await renameSession(await resolveSession(sessionId, this.root), name)
    this.options.onSessions()
    return info
  }

  async remove(sessionId: string): Promise<{ deleted: boolean }> {
    this.#localOnly(sessionId, 'deleted')
    await deleteSession(await resolveSession(sessionId, this.root))
    this.options.onSessions()
    return { deleted: true }
  }

  /** A session as HAR 1.2 text (or the given exchanges, for "export the current traffic"). */
  async exportHar(
    sessionId: string | undefined,
    current: () => ExchangeDetail[],
  ): Promise<{ fileName: string; har: string }> {
    if (sessionId === undefined) {
      return { fileName: 'nanoscope-traffic.har', har: JSON.stringify(exchangesToHar(current()), null, 2) }
    }
    const { har } = await exportSessionHar(await this.#where(sessionId))
    return {
      fileName: `${sessionId.split('/').filter(Boolean).pop() ?? 'session'}.har`,
      har: JSON.stringify(har, null, 2),
    }
  }

  /** Imports HAR text (from a file picker or a drop) as a new session. */
  async importHar(fileName: string, content: string) {
    const scratch = mkdtempSync(join(tmpdir(), 'nanoscope-har-'))
    try {
      const file = join(scratch, 'import.har')
      writeFileSync(file, content)
      const name = fileName.replace(/\.har$/i, '') || 'imported'
      const dir = join(this.root, `${new Date().toISOString().replace(/[:.]/g, '-')}-${slug(name)}`)
      const result = await importHarFile(file, dir, name)
      this.options.onSessions()
      return {
        session: result.session,
        imported: result.imported,
        warnings: [...result.warnings],
        skipped: result.skipped.map((x) => `entry ${x.entry}: ${x.reason}`),
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true })
    }
  }

  /** Replays a session through a listener's pipeline, so each replayed exchange shows in Traffic tagged 'replayed'. */
  async replay(listenerId: string, request: StartReplayRequest): Promise<ReplayReportData> {
    const pipeline = this.options.handlerOf(listenerId)
    const send: HttpHandler = (req: Request) =>
      pipeline(Object.freeze({ ...req, tags: [...(req.tags ?? []), 'replayed'] }))
    const report = await replaySession(await this.#where(request.sessionId), {
      send,
      ...(request.target ? { target: request.target } : {}),
      speed: request.speed === 'max' ? Infinity : (request.speed ?? 1),
      ...(request.concurrency ? { concurrency: request.concurrency } : {}),
      ...(request.limit ? { limit: request.limit } : {}),
      onProgress: ({ done, total }) => this.options.onReplayProgress({ sessionId: request.sessionId, done, total }),
    })
    // Infinity ("as fast as possible") does not survive JSON: name it.
    return JSON.parse(
      JSON.stringify({ ...report, speed: report.speed === Infinity ? 'max' : report.speed }),
    ) as ReplayReportData
  }

  async stopAll(listenerIds: readonly string[]): Promise<void> {
    for (const id of listenerIds) {
      this.#stopTimer(id)
      await this.options
        .switchesOf(id)
        .recording.stop()
        .catch(() => undefined)
    }
  }

  #stopTimer(listenerId: string): void {
    clearInterval(this.#timers.get(listenerId))
    this.#timers.delete(listenerId)
  }
}

/** A session's id: its directory's name, or an S3 session's whole location. */
function idOf(dir: string): string {
  if (isS3Ref(dir)) return dir.replace(/\/+$/, '')
  return dir.split(/[\\/]/).filter(Boolean).pop() ?? dir
}

function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 40) || 'session'
  )
}
