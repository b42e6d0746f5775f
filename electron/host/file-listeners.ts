/**
 * `serve --pipeline FILE`: the file's listeners run inside the host, so they show in the window with their
 * traffic like any other. A save that validates moves them to the new contents (blocks swapped in place when
 * the address is unchanged); one that does not keeps them as they are and says why.
 */
import path from 'node:path'
import type { Host } from './host.ts'
import type { Listener, PipelineFile } from '../pipeline/pipeline-file.ts'
import { nameOf, sameListener } from '../pipeline/pipeline-runner.ts'

export class FileListeners {
  #ids = new Map<string, { id: string; spec: Listener }>()

  constructor(
    private readonly host: Host,
    private readonly file: string,
  ) {}

  /** Starts every listener of the file; on a failure, stops those already started and throws. */
  async start(contents: PipelineFile): Promise<string[]> {
    const urls: string[] = []
    try {
      for (const [i, spec] of contents.listeners.entries()) {
        const info = await this.host.startListener(this.request(spec, i))
        this.#ids.set(info.name, { id: info.id, spec })
        urls.push(`${info.url} (${info.name})`)
      }
    } catch (error) {
      await this.stop()
      throw error
    }
    return urls
  }

  async reload(contents: PipelineFile): Promise<string[]> {
    const changes: string[] = []
    const wanted = new Map(contents.listeners.map((spec, i) => [nameOf(spec, i), { spec, i }]))
    for (const [name, { id, spec }] of this.#ids) {
      const next = wanted.get(name)
      if (next && sameListener(spec, next.spec)) continue
      await this.host.stopListener(id)
      this.#ids.delete(name)
      changes.push(`${name}: stopped`)
    }
    for (const [name, { spec, i }] of wanted) {
      const running = this.#ids.get(name)
      try {
        if (running) {
          if (JSON.stringify(running.spec.pipeline) === JSON.stringify(spec.pipeline)) continue
          await this.host.setPipelineOf(running.id, spec.pipeline)
          this.#ids.set(name, { id: running.id, spec })
          changes.push(`${name}: new pipeline (${spec.pipeline.length} blocks)`)
        } else {
          const info = await this.host.startListener(this.request(spec, i))
          this.#ids.set(name, { id: info.id, spec })
          changes.push(`${name}: listening on ${info.url}`)
        }
      } catch (error) {
        changes.push(`${name}: not applied (${(error as Error).message})`)
      }
    }
    return changes
  }

  async stop(): Promise<void> {
    const ids = [...this.#ids.values()].map((r) => r.id)
    this.#ids.clear()
    await Promise.all(ids.map((id) => this.host.stopListener(id)))
  }

  private request(spec: Listener, i: number) {
    return {
      kind: 'proxy' as const,
      mode: spec.target ? ('reverse' as const) : ('forward' as const),
      name: nameOf(spec, i),
      pipeline: spec.pipeline,
      baseDir: path.dirname(path.resolve(this.file)),
      ...(spec.target ? { target: spec.target } : {}),
      ...(spec.httpsUpstream ? { httpsUpstream: true } : {}),
      ...(spec.h2cUpstream ? { h2cUpstream: true } : {}),
      ...(spec.host ? { host: spec.host } : {}),
      port: spec.port ?? 8080,
    }
  }
}
