/**
 * Runs a pipeline file: starts each listener, and on `reload` moves the running ones to the file's new
 * contents — a listener whose address and options are unchanged swaps its blocks in place (exchanges in
 * flight finish on the old ones); one that changed is restarted; one that is gone is stopped.
 */
import { readFileSync, type FSWatcher } from 'node:fs'
import path from 'node:path'
import type { Clock } from '../core/clock.ts'
import { tlsInterception } from '../tls/interception.ts'
import type { BlockSpec } from './block.ts'
import type { BuildOptions } from './builder.ts'
import { startLiveListener, type LiveListener } from './live-listener.ts'
import { watchFile } from './watch-file.ts'
import { checkPipelineFile, type Checked, type Listener, type PipelineFile } from './pipeline-file.ts'

/** Reads and checks a pipeline file: every problem, each named by its JSON path. */
export function loadPipelineFile(file: string): Checked<PipelineFile> {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    return {
      ok: false,
      problems: [`${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`],
    }
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    return { ok: false, problems: [`$: not valid JSON (${(error as Error).message})`] }
  }
  return checkPipelineFile(json, path.dirname(path.resolve(file)))
}

export interface RunnerOptions {
  readonly baseDir: string
  readonly clock?: Clock
  readonly out?: { write(text: string): unknown }
  /** Where the Nanoscope CA lives (default: the data directory's). */
  readonly caDir?: string
}

export interface RunningListenerOfFile {
  readonly name: string
  readonly spec: Listener
  readonly live: LiveListener
}

export class PipelineRunner {
  #running: RunningListenerOfFile[] = []

  constructor(private readonly options: RunnerOptions) {}

  get listeners(): readonly RunningListenerOfFile[] {
    return this.#running
  }

  /** Starts every listener; if one fails (a port in use), those already started are stopped and the error thrown. */
  async start(file: PipelineFile, said: (line: string) => void = () => {}): Promise<void> {
    try {
      for (const [i, spec] of file.listeners.entries()) this.#running.push(await this.startOne(spec, i, said))
    } catch (error) {
      await this.stop()
      throw error
    }
  }

  /** Moves to a new version of the file; returns one line per change. A listener that fails to start is reported and skipped. */
  async reload(file: PipelineFile, said: (line: string) => void = () => {}): Promise<string[]> {
    const changes: string[] = []
    const next: RunningListenerOfFile[] = []
    const old = new Map(this.#running.map((r) => [r.name, r]))
    const keep = new Set<RunningListenerOfFile>()
    for (const [i, spec] of file.listeners.entries()) {
      const existing = old.get(nameOf(spec, i))
      if (existing && sameListener(existing.spec, spec)) {
        if (JSON.stringify(existing.spec.pipeline) !== JSON.stringify(spec.pipeline)) {
          for (const line of await existing.live.swap(spec.pipeline as BlockSpec[])) said(line)
          changes.push(`${existing.name}: new pipeline (${spec.pipeline.length} blocks)`)
        }
        next.push({ ...existing, spec })
        keep.add(existing)
      } else next.push(undefined as unknown as RunningListenerOfFile)
    }
    for (const r of this.#running)
      if (!keep.has(r)) {
        await r.live.stop()
        changes.push(`${r.name}: stopped`)
      }
    for (const [i, spec] of file.listeners.entries()) {
      if (next[i]) continue
      try {
        next[i] = await this.startOne(spec, i, said)
        changes.push(`${next[i]!.name}: listening on ${next[i]!.live.server.url}`)
      } catch (error) {
        changes.push(`${nameOf(spec, i)}: not started (${(error as Error).message})`)
      }
    }
    this.#running = next.filter(Boolean)
    return changes
  }

  async stop(): Promise<void> {
    const running = this.#running
    this.#running = []
    await Promise.all(running.map((r) => r.live.stop()))
  }

  private async startOne(spec: Listener, i: number, said: (line: string) => void): Promise<RunningListenerOfFile> {
    const name = nameOf(spec, i)
    const upstreamCa = spec.upstreamCa?.map((f) => readFileSync(path.resolve(this.options.baseDir, f), 'utf8'))
    const o: BuildOptions = {
      target: spec.target,
      httpsUpstream: spec.httpsUpstream ?? false,
      listenerName: name,
      baseDir: this.options.baseDir,
      ...(this.options.clock ? { clock: this.options.clock } : {}),
      out: this.options.out ?? process.stdout,
      ...(spec.noIntercept
        ? {}
        : {
            tls: await tlsInterception({
              passthrough: [...(spec.passthrough ?? [])],
              ...(this.options.caDir ? { caDir: this.options.caDir } : {}),
            }),
          }),
      ...(spec.insecureUpstream ? { insecureUpstream: true } : {}),
      ...(spec.h2cUpstream ? { h2cUpstream: true } : {}),
      ...(upstreamCa?.length ? { upstreamCa } : {}),
      ...(spec.allowHosts?.length ? { allowHosts: spec.allowHosts } : {}),
      ...(spec.timeoutMs ? { timeoutMs: spec.timeoutMs } : {}),
    }
    const live = await startLiveListener(spec.pipeline as BlockSpec[], o, {
      host: spec.host ?? '127.0.0.1',
      port: spec.port ?? 8080,
    })
    for (const line of live.said) said(line)
    return { name, spec, live }
  }
}

export function nameOf(spec: Listener, index: number): string {
  return spec.name ?? `listener ${index + 1}`
}

/** Same address and options: only the blocks may differ, so they can be swapped in place. */
export function sameListener(a: Listener, b: Listener): boolean {
  const { pipeline: _a, ...restA } = a
  const { pipeline: _b, ...restB } = b
  return JSON.stringify(restA) === JSON.stringify(restB)
}

/**
 * Follows a pipeline file for `run` and `serve --pipeline`: each save that validates goes to `apply` (which says
 * what changed); one that does not keeps what runs and says why, in one write.
 */
export function followPipelineFile(
  file: string,
  say: (line: string) => void,
  apply: (contents: PipelineFile) => Promise<string[]>,
): FSWatcher {
  return watchFile(file, say, async () => {
    const next = loadPipelineFile(file)
    if (!next.ok) {
      say([`${file}: not applied; the running pipeline stays:`, ...next.problems].join('\n'))
      return
    }
    const changes = await apply(next.value)
    say(`${file}: reloaded${changes.length ? `: ${changes.join('; ')}` : ' (no change)'}`)
  })
}
